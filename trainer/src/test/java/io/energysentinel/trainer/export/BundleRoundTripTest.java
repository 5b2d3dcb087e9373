package io.energysentinel.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.BundleRejectedException;
import io.energysentinel.contract.bundle.BundleRejectedException.Reason;
import io.energysentinel.contract.bundle.InputValidator;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.pipeline.EventTraining;
import io.energysentinel.trainer.scores.OodScorer;
import io.energysentinel.trainer.training.DivergenceGuard;
import io.energysentinel.trainer.training.PcdTrainer;
import io.energysentinel.trainer.training.TrainingConfig;
import io.energysentinel.trainer.training.TrainingData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train → bundle → load in ONNX Runtime → the same energies; and every way a bundle is refused. */
class BundleRoundTripTest {
    private static final List<Integer> IMAGE = List.of(1, 28, 28);

    @TempDir
    Path dir;

    @Test
    void trainedConvEnergyNetBundleReproducesTheTrainersEnergies() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel model = trained(ModelKind.CONV_EBM, EnergyNets.convEnergy(IMAGE, List.of(4, 8)), m);
            assertRoundTrip(model, m, ScoreName.ENERGY);
        }
    }

    @Test
    void trainedJemBundleWithEveryScoreReproducesTheTrainer() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel jem = ExportParityTest.jemWithEverything(m);
            assertRoundTrip(jem, m, ScoreName.ENSEMBLE);
        }
    }

    @Test
    void trainedMlpOnSyntheticEventsReproducesTheTrainerOnRawEvents() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<LabelledEvent> events = new SyntheticEventStream(2, 0.0, 60_000, 0, 3).generate(600);
            float[][] rows = events.stream().map(e -> {
                float[] v = new float[SyntheticEventStream.FEATURES.size()];
                for (int j = 0; j < v.length; j++) {
                    v[j] = e.event().features().get(SyntheticEventStream.FEATURES.get(j)).floatValue();
                }
                return v;
            }).toArray(float[][]::new);
            EventTraining.Result r = EventTraining.train(SyntheticEventStream.FEATURES, rows, 16,
                    TrainingConfig.builder().optSteps(5).optBatchSize(32).optBufferSize(128).optSgldSteps(5)
                            .optDataRange(-6f, 6f).optSeed(2).build(), dir.resolve("mlp-run"), m, false);
            Path bundle = dir.resolve("mlp-bundle");
            BundleManifest manifest = BundleWriter.write(new BundleRequest(r.model(), "events-mlp", "t1", r.calibration(), r.check(),
                    0.01, Map.of(), Provenance.of("fp", "synthetic", 2, 5, Map.of()), r.featureNames(), -3.4e38, 3.4e38, null), bundle, m);
            assertThat(manifest.input().featureNames()).isEqualTo(SyntheticEventStream.FEATURES);
            assertThat(manifest.input().normalization().mean()).hasSize(6);
            try (ModelBundle loaded = BundleLoader.load(bundle, ScorerOptions.cpu())) {
                InputValidator validator = new InputValidator(loaded.manifest().input());
                float[] raw = validator.check(events.get(5).event().features()).value();
                assertThat(raw).isNotNull();
                double expected = new OodScorer(r.model()).scoreAll(new float[][] {raw}, m).get(ScoreName.ENERGY)[0];
                float actual = loaded.score(new float[][] {raw}).column("energy")[0];
                assertThat(Math.abs(actual - expected) / Math.max(1, Math.abs(expected))).isLessThanOrEqualTo(1e-4);
            }
        }
    }

    @Test
    void thresholdIsTheHeldOutQuantileAndTheReachedFprIsReported() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel model = trained(ModelKind.CONV_EBM, EnergyNets.convEnergy(IMAGE, List.of(4)), m);
            BundleManifest manifest = writeBundle(model, m);
            var t = manifest.scores().get(ScoreName.ENERGY);
            assertThat(t.targetFpr()).isEqualTo(0.01);
            assertThat(t.calibrationSamples()).isEqualTo(300);
            assertThat(t.achievedSamples()).isEqualTo(300);
            assertThat(t.achievedFpr()).isBetween(0.0, 0.05);
        }
    }

    @Test
    void truncatedOnnxIsRefusedByHashAndAsCorruptWhenTheHashIsForged() throws IOException {
        Path bundle = writeDefaultBundle();
        Path onnx = bundle.resolve(BundleWriter.ONNX_FILE);
        byte[] bytes = Files.readAllBytes(onnx);
        Files.write(onnx, Arrays.copyOf(bytes, bytes.length / 3));
        assertRejected(bundle, Reason.HASH_MISMATCH, "SHA-256");
        rewriteManifest(bundle, BundleLoader.sha256(onnx, bundle), 1, null);
        assertRejected(bundle, Reason.CORRUPT_MODEL, "cannot open ONNX model");
    }

    @Test
    void manifestFromANewerSchemaIsRefused() throws IOException {
        Path bundle = writeDefaultBundle();
        rewriteManifest(bundle, null, BundleManifest.SCHEMA_VERSION + 1, null);
        assertRejected(bundle, Reason.NEWER_SCHEMA, "upgrade the scorer");
    }

    @Test
    void manifestInputShapeThatDisagreesWithTheGraphIsRefused() throws IOException {
        Path bundle = writeDefaultBundle();
        rewriteManifest(bundle, null, 1, List.of(1, 32, 32));
        assertRejected(bundle, Reason.SHAPE_MISMATCH, "expected [batch, [1, 32, 32]]");
    }

    @Test
    void tamperedGoldenValueIsRefused() throws IOException {
        Path bundle = writeDefaultBundle();
        Path golden = bundle.resolve("golden.json");
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(golden.toFile());
        var energy = (com.fasterxml.jackson.databind.node.ArrayNode) tree.get("outputs").get("energy").get(2);
        energy.set(0, energy.get(0).floatValue() + 0.5f);
        Json.mapper().writeValue(golden.toFile(), tree);
        assertRejected(bundle, Reason.GOLDEN_MISMATCH, "golden energy[2][0]");
    }

    @Test
    void announcedHashThatDiffersIsRefused() {
        Path bundle = writeDefaultBundle();
        assertThatThrownBy(() -> BundleLoader.load(bundle, ScorerOptions.cpu(), "00".repeat(32)))
                .isInstanceOf(BundleRejectedException.class).hasMessageContaining("announced");
    }

    @Test
    void missingManifestIsRefused() throws IOException {
        Path bundle = writeDefaultBundle();
        Files.delete(bundle.resolve("manifest.json"));
        assertRejected(bundle, Reason.MISSING_FILE, "no manifest.json");
    }

    @Test
    void nanWrongLengthAndOutOfRangeInputsAreRefusedBeforeScoring() {
        Path bundle = writeDefaultBundle();
        try (ModelBundle loaded = BundleLoader.load(bundle, ScorerOptions.cpu())) {
            InputValidator v = new InputValidator(loaded.manifest().input());
            float[] nan = new float[784];
            nan[17] = Float.NaN;
            assertThat(v.check(nan).reason()).isEqualTo(DeadLetterReason.NON_FINITE);
            assertThat(v.check(nan).detail()).contains("value 17");
            assertThat(v.check(new float[10]).reason()).isEqualTo(DeadLetterReason.WRONG_SHAPE);
            float[] bright = new float[784];
            bright[3] = 2f;
            assertThat(v.check(bright).reason()).isEqualTo(DeadLetterReason.OUT_OF_RANGE);
            assertThat(v.check(Map.of("cpu", 1.0)).detail()).contains("takes images");
            assertThat(v.check(new float[784]).ok()).isTrue();
        }
    }

    @Test
    void independentOnnxCheckerAcceptsTheBundle() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(pythonOnnxAvailable(),
                "python3-onnx not installed (apt-get install python3-onnx, or scripts/fetch-data.sh --install): skipping the independent ONNX check");
        try (NDManager m = NDManager.newBaseManager()) {
            writeBundle(ExportParityTest.jemWithEverything(m), m);
        }
        Path script = Path.of("..", "scripts", "check-bundle.py").toAbsolutePath().normalize();
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.resolve("bundle").toString())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        assertThat(output).contains("OK").contains("mahalanobis");

        // The checker is not a rubber stamp: a tampered hash fails it.
        rewriteManifest(dir.resolve("bundle"), "00".repeat(32), 1, null);
        Process q = new ProcessBuilder("/usr/bin/python3", script.toString(), dir.resolve("bundle").toString())
                .redirectErrorStream(true).start();
        String failed = new String(q.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(q.waitFor()).isEqualTo(1);
        assertThat(failed).contains("FAIL sha256");
    }

    private static boolean pythonOnnxAvailable() {
        try {
            return new ProcessBuilder("/usr/bin/python3", "-c", "import onnx").start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private Path writeDefaultBundle() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel model = trained(ModelKind.CONV_EBM, EnergyNets.convEnergy(IMAGE, List.of(4)), m);
            writeBundle(model, m);
            return dir.resolve("bundle");
        }
    }

    private BundleManifest writeBundle(TrainedModel model, NDManager m) {
        return BundleWriter.write(new BundleRequest(model, "test-" + model.kind(), "v1",
                ExportParityTest.uniform(300, 784, 11), ExportParityTest.uniform(300, 784, 12), 0.01, Map.of("x", 1.0),
                Provenance.of("abc", "uniform", 1, 3, Map.of()), List.of(), 0, 1, null), dir.resolve("bundle"), m);
    }

    private void assertRoundTrip(TrainedModel model, NDManager m, ScoreName expectedDefault) {
        BundleManifest manifest = writeBundle(model, m);
        assertThat(manifest.defaultScore()).isEqualTo(expectedDefault);
        assertThat(manifest.onnx().opset()).isEqualTo(OnnxExporter.OPSET);
        float[][] fresh = ExportParityTest.uniform(20, 784, 99);
        Map<ScoreName, double[]> expected = new OodScorer(model).scoreAll(fresh, m);
        try (ModelBundle loaded = BundleLoader.load(dir.resolve("bundle"), ScorerOptions.cpu())) {
            var out = loaded.score(fresh);
            for (ScoreName score : manifest.scores().keySet()) {
                float[] actual = out.column(score.id());
                for (int i = 0; i < fresh.length; i++) {
                    double want = expected.get(score)[i];
                    assertThat(Math.abs(actual[i] - want) / Math.max(1, Math.abs(want))).as(score.id()).isLessThanOrEqualTo(1e-4);
                }
            }
        }
    }

    private static TrainedModel trained(ModelKind kind, NetworkSpec spec, NDManager m) {
        TrainedModel model = EnergyNets.initialise(kind, spec, m, 1);
        float[][] x = ExportParityTest.uniform(64, 784, 5);
        int[] labels = new int[64];
        try (PcdTrainer t = new PcdTrainer(model, new TrainingData("u", x, labels, IMAGE),
                TrainingConfig.builder().optSteps(3).optBatchSize(16).optBufferSize(64).optSgldSteps(3).build(),
                m, DivergenceGuard.defaults())) {
            t.train(s -> { });
        }
        return model;
    }

    private static void rewriteManifest(Path bundle, String sha, int schema, List<Integer> shape) throws IOException {
        Path file = bundle.resolve("manifest.json");
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) Json.mapper().readTree(file.toFile());
        tree.put("schemaVersion", schema);
        if (sha != null) {
            ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("onnx")).put("sha256", sha);
        }
        if (shape != null) {
            var arr = ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("input")).putArray("shape");
            shape.forEach(arr::add);
        }
        Json.mapper().writeValue(file.toFile(), tree);
    }

    private static void assertRejected(Path bundle, Reason reason, String message) {
        assertThatThrownBy(() -> BundleLoader.load(bundle, ScorerOptions.cpu()))
                .isInstanceOfSatisfying(BundleRejectedException.class, e -> assertThat(e.reason()).isEqualTo(reason))
                .hasMessageContaining(message);
    }

}
