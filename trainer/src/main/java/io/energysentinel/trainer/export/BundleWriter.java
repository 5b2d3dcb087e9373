package io.energysentinel.trainer.export;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.TensorNames;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.GoldenVectors;
import io.energysentinel.contract.bundle.InputSpec;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.bundle.Normalization;
import io.energysentinel.contract.bundle.OnnxFile;
import io.energysentinel.contract.bundle.ScoreThreshold;
import io.energysentinel.contract.bundle.SourceHistory;
import io.energysentinel.contract.scoring.ModelOutputs;
import io.energysentinel.contract.scoring.OnnxScorer;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.model.LayerSpec;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.scores.OodScorer;
import io.energysentinel.trainer.scores.ServedScoreChoice;
import io.energysentinel.trainer.training.Energies;
import io.energysentinel.trainer.training.TrainingData;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a model bundle: {@code model.onnx}, {@code manifest.json} with thresholds calibrated by ONNX
 * Runtime on held-out normal data, and {@code golden.json} with outputs the trainer computed — then loads
 * it back through {@link BundleLoader}, so a bundle that would be refused is never written silently.
 */
public final class BundleWriter {
    /** Name of the graph file inside a bundle. */
    public static final String ONNX_FILE = "model.onnx";
    private static final int GOLDEN_COUNT = 8;
    private static final double GOLDEN_TOLERANCE = 1e-4;

    private BundleWriter() {}

    /** Writes the bundle for {@code request} into {@code dir} and returns its manifest. */
    public static BundleManifest write(BundleRequest request, Path dir, NDManager manager) {
        TrainedModel model = request.model();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("model_id", request.modelId());
        metadata.put("model_version", request.modelVersion());
        metadata.put("kind", model.kind().name());
        metadata.put("seed", String.valueOf(request.provenance().seed()));
        metadata.put("data_fingerprint", request.provenance().dataFingerprint());
        request.provenance().libraryVersions().forEach((k, v) -> metadata.put("version." + k, v));
        Path onnx = dir.resolve(ONNX_FILE);
        // With a source history, a record metric is explained with its history columns: contributions per record metric.
        int[][] explained = request.history() == null ? OnnxExporter.eachInput(model)
                : SourceHistory.metricColumns(request.history().scales().size());
        OnnxExporter.export(model, metadata, onnx, explained);
        List<String> outputs = OnnxExporter.outputNames(model);

        Map<ScoreName, ScoreThreshold> thresholds = new EnumMap<>(ScoreName.class);
        try (OnnxScorer scorer = OnnxScorer.open(onnx, model.spec().inputShape(), new ScorerOptions(
                io.energysentinel.contract.scoring.ExecutionProvider.CPU, 2, 0))) {
            ModelOutputs cal = scorer.score(request.calibration());
            ModelOutputs chk = scorer.score(request.check());
            for (ScoreName score : ScoreName.values()) {
                if (score.servable() && outputs.contains(score.id())) {
                    thresholds.put(score, ThresholdCalibrator.calibrate(toDoubles(cal.column(score.id())),
                            toDoubles(chk.column(score.id())), request.targetFpr()));
                }
            }
        }
        GoldenVectors golden = golden(request, outputs, explained, manager);
        BundleManifest manifest = new BundleManifest(BundleManifest.SCHEMA_VERSION, request.modelId(), request.modelVersion(),
                model.kind(), inputSpec(request), outputs,
                new OnnxFile(ONNX_FILE, BundleLoader.sha256(onnx, dir), OnnxExporter.OPSET),
                thresholds, defaultScore(request, thresholds), request.metrics(), request.provenance(),
                GoldenVectors.FILE_NAME, Instant.now().toString(), null);
        try {
            Json.mapper().writeValue(dir.resolve(GoldenVectors.FILE_NAME).toFile(), golden);
            Json.mapper().writeValue(dir.resolve(BundleManifest.FILE_NAME).toFile(), manifest);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write bundle files in " + dir, e);
        }
        try (ModelBundle verified = BundleLoader.load(dir, ScorerOptions.cpu())) {
            return verified.manifest();
        }
    }

    private static InputSpec inputSpec(BundleRequest request) {
        LayerSpec first = request.model().spec().layers().get(0);
        Normalization normalization = first instanceof LayerSpec.Standardize s
                ? new Normalization(s.mean(), s.std()) : Normalization.identity();
        return new InputSpec(io.energysentinel.contract.TensorNames.INPUT, request.model().spec().inputShape(), "float32",
                request.inputMin(), request.inputMax(), request.featureNames(), normalization, request.history());
    }

    private static ScoreName defaultScore(BundleRequest request, Map<ScoreName, ScoreThreshold> thresholds) {
        if (request.preferredScore() != null && thresholds.containsKey(request.preferredScore())) {
            return request.preferredScore();
        }
        for (ScoreName s : ServedScoreChoice.FIXED_ORDER) {
            if (thresholds.containsKey(s)) {
                return s;
            }
        }
        return ScoreName.ENERGY;
    }

    /** Half real held-out inputs, half random ones inside the input range; outputs from DJL. */
    private static GoldenVectors golden(BundleRequest request, List<String> outputs, int[][] explained, NDManager manager) {
        TrainedModel model = request.model();
        int size = model.spec().inputSize();
        List<float[]> inputs = new ArrayList<>();
        for (int i = 0; i < GOLDEN_COUNT / 2; i++) {
            inputs.add(request.calibration()[i].clone());
        }
        Random random = new Random(request.provenance().seed());
        for (int i = 0; i < GOLDEN_COUNT / 2; i++) {
            float[] base = request.calibration()[(i + 7) % request.calibration().length];
            float[] x = new float[size];
            for (int j = 0; j < size; j++) {
                // Images: uniform in the pixel range. Events: a real row with 10% jitter (raw scales differ too much for uniform).
                x[j] = request.featureNames().isEmpty()
                        ? (float) (request.inputMin() + (request.inputMax() - request.inputMin()) * random.nextDouble())
                        : (float) (base[j] * (1 + 0.1 * random.nextGaussian()));
            }
            inputs.add(x);
        }
        float[][] array = inputs.toArray(new float[0][]);
        Map<ScoreName, double[]> scores = new OodScorer(model).scoreAll(array, manager);
        Map<String, List<float[]>> expected = new LinkedHashMap<>();
        for (String output : outputs) {
            List<float[]> rows = new ArrayList<>();
            if (output.equals(TensorNames.LOGITS)) {
                try (NDManager scope = manager.newSubManager()) {
                    int[] idx = java.util.stream.IntStream.range(0, array.length).toArray();
                    Shape item = new Shape(model.spec().inputShape().stream().mapToLong(Integer::longValue).toArray());
                    float[] flat = Energies.output(model, new ParameterStore(scope, false),
                            TrainingData.batch(array, idx, item, scope), false).toFloatArray();
                    int classes = flat.length / array.length;
                    for (int i = 0; i < array.length; i++) {
                        rows.add(java.util.Arrays.copyOfRange(flat, i * classes, (i + 1) * classes));
                    }
                }
            } else if (output.equals(TensorNames.CONTRIBUTIONS)) {
                rows.addAll(contributions(model, array, scores.get(ScoreName.ENERGY), explained, manager));
            } else {
                double[] values = scores.get(ScoreName.fromId(output));
                for (double v : values) {
                    rows.add(new float[] {(float) v});
                }
            }
            expected.put(output, rows);
        }
        if (model.kind() != ModelKind.JEM && !expected.containsKey(TensorNames.ENERGY)) {
            throw new IllegalStateException("energy output missing");
        }
        return new GoldenVectors(GOLDEN_TOLERANCE, inputs, expected);
    }

    /**
     * The expected {@link TensorNames#CONTRIBUTIONS} computed another way than the graph does: in raw units, each group
     * of {@code explained} replaced by its training means, scored by DJL.
     */
    static List<float[]> contributions(TrainedModel model, float[][] inputs, double[] energy, int[][] explained, NDManager manager) {
        LayerSpec.Standardize standardize = (LayerSpec.Standardize) model.spec().layers().get(0);
        int g = explained.length;
        float[][] reset = new float[inputs.length * g][];
        for (int i = 0; i < inputs.length; i++) {
            for (int k = 0; k < g; k++) {
                float[] x = inputs[i].clone();
                for (int column : explained[k]) {
                    x[column] = standardize.mean().get(column).floatValue();
                }
                reset[i * g + k] = x;
            }
        }
        double[] resetEnergy = new OodScorer(model).scoreAll(reset, manager).get(ScoreName.ENERGY);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < inputs.length; i++) {
            float[] row = new float[g];
            for (int k = 0; k < g; k++) {
                row[k] = (float) (energy[i] - resetEnergy[i * g + k]);
            }
            out.add(row);
        }
        return out;
    }

    private static double[] toDoubles(float[] values) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }
}
