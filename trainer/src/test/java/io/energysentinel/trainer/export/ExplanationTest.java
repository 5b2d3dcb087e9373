package io.energysentinel.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.TensorNames;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.bundle.SourceHistory;
import io.energysentinel.contract.records.TopMetrics;
import io.energysentinel.contract.scoring.ModelOutputs;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.training.TrainingConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The event MLP's graph names the metric that made an event anomalous. */
class ExplanationTest {
    private static final List<String> METRICS = SyntheticEventStream.FEATURES;

    @TempDir
    Path dir;

    private static float[] vector(LabelledEvent e) {
        float[] x = new float[METRICS.size()];
        for (int j = 0; j < x.length; j++) {
            x[j] = e.event().features().get(METRICS.get(j)).floatValue();
        }
        return x;
    }

    private static List<LabelledEvent> normalStream() {
        return new SyntheticEventStream(3, 0.0, 60_000, 0, 21).generate(700);
    }

    @Test
    void aSpikeInjectedIntoOneMetricRanksThatMetricFirstInAtLeast95PercentOfItsAlerts() {
        float[][] normal = normalStream().stream().map(ExplanationTest::vector).toArray(float[][]::new);
        assertSpikedMetricNamedFirst(normal, null);
    }

    @Test
    void withTheSourcesHistoryTheSpikedMetricComesFirstInAtLeast95PercentOfItsAlerts() {
        List<LabelledEvent> stream = normalStream();
        float[][] raw = stream.stream().map(ExplanationTest::vector).toArray(float[][]::new);
        SourceHistory history = SourceHistory.fittedTo(raw);
        float[][] widened = history.widenInOrder(stream.stream().map(e -> e.event().source()).toList(), raw);
        assertSpikedMetricNamedFirst(widened, history);
    }

    /**
     * Trains on {@code rows}, spikes every metric of every held-out row in turn as the generator does (times 3 to 6; for a
     * model fed history, its deviation from the source's average moves by as much and its unchanged run ends, as the job
     * would compute them), and
     * checks that at least 95% of the alerts name the spiked metric first. Contributions come per record metric, its
     * history columns reset with it.
     */
    private void assertSpikedMetricNamedFirst(float[][] rows, SourceHistory history) {
        List<String> names = history == null ? METRICS : SourceHistory.widenedNames(METRICS);
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingConfig config = EventTraining.defaults().optSteps(300).optBufferSize(2000).optSeed(3).build();
            EventTraining.Result trained = EventTraining.train(names, rows, 32, config, EventTraining.contrastive(config), history,
                    dir.resolve("run"), m, false);
            BundleManifest manifest = EventTraining.writeBundle(trained, "explained", "v1", 0.01, config, dir.resolve("bundle"), m);
            assertThat(manifest.outputs()).contains(TensorNames.CONTRIBUTIONS);
            assertThat(manifest.input().recordFeatureNames()).isEqualTo(METRICS);
            Random random = new Random(4);
            float[][] check = trained.check();
            int d = METRICS.size();
            float[][] spiked = new float[check.length * d][];
            int[] metric = new int[spiked.length];
            for (int i = 0; i < check.length; i++) {
                for (int j = 0; j < d; j++) {
                    float[] x = check[i].clone();
                    float before = x[j];
                    x[j] = (float) (Math.max(x[j], 1e-3) * (3 + 3 * random.nextDouble()) + (j == 3 ? 0.05 : 0));
                    if (history != null) {
                        // The job would see the value move by as much from the source's average, and its run end.
                        x[d + j] += x[j] - before;
                        x[2 * d + j] = 0;
                    }
                    spiked[i * d + j] = x;
                    metric[i * d + j] = j;
                }
            }
            try (ModelBundle bundle = BundleLoader.load(dir.resolve("bundle"), ScorerOptions.cpu())) {
                double threshold = manifest.scores().get(manifest.defaultScore()).threshold();
                ModelOutputs out = bundle.score(spiked);
                float[] energy = out.column(TensorNames.ENERGY);
                float[][] contributions = out.rows(TensorNames.CONTRIBUTIONS);
                int alerts = 0;
                int namedFirst = 0;
                for (int k = 0; k < spiked.length; k++) {
                    if (energy[k] > threshold) {
                        alerts++;
                        List<String> top = TopMetrics.rank(manifest.input().recordFeatureNames(), contributions[k]);
                        namedFirst += !top.isEmpty() && top.get(0).equals(METRICS.get(metric[k])) ? 1 : 0;
                    }
                }
                System.out.printf("spiked metric named first in %d of %d alerts (%.1f%%)%s%n", namedFirst, alerts,
                        100.0 * namedFirst / alerts, history == null ? "" : ", with source history");
                assertThat(alerts).as("spikes alerted").isGreaterThan(spiked.length / 2);
                assertThat(namedFirst / (double) alerts).as("%d of %d alerts name the spiked metric first", namedFirst, alerts)
                        .isGreaterThanOrEqualTo(0.95);
            }
        }
    }
}
