package io.energysentinel.trainer.pipeline;

import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.RetrainingAnchor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of a bundle's {@link RetrainingAnchor}, whatever the line's kind: their SHA-256 for the manifest when written,
 * every one verified against it when read. A fine-tuning starts from these files; one altered after the bundle was
 * written (or one leaving the anchor directory) would let whoever altered it choose what the next version learns.
 */
final class AnchorFiles {
    /** The anchor's subdirectory holding the weights a fine-tuning starts from. */
    static final String MODEL = "model";

    private AnchorFiles() {}

    /** Writes a line's reference sample into the anchor directory. */
    @FunctionalInterface
    interface ReferenceWriter {
        void write(Path dir) throws IOException;
    }

    /**
     * Writes an anchor into {@code bundleDir/anchor}: the line's first model's graph, {@code model}'s weights (what the
     * next version starts from) under {@code model/}, and the reference sample by {@code reference}; returns the manifest
     * entry listing every file's SHA-256.
     */
    static RetrainingAnchor write(Path bundleDir, io.energysentinel.trainer.model.TrainedModel model, ReferenceWriter reference,
                                  int referenceRows, double admitCeiling, double referenceMedian, EventAnchor.FirstModel first) {
        Path dir = bundleDir.resolve(RetrainingAnchor.DIRECTORY);
        try {
            Files.createDirectories(dir);
            Files.copy(first.onnx(), dir.resolve(RetrainingAnchor.FIRST_MODEL), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            io.energysentinel.trainer.model.TrainedModels.save(model, dir.resolve(MODEL));
            reference.write(dir);
            return new RetrainingAnchor(RetrainingAnchor.DIRECTORY, hashes(bundleDir, dir), admitCeiling, referenceMedian, referenceRows,
                    first.admitCeiling(), first.canaryRecall());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the retraining anchor in " + dir, e);
        }
    }

    /** The SHA-256 of every file under {@code dir}, keyed by its path relative to {@code dir}. */
    static Map<String, String> hashes(Path bundleDir, Path dir) {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(file).toString().replace('\\', '/'), BundleLoader.sha256(file, bundleDir));
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the retraining anchor in " + dir, e);
        }
    }

    /**
     * The anchor directory of the bundle in {@code bundleDir}, after every listed file matched its SHA-256 and each of
     * {@code required} was listed.
     *
     * @throws IllegalArgumentException when the bundle has no anchor, or a file is missing, altered or outside it
     */
    static Path verified(Path bundleDir, BundleManifest manifest, List<String> required) {
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
        for (String name : required) {
            if (!anchor.files().containsKey(name)) {
                throw new IllegalArgumentException("anchor lists no " + name);
            }
        }
        return dir;
    }
}
