package io.energysentinel.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.TensorNames;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.ModelBundle;
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
    @TempDir
    Path dir;

    private static float[] vector(LabelledEvent e) {
        float[] x = new float[SyntheticEventStream.FEATURES.size()];
        for (int j = 0; j < x.length; j++) {
            x[j] = e.event().features().get(SyntheticEventStream.FEATURES.get(j)).floatValue();
        }
        return x;
    }

    @Test
    void aSpikeInjectedIntoOneMetricRanksThatMetricFirstInAtLeast95PercentOfItsAlerts() {
        List<String> names = SyntheticEventStream.FEATURES;
        float[][] normal = new SyntheticEventStream(3, 0.0, 60_000, 0, 21).generate(700).stream()
                .map(ExplanationTest::vector).toArray(float[][]::new);
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingConfig config = EventTraining.defaults().optSteps(300).optLearningRate(5e-4).optBufferSize(2000).optSeed(3).build();
            EventTraining.Result trained = EventTraining.train(names, normal, 32, config, dir.resolve("run"), m, false);
            BundleManifest manifest = EventTraining.writeBundle(trained, "explained", "v1", 0.01, config, dir.resolve("bundle"), m);
            assertThat(manifest.outputs()).contains(TensorNames.CONTRIBUTIONS);
            // The generator's spike: one metric multiplied by 3 to 6, on every held-out normal row and every metric.
            Random random = new Random(4);
            float[][] check = trained.check();
            float[][] spiked = new float[check.length * names.size()][];
            int[] metric = new int[spiked.length];
            for (int i = 0; i < check.length; i++) {
                for (int j = 0; j < names.size(); j++) {
                    float[] x = check[i].clone();
                    x[j] = (float) (Math.max(x[j], 1e-3) * (3 + 3 * random.nextDouble()) + (j == 3 ? 0.05 : 0));
                    spiked[i * names.size() + j] = x;
                    metric[i * names.size() + j] = j;
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
                        List<String> top = TopMetrics.rank(names, contributions[k]);
                        namedFirst += !top.isEmpty() && top.get(0).equals(names.get(metric[k])) ? 1 : 0;
                    }
                }
                System.out.printf("spiked metric named first in %d of %d alerts (%.1f%%)%n", namedFirst, alerts,
                        100.0 * namedFirst / alerts);
                assertThat(alerts).as("spikes alerted").isGreaterThan(spiked.length / 2);
                assertThat(namedFirst / (double) alerts).as("%d of %d alerts name the spiked metric first", namedFirst, alerts)
                        .isGreaterThanOrEqualTo(0.95);
            }
        }
    }
}
