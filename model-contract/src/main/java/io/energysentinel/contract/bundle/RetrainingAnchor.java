package io.energysentinel.contract.bundle;

import java.util.Map;
import java.util.Objects;

/**
 * What an event bundle carries so the job can retrain its line without forgetting what normal was: the trainer's
 * weights (to fine-tune from, not start afresh) and a reference sample of the data the line was first trained and
 * calibrated on. Retrained bundles carry the same reference forward, so no sequence of retrainings can replace it
 * with data the serving models themselves filtered. Serving never reads it.
 *
 * @param directory the anchor's folder inside the bundle
 * @param files SHA-256 of each file in it, by path relative to {@code directory}; readers verify them
 * @param admitCeiling the highest score of a record the job may keep for retraining: a quantile of the reference
 *     calibration scores below the threshold, so a margin band under the threshold never enters training
 * @param referenceMedian the median score of the reference calibration rows: with the threshold, the scale on which the
 *     job compares a source's scores with its own earlier ones
 * @param referenceRows rows in the reference training sample
 * @param firstCeiling the admission ceiling of the line's first model ({@code first.onnx} in the anchor): every
 *     retraining drops fresh rows that model scores above it, so what a line may learn is bounded by its first model,
 *     whatever later versions came to accept
 * @param canaryRecall the line's first model's recall on its canaries (synthetic anomalies made from the reference),
 *     carried forward unchanged: every candidate is held to it, so recall cannot erode a tolerance per version
 */
public record RetrainingAnchor(String directory, Map<String, String> files, double admitCeiling, double referenceMedian, int referenceRows,
                               double firstCeiling, double canaryRecall) {
    /** Folder name the trainer writes the anchor into. */
    public static final String DIRECTORY = "anchor";
    /** File name of the line's first model's graph inside the anchor. */
    public static final String FIRST_MODEL = "first.onnx";

    public RetrainingAnchor {
        Objects.requireNonNull(directory, "directory");
        files = Map.copyOf(files);
        if (!Double.isFinite(admitCeiling)) {
            throw new IllegalArgumentException("admitCeiling must be finite, got " + admitCeiling);
        }
    }
}
