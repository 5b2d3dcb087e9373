package io.energysentinel.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.InputSpec;
import io.energysentinel.contract.bundle.ScoreThreshold;
import io.energysentinel.contract.bundle.SourceHistory;
import io.energysentinel.trainer.data.SyntheticEventStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Event tables far below the 1,000 rows the defaults assume: checked before training, calibrated with what there is. */
class SmallTablesTest {
    @TempDir
    Path dir;

    @Test
    void aTableOf249RowsTrainsAndItsBundleCarriesTheThresholdsUncertaintyAndTheHistoryItTakes() {
        Path events = dir.resolve("small.jsonl");
        assertThat(TrainerCli.run("generate-events", "--sources", "3", "--events", "83", "--anomaly-rate", "0",
                "--out", events.toString())).isZero();
        int rc = TrainerCli.run("train", "--kind", "mlp", "--data", events.toString(), "--steps", "20", "--sgld-steps", "2",
                "--hidden", "16", "--out", dir.resolve("run").toString(), "--bundle", dir.resolve("bundle").toString(), "--no-progress");
        assertThat(rc).isZero();
        ScoreThreshold energy = BundleLoader.readManifest(dir.resolve("bundle")).scores().get(ScoreName.ENERGY);
        assertThat(energy.calibrationSamples()).as("20% of 249 rows").isBetween(45, 55);
        assertThat(energy.thresholdLow()).isNotNull().isLessThanOrEqualTo(energy.threshold());
        assertThat(energy.thresholdHigh()).isNotNull().isGreaterThanOrEqualTo(energy.threshold());
        InputSpec input = BundleLoader.readManifest(dir.resolve("bundle")).input();
        assertThat(input.history()).as("the default: each source's history, which the job keeps").isNotNull();
        assertThat(input.history().alpha()).isEqualTo(SourceHistory.ALPHA);
        assertThat(input.history().scales()).hasSize(SyntheticEventStream.FEATURES.size()).allMatch(v -> v > 0);
        assertThat(input.recordFeatureNames()).isEqualTo(SyntheticEventStream.FEATURES);
        assertThat(input.shape()).containsExactly(3 * SyntheticEventStream.FEATURES.size());

        assertThat(TrainerCli.run("train", "--kind", "mlp", "--data", events.toString(), "--steps", "20", "--sgld-steps", "2",
                "--hidden", "16", "--features", "raw", "--out", dir.resolve("run-raw").toString(), "--bundle",
                dir.resolve("bundle-raw").toString(), "--no-progress")).isZero();
        InputSpec raw = BundleLoader.readManifest(dir.resolve("bundle-raw")).input();
        assertThat(raw.history()).isNull();
        assertThat(raw.featureNames()).isEqualTo(SyntheticEventStream.FEATURES);
    }

    @Test
    void aTableTooSmallToCalibrateIsOneLineBeforeAnyTraining() {
        Path events = dir.resolve("tiny.jsonl");
        assertThat(TrainerCli.run("generate-events", "--sources", "2", "--events", "25", "--anomaly-rate", "0",
                "--out", events.toString())).isZero();
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        long start = System.nanoTime();
        int rc;
        try {
            rc = TrainerCli.run("train", "--kind", "mlp", "--data", events.toString(), "--out", dir.resolve("run").toString(),
                    "--no-progress");
        } finally {
            System.setErr(original);
        }
        assertThat(rc).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8).strip().lines()).singleElement().asString()
                .contains("only 50 normal rows").contains("at least 107").doesNotContain("Exception");
        assertThat((System.nanoTime() - start) / 1e9).as("refused before training").isLessThan(10);
    }
}
