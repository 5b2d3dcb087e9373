package io.energysentinel.trainer.pipeline;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.RetrainingAnchor;
import io.energysentinel.trainer.data.IdxReader;
import io.energysentinel.trainer.data.IdxWriter;
import io.energysentinel.trainer.data.ImageDataset;
import io.energysentinel.trainer.data.Splits;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes and reads the {@link RetrainingAnchor} of an image bundle: the trainer's weights ({@code model/}), the line's
 * first model, and the reference sample as gzip-compressed IDX files (the format Fashion-MNIST ships in): labelled
 * training images, and the held-out calibration and check images the first threshold came from. Every file's SHA-256
 * is in the manifest and verified on read.
 */
public final class ImageAnchor {
    /** Most reference training images kept, with their labels: they keep the classifier head and refit its Gaussians. */
    public static final int MAX_REFERENCE_IMAGES = 1500;
    /** Most held-out images kept of each set (calibration, check): a 1% quantile of 3,000 has a ~0.2-point error. */
    public static final int MAX_HELD_OUT_IMAGES = 1500;
    private static final String TRAIN_IMAGES = "train-images.idx.gz";
    private static final String TRAIN_LABELS = "train-labels.idx.gz";
    private static final String CALIBRATION = "calibration-images.idx.gz";
    private static final String CHECK = "check-images.idx.gz";

    private ImageAnchor() {}

    /**
     * An image line's reference sample.
     *
     * @param train labelled images the line was trained on
     * @param labels their class labels
     * @param calibration held-out normal images thresholds are calibrated on
     * @param check a second held-out set the FPR reached is measured on
     */
    public record Reference(int rows, int cols, float[][] train, int[] labels, float[][] calibration, float[][] check)
            implements AnchorReference {
        @Override
        public Map<String, float[][]> canaries(long seed) {
            return ImageCanaries.of(train, rows, seed);
        }

        /**
         * The reference of a line trained on {@code trained} and calibrated on {@code calibration} and {@code check}: a
         * uniform sample of each, at most {@link #MAX_REFERENCE_IMAGES} and {@link #MAX_HELD_OUT_IMAGES}.
         */
        public static Reference sample(ImageDataset trained, float[][] calibration, float[][] check, long seed) {
            int[] order = Splits.permutation(trained.size(), seed);
            int[] kept = Arrays.copyOf(order, Math.min(order.length, MAX_REFERENCE_IMAGES));
            float[][] images = EventTraining.pick(trained.pixels(), kept);
            int[] labels = new int[kept.length];
            for (int i = 0; i < kept.length; i++) {
                labels[i] = trained.labels()[kept[i]];
            }
            return new Reference(trained.rows(), trained.cols(), images, labels, capped(calibration, seed + 1), capped(check, seed + 2));
        }

        private static float[][] capped(float[][] rows, long seed) {
            return rows.length <= MAX_HELD_OUT_IMAGES ? rows
                    : EventTraining.pick(rows, Arrays.copyOf(Splits.permutation(rows.length, seed), MAX_HELD_OUT_IMAGES));
        }
    }

    /** A read anchor: the weights to fine-tune from, the reference, and the line's first model's graph (verified). */
    public record Loaded(TrainedModel model, Reference reference, RetrainingAnchor anchor, Path firstModel) {}

    /** Writes {@code model} and {@code reference} into {@code bundleDir/anchor}; returns the manifest entry. */
    public static RetrainingAnchor write(Path bundleDir, TrainedModel model, Reference reference, double admitCeiling, double referenceMedian,
                                         EventAnchor.FirstModel first) {
        return AnchorFiles.write(bundleDir, model, dir -> {
            IdxWriter.writeImages(reference.train(), reference.rows(), reference.cols(), dir.resolve(TRAIN_IMAGES));
            IdxWriter.writeLabels(reference.labels(), dir.resolve(TRAIN_LABELS));
            IdxWriter.writeImages(reference.calibration(), reference.rows(), reference.cols(), dir.resolve(CALIBRATION));
            IdxWriter.writeImages(reference.check(), reference.rows(), reference.cols(), dir.resolve(CHECK));
        }, reference.train().length, admitCeiling, referenceMedian, first);
    }

    /**
     * Anchors the image bundle just written into {@code dir} with {@code model}'s weights and {@code reference}, its
     * ceilings from its scores on {@code calibration}; {@code first} is the line's first model, {@code null} when this
     * bundle is it. Returns the manifest as verified on loading.
     */
    public static BundleManifest attach(Path dir, BundleManifest written, TrainedModel model, Reference reference, float[][] calibration,
                                        double targetFpr, EventAnchor.FirstModel first) {
        return AnchoredBundles.anchor(dir, written, calibration, reference, first, targetFpr,
                (ceiling, median, firstModel) -> write(dir, model, reference, ceiling, median, firstModel));
    }

    /**
     * Reads the anchor of the image bundle in {@code bundleDir}, verifying every file against the manifest.
     *
     * @throws IllegalArgumentException when the bundle has no anchor, a file is missing or altered, or its images do not
     *     have the bundle's input shape
     */
    public static Loaded read(Path bundleDir, NDManager manager) {
        BundleManifest manifest = BundleLoader.readManifest(bundleDir);
        Path dir = AnchorFiles.verified(bundleDir, manifest,
                List.of(TRAIN_IMAGES, TRAIN_LABELS, CALIBRATION, CHECK, RetrainingAnchor.FIRST_MODEL));
        ImageDataset train = IdxReader.readLabelled(dir.resolve(TRAIN_IMAGES), dir.resolve(TRAIN_LABELS), "anchor/train");
        ImageDataset calibration = IdxReader.readImages(dir.resolve(CALIBRATION), "anchor/calibration");
        ImageDataset check = IdxReader.readImages(dir.resolve(CHECK), "anchor/check");
        List<Integer> shape = manifest.input().shape();
        int pixels = shape.stream().reduce(1, (a, b) -> a * b);
        for (ImageDataset set : List.of(train, calibration, check)) {
            if (set.imageSize() != pixels || set.rows() != calibration.rows()) {
                throw new IllegalArgumentException("anchor images " + set.name() + " are " + set.rows() + "x" + set.cols()
                        + ", the bundle takes " + shape);
            }
        }
        Reference reference = new Reference(train.rows(), train.cols(), train.pixels(), train.labels(), calibration.pixels(),
                check.pixels());
        return new Loaded(TrainedModels.load(dir.resolve(AnchorFiles.MODEL), manager), reference, manifest.anchor(),
                dir.resolve(RetrainingAnchor.FIRST_MODEL));
    }
}
