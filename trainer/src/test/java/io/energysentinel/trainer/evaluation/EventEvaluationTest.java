package io.energysentinel.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.energysentinel.trainer.baselines.IsolationForest;
import io.energysentinel.trainer.baselines.ShrinkageGaussian;
import io.energysentinel.trainer.data.EventFiles;
import io.energysentinel.trainer.data.EventTable;
import io.energysentinel.trainer.data.JsonLinesEventReader;
import io.energysentinel.trainer.data.SyntheticEventStream;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.training.Objective;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A seeded tiny run of the event evaluation: every detector measured on every kind, JSON and pictures written. */
class EventEvaluationTest {
    @TempDir
    Path dir;

    @Test
    void tinyStreamIsMeasuredPerKindForTheMlpAndEachBaseline() {
        Path file = dir.resolve("stream.jsonl");
        EventFiles.writeJsonLines(new SyntheticEventStream(2, 0.03, 60_000, 0, 5).generate(700), file);
        EventTable table = JsonLinesEventReader.read(file, List.of());
        EventEvaluation.Settings settings = new EventEvaluation.Settings(16,
                EventTraining.defaults().optSteps(60).optBufferSize(1000).optLearningRate(5e-4).build(), Objective.PCD, 0.5, 0.01, true,
                List.of(new IsolationForest(20, 128, 1), new ShrinkageGaussian()));
        try (NDManager m = NDManager.newBaseManager()) {
            EventEvaluation.Report report = EventEvaluation.run(List.of(table), settings, dir.resolve("out"), m);
            assertThat(report.summary()).containsOnlyKeys(EventEvaluation.ENERGY, EventEvaluation.FEATURE_MAHALANOBIS,
                    "isolation_forest", "gaussian_ledoit_wolf");
            report.summary().values().forEach(byKind -> {
                assertThat(byKind).containsKey(EventEvaluation.OVERALL);
                assertThat(byKind.get(EventEvaluation.OVERALL).get("auroc")).isBetween(0.5, 1.0);
                // A fraction, not a quality bar: 60 training steps on half a day of metrics say nothing about FPR.
                assertThat(byKind.get(EventEvaluation.OVERALL).get("testFpr")).isBetween(0.0, 1.0);
            });
            // Correlation breaks pin CPU at 85%: far outside anything normal, whatever the detector.
            assertThat(report.summary().get("gaussian_ledoit_wolf").get("CORRELATION_BREAK").get("auroc")).isGreaterThan(0.95);
        }
        assertThat(dir.resolve("out/evaluation.json")).isNotEmptyFile();
        assertThat(dir.resolve("out/energy-over-time.png")).isNotEmptyFile();
        assertThat(dir.resolve("out/roc-overall.png")).isNotEmptyFile();
    }

    @Test
    void episodesAreRunsOfOneLabelPerSourceAndDelaysCountFromTheirStart() {
        List<String> labels = List.of("", "SPIKE", "SPIKE", "", "DRIFT", "DRIFT", "DRIFT");
        List<String> sources = List.of("a", "a", "b", "a", "a", "a", "b");
        // Source a: SPIKE at 1, DRIFT at 4-5; source b: SPIKE at 2, DRIFT at 6.
        assertThat(EventEvaluation.episodes(labels, sources)).extracting(EventEvaluation.Episode::kind,
                EventEvaluation.Episode::indices).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("SPIKE", List.of(1)),
                org.assertj.core.groups.Tuple.tuple("SPIKE", List.of(2)),
                org.assertj.core.groups.Tuple.tuple("DRIFT", List.of(4, 5)),
                org.assertj.core.groups.Tuple.tuple("DRIFT", List.of(6)));
        double[] scores = {0, 0, 5, 0, 0, 5, 0};
        EventEvaluation.DetectorResult r = EventEvaluation.judge(scores, labels, sources,
                new io.energysentinel.contract.bundle.ScoreThreshold(1, "test", 0.01, 0.99, 10, 0, 10, 1.0, 1.0), null, "x");
        assertThat(r.byKind().get("DRIFT").delays()).containsExactly(1);
        assertThat(r.byKind().get("DRIFT").episodeRate()).isEqualTo(0.5);
        assertThat(r.byKind().get("SPIKE").episodesDetected()).isEqualTo(1);
    }
}
