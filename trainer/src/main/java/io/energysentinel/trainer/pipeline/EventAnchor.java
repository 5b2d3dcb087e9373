package io.energysentinel.trainer.pipeline;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.RetrainingAnchor;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads the {@link RetrainingAnchor} of an event bundle: the trainer's weights ({@code model/}) and the
 * reference sample ({@code reference.json}: training rows, and the held-out calibration and check rows the first
 * threshold came from), all raw metric values, each file's SHA-256 in the manifest.
 */
public final class EventAnchor {
    /** Most reference training rows kept: enough to anchor a fine-tuning, small enough to ship with every bundle. */
    public static final int MAX_REFERENCE_ROWS = 2000;
    private static final String REFERENCE = "reference.json";

    private EventAnchor() {}

    /**
     * The reference sample: raw rows in the order of {@code featureNames}.
     *
     * @param train rows the line was trained on (a uniform sample of at most {@link #MAX_REFERENCE_ROWS})
     * @param calibration held-out normal rows thresholds are calibrated on
     * @param check a second held-out set the FPR reached is measured on
     */
    public record Reference(List<String> featureNames, float[][] train, float[][] calibration, float[][] check) implements AnchorReference {
        @Override
        public Map<String, float[][]> canaries(long seed) {
            return EventCanaries.of(featureNames, train, seed);
        }
    }

    /**
     * A read anchor: the weights to fine-tune from, the reference sample, and the line's first model.
     *
     * @param firstModel the line's first model's graph (verified), to vet fresh rows with
     */
    public record Loaded(TrainedModel model, Reference reference, RetrainingAnchor anchor, Path firstModel) {}

    /**
     * The line's first model, carried into every later anchor unchanged.
     *
     * @param onnx its graph
     * @param admitCeiling its admission ceiling
     * @param canaryRecall its overall canary recall
     */
    public record FirstModel(Path onnx, double admitCeiling, double canaryRecall) {}

    /** Writes {@code model} and {@code reference} into {@code bundleDir/anchor}; returns the manifest entry. */
    public static RetrainingAnchor write(Path bundleDir, TrainedModel model, Reference reference, double admitCeiling, double referenceMedian,
                                         FirstModel first) {
        return AnchorFiles.write(bundleDir, model, dir -> Json.compact().writeValue(dir.resolve(REFERENCE).toFile(), reference),
                reference.train().length, admitCeiling, referenceMedian, first);
    }

    /**
     * Reads the anchor of the bundle in {@code bundleDir}, verifying every file against the manifest.
     *
     * @throws IllegalArgumentException when the bundle has no anchor or a file is missing or altered
     */
    public static Loaded read(Path bundleDir, NDManager manager) {
        BundleManifest manifest = BundleLoader.readManifest(bundleDir);
        Path dir = AnchorFiles.verified(bundleDir, manifest, List.of(REFERENCE, RetrainingAnchor.FIRST_MODEL));
        RetrainingAnchor anchor = manifest.anchor();
        try {
            Reference reference = Json.mapper().readValue(dir.resolve(REFERENCE).toFile(), Reference.class);
            if (!reference.featureNames().equals(manifest.input().featureNames())) {
                throw new IllegalArgumentException("anchor reference has features " + reference.featureNames() + ", the bundle "
                        + manifest.input().featureNames());
            }
            return new Loaded(TrainedModels.load(dir.resolve(AnchorFiles.MODEL), manager), reference, anchor, dir.resolve(RetrainingAnchor.FIRST_MODEL));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the anchor reference of " + bundleDir + ": " + e.getMessage(), e);
        }
    }
}
