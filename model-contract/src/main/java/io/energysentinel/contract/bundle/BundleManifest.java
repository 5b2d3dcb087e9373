package io.energysentinel.contract.bundle;

import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The manifest ({@code manifest.json}) of a model bundle.
 *
 * @param schemaVersion manifest schema version; a reader refuses versions newer than {@link #SCHEMA_VERSION}
 * @param modelId stable name of the model line, e.g. {@code fashion-conv}
 * @param modelVersion version of this bundle within the line, e.g. {@code 2026-11-22T15-40-00Z}
 * @param kind which energy model this is
 * @param input what the graph expects as input
 * @param outputs ONNX output names, each a {@link io.energysentinel.contract.TensorNames} or score id
 * @param onnx the ONNX file, its hash and opset
 * @param scores servable scores with their calibrated thresholds, keyed by score
 * @param defaultScore the score serving alerts on unless configured otherwise
 * @param metrics evaluation metrics by name, e.g. {@code mnist.energy.auroc}
 * @param training provenance of the training run
 * @param goldenVectorsFile file name (in the bundle directory) of the golden vectors
 * @param createdAt ISO-8601 instant the bundle was written
 * @param anchor what retraining this line needs (event bundles from the trainer), or {@code null}
 */
public record BundleManifest(
        int schemaVersion,
        String modelId,
        String modelVersion,
        ModelKind kind,
        InputSpec input,
        List<String> outputs,
        OnnxFile onnx,
        Map<ScoreName, ScoreThreshold> scores,
        ScoreName defaultScore,
        Map<String, Double> metrics,
        TrainingProvenance training,
        String goldenVectorsFile,
        String createdAt,
        RetrainingAnchor anchor) {

    /** The newest manifest schema this code reads and writes. */
    public static final int SCHEMA_VERSION = 1;
    /** File name of the manifest inside a bundle directory. */
    public static final String FILE_NAME = "manifest.json";

    /** This manifest with {@code retrainingAnchor}. */
    public BundleManifest withAnchor(RetrainingAnchor retrainingAnchor) {
        return new BundleManifest(schemaVersion, modelId, modelVersion, kind, input, outputs, onnx, scores, defaultScore, metrics,
                training, goldenVectorsFile, createdAt, retrainingAnchor);
    }

    public BundleManifest {
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(onnx, "onnx");
        outputs = List.copyOf(outputs);
        scores = Map.copyOf(scores);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        if (defaultScore != null && !scores.containsKey(defaultScore)) {
            throw new IllegalArgumentException("defaultScore " + defaultScore.id() + " has no threshold in scores");
        }
    }
}
