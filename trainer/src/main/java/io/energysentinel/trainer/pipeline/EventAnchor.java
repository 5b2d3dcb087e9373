package io.energysentinel.trainer.pipeline;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.RetrainingAnchor;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Writes and reads the {@link RetrainingAnchor} of an event bundle: the trainer's weights ({@code model/}) and the
 * reference sample ({@code reference.json}: training rows, and the held-out calibration and check rows the first
 * threshold came from), all raw metric values, each file's SHA-256 in the manifest.
 */
public final class EventAnchor {
    /** Most reference training rows kept: enough to anchor a fine-tuning, small enough to ship with every bundle. */
    public static final int MAX_REFERENCE_ROWS = 2000;
    private static final String MODEL = "model";
    private static final String REFERENCE = "reference.json";

    private EventAnchor() {}

    /**
     * The reference sample: raw rows in the order of {@code featureNames}.
     *
     * @param train rows the line was trained on (a uniform sample of at most {@link #MAX_REFERENCE_ROWS})
     * @param calibration held-out normal rows thresholds are calibrated on
     * @param check a second held-out set the FPR reached is measured on
     */
    public record Reference(List<String> featureNames, float[][] train, float[][] calibration, float[][] check) {}

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
        Path dir = bundleDir.resolve(RetrainingAnchor.DIRECTORY);
        try {
            Files.createDirectories(dir);
            Files.copy(first.onnx(), dir.resolve(RetrainingAnchor.FIRST_MODEL), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            TrainedModels.save(model, dir.resolve(MODEL));
            Json.compact().writeValue(dir.resolve(REFERENCE).toFile(), reference);
            Map<String, String> files = new TreeMap<>();
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path file : all.filter(Files::isRegularFile).toList()) {
                    files.put(dir.relativize(file).toString().replace('\\', '/'), BundleLoader.sha256(file, bundleDir));
                }
            }
            return new RetrainingAnchor(RetrainingAnchor.DIRECTORY, files, admitCeiling, referenceMedian, reference.train().length,
                    first.admitCeiling(), first.canaryRecall());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the retraining anchor in " + dir, e);
        }
    }

    /**
     * Reads the anchor of the bundle in {@code bundleDir}, verifying every file against the manifest.
     *
     * @throws IllegalArgumentException when the bundle has no anchor or a file is missing or altered
     */
    public static Loaded read(Path bundleDir, NDManager manager) {
        BundleManifest manifest = BundleLoader.readManifest(bundleDir);
        RetrainingAnchor anchor = manifest.anchor();
        if (anchor == null) {
            throw new IllegalArgumentException("bundle " + manifest.modelId() + "/" + manifest.modelVersion()
                    + " carries no retraining anchor (train it with this version of the trainer to make its line retrainable)");
        }
        Path dir = bundleDir.resolve(anchor.directory()).normalize();
        if (!dir.startsWith(bundleDir.normalize())) {
            throw new IllegalArgumentException("anchor directory " + anchor.directory() + " leaves the bundle");
        }
        for (Map.Entry<String, String> file : anchor.files().entrySet()) {
            Path path = dir.resolve(file.getKey()).normalize();
            if (!path.startsWith(dir)) {
                throw new IllegalArgumentException("anchor file " + file.getKey() + " leaves the anchor directory");
            }
            String actual = BundleLoader.sha256(path, bundleDir);
            if (!actual.equalsIgnoreCase(file.getValue())) {
                throw new IllegalArgumentException("anchor file " + file.getKey() + " has SHA-256 " + actual + ", the manifest says "
                        + file.getValue());
            }
        }
        if (!anchor.files().containsKey(REFERENCE)) {
            throw new IllegalArgumentException("anchor lists no " + REFERENCE);
        }
        try {
            Reference reference = Json.mapper().readValue(dir.resolve(REFERENCE).toFile(), Reference.class);
            if (!reference.featureNames().equals(manifest.input().featureNames())) {
                throw new IllegalArgumentException("anchor reference has features " + reference.featureNames() + ", the bundle "
                        + manifest.input().featureNames());
            }
            if (!anchor.files().containsKey(RetrainingAnchor.FIRST_MODEL)) {
                throw new IllegalArgumentException("anchor lists no " + RetrainingAnchor.FIRST_MODEL);
            }
            return new Loaded(TrainedModels.load(dir.resolve(MODEL), manager), reference, anchor, dir.resolve(RetrainingAnchor.FIRST_MODEL));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the anchor reference of " + bundleDir + ": " + e.getMessage(), e);
        }
    }
}
