package io.energysentinel.trainer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --objective}, {@code sample --sampler} and {@code toy}: each runs, and each user mistake is one line. */
class ObjectivesAndSamplersCliTest {
    @TempDir
    Path dir;

    @Test
    void toyFitsByNceReportsKlAndDrawsThePicture() {
        Captured c = capture(() -> TrainerCli.run("toy", "--density", "mixture1d", "--objective", "nce", "--steps", "300",
                "--out", dir.toString(), "--no-progress"));
        assertThat(c.rc).isZero();
        assertThat(c.out).contains("mixture1d by nce: KL(true || learned)").contains("wrote");
        assertThat(dir.resolve("density.png")).isNotEmptyFile();
    }

    @Test
    void toyInTwoDimensionsDrawsHeatMapsAndChecksTheLearnedEnergyByHmc() {
        Captured c = capture(() -> TrainerCli.run("toy", "--density", "ring", "--objective", "nce", "--steps", "300",
                "--sampler", "hmc", "--out", dir.toString(), "--no-progress"));
        assertThat(c.rc).isZero();
        assertThat(c.out).contains("hmc on the learned energy").contains("acceptance").contains("permutation p");
        assertThat(dir.resolve("density.png")).isNotEmptyFile();
    }

    @Test
    void theEventMlpTrainsByNceByCdAndByDsm() throws Exception {
        Path events = dir.resolve("events.jsonl");
        assertThat(TrainerCli.run("generate-events", "--sources", "3", "--events", "200", "--anomaly-rate", "0",
                "--out", events.toString())).isZero();
        for (String objective : new String[] {"nce", "cd", "dsm"}) {
            Path run = dir.resolve("run-" + objective);
            Captured c = capture(() -> TrainerCli.run("train", "--kind", "mlp", "--data", events.toString(), "--objective", objective,
                    "--steps", "20", "--sgld-steps", "2", "--hidden", "16", "--out", run.toString(), "--no-progress"));
            assertThat(c.rc).as(c.err).isZero();
            assertThat(Files.readString(run.resolve("training.json"))).contains("\"objective\" : \"" + objective + "\"");
        }
    }

    @Test
    void eventsSpanningLessThanADayGetANoteBeforeTrainingAndADayOrMoreNone() throws Exception {
        // One event a minute: 200 events span 3.3 hours, 1,500 span 25.
        for (int perSource : new int[] {200, 1500}) {
            Path events = dir.resolve("span-" + perSource + ".jsonl");
            assertThat(TrainerCli.run("generate-events", "--sources", "1", "--events", String.valueOf(perSource), "--anomaly-rate", "0",
                    "--out", events.toString())).isZero();
            Captured c = capture(() -> TrainerCli.run("train", "--kind", "mlp", "--data", events.toString(), "--steps", "5",
                    "--sgld-steps", "2", "--hidden", "8", "--out", dir.resolve("span-run-" + perSource).toString(), "--no-progress"));
            assertThat(c.rc).as(c.err).isZero();
            if (perSource == 200) {
                assertThat(c.out).contains("note: the events span 3.3 h, less than a day");
            } else {
                assertThat(c.out).doesNotContain("note: the events span");
            }
        }
    }

    @Test
    void aConvEnergyTrainsByNceAndRanksImagesBelowItsNoise() throws Exception {
        io.energysentinel.trainer.data.DataLocator locator = io.energysentinel.trainer.data.DataLocator.fromEnvironment();
        org.junit.jupiter.api.Assumptions.assumeTrue(locator.fashionMnist().isPresent(), locator::missingHelp);
        Path run = dir.resolve("conv-nce");
        Captured c = capture(() -> TrainerCli.run("train", "--kind", "conv", "--objective", "nce", "--steps", "200",
                "--train-limit", "1000", "--validation", "200", "--channels", "8,16", "--background-share", "0",
                "--out", run.toString(), "--no-progress"));
        assertThat(c.rc).as(c.err).isZero();
        com.fasterxml.jackson.databind.JsonNode summary = io.energysentinel.contract.Json.mapper().readTree(run.resolve("training.json").toFile());
        assertThat(summary.path("objective").asText()).isEqualTo("nce");
        com.fasterxml.jackson.databind.JsonNode last = summary.path("main").path("last");
        // NCE pushes the images' energy down and the noise draws' up: here 5.7 after 200 steps (1.1 after 60); the full net gains hundreds in 600.
        assertThat(last.path("negativeEnergy").asDouble() - last.path("positiveEnergy").asDouble()).isGreaterThan(2);
    }

    @Test
    void sampleRunsMalaAndHmcOnAnImageModelAndReportsAcceptance() {
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            io.energysentinel.trainer.model.TrainedModels.save(io.energysentinel.trainer.model.EnergyNets.initialise(
                    io.energysentinel.contract.ModelKind.CONV_EBM,
                    io.energysentinel.trainer.model.EnergyNets.convEnergy(java.util.List.of(1, 28, 28), java.util.List.of(4, 8)), m, 3),
                    dir.resolve("conv"));
        }
        for (String sampler : new String[] {"mala", "hmc"}) {
            Path png = dir.resolve(sampler + ".png");
            Captured c = capture(() -> TrainerCli.run("sample", "--sampler", sampler, "--model", dir.resolve("conv").toString(),
                    "--count", "4", "--warmup", "5", "--mcmc-steps", "5", "--leapfrog", "3", "--out", png.toString()));
            assertThat(c.rc).as(c.err).isZero();
            assertThat(c.out).contains(sampler + ": step size").contains("acceptance");
            assertThat(png).isNotEmptyFile();
        }
    }

    @Test
    void rbmTrainsOnFashionMnistAndReportsAisLogLikelihood() {
        io.energysentinel.trainer.data.DataLocator locator = io.energysentinel.trainer.data.DataLocator.fromEnvironment();
        org.junit.jupiter.api.Assumptions.assumeTrue(locator.fashionMnist().isPresent(), locator::missingHelp);
        Captured c = capture(() -> TrainerCli.run("rbm", "--hidden", "8", "--epochs", "1", "--train-limit", "500", "--test-limit", "100",
                "--ais-betas", "100", "--ais-runs", "10", "--no-progress"));
        assertThat(c.rc).as(c.err).isZero();
        assertThat(c.out).contains("AIS (100 betas, 10 runs").contains("test log-likelihood on 100 images");
        assertOneLine(capture(() -> TrainerCli.run("rbm", "--hidden", "0")), "--hidden");
    }

    @Test
    void userMistakesAreOneLineWithoutAStackTrace() {
        Path events = dir.resolve("events.jsonl");
        assertThat(TrainerCli.run("generate-events", "--sources", "2", "--events", "100", "--anomaly-rate", "0",
                "--out", events.toString())).isZero();
        assertOneLine(capture(() -> TrainerCli.run("train", "--kind", "jem", "--objective", "nce", "--out", dir.toString(),
                "--no-progress")), "--objective nce trains a conv energy");
        assertOneLine(capture(() -> TrainerCli.run("train", "--kind", "mlp", "--data", events.toString(), "--cd", "--objective", "nce",
                "--out", dir.toString(), "--no-progress")), "contradict");
        // DSM trains nets of linear layers: the event MLP, not the image models.
        assertOneLine(capture(() -> TrainerCli.run("train", "--kind", "conv", "--objective", "dsm", "--out", dir.toString(),
                "--no-progress")), "dsm trains nets of linear layers");
        assertThat(TrainerCli.run("train", "--kind", "mlp", "--data", events.toString(), "--objective", "dsm", "--steps", "5",
                "--hidden", "8", "--out", dir.resolve("mlp-dsm").toString(), "--no-progress")).isZero();
        assertThat(TrainerCli.run("train", "--kind", "mlp", "--data", events.toString(), "--objective", "nce", "--steps", "5",
                "--hidden", "8", "--out", dir.resolve("mlp").toString(), "--no-progress")).isZero();
        assertOneLine(capture(() -> TrainerCli.run("sample", "--sampler", "mala", "--model", dir.resolve("mlp/model").toString(),
                "--out", dir.resolve("s.png").toString())), "sample draws image models");
        assertOneLine(capture(() -> TrainerCli.run("sample", "--sampler", "hmc", "--model", dir.resolve("missing").toString(),
                "--out", dir.resolve("s.png").toString())), "not a trained model directory");
        assertOneLine(capture(() -> TrainerCli.run("toy", "--steps", "0", "--out", dir.toString())), "--steps must be at least 1");
        // A feature energy is fitted to a JEM's classifier features: no other kind has them.
        assertOneLine(capture(() -> TrainerCli.run("train", "--kind", "conv", "--feature-energy-steps", "10", "--out", dir.toString(),
                "--no-progress")), "a feature energy needs a JEM");
        assertOneLine(capture(() -> TrainerCli.run("train", "--kind", "mlp", "--data", events.toString(), "--feature-energy-steps", "10",
                "--out", dir.toString(), "--no-progress")), "--feature-energy-steps is for --kind jem");
        assertOneLine(capture(() -> TrainerCli.run("train", "--kind", "jem", "--feature-energy-steps", "-5", "--out", dir.toString(),
                "--no-progress")), "0 (none) or positive");
    }

    private static void assertOneLine(Captured c, String expected) {
        assertThat(c.rc).isEqualTo(2);
        assertThat(c.err.strip().lines()).singleElement().asString().contains(expected).doesNotContain("Exception");
    }

    private record Captured(int rc, String out, String err) {}

    private static Captured capture(IntSupplier command) {
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int rc = command.getAsInt();
            return new Captured(rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
    }
}
