package io.energysentinel.job.retrain;

import java.util.List;

/**
 * One scored record (an event's features or an image's pixels), in the model's input order, on its way to
 * retraining: the scorer emits one per record it scored, {@link CleanSamples} keeps those that may train a model.
 *
 * @param modelId model line that scored it
 * @param servingUri where the bundle that scored it lives (its anchor is what retraining starts from)
 * @param source the record's source
 * @param featureNames feature names, in the order of {@code values} (empty for images)
 * @param values the record's features or pixels
 * @param score its score
 * @param threshold the serving threshold
 * @param admitCeiling highest score a record may have to train a model (the anchor's), at most the threshold
 * @param referenceMedian the serving model's median score on its reference rows (NaN when its bundle has no anchor)
 * @param shadowing whether a candidate of the line was being shadow-scored when it was scored
 */
public record NormalSample(String modelId, String servingUri, String source, List<String> featureNames, float[] values, double score,
                           double threshold, double admitCeiling, double referenceMedian, boolean shadowing) implements java.io.Serializable {
    /** Whether the serving model alerted on it. */
    public boolean anomalous() {
        return score > threshold;
    }

    /**
     * Its score on the serving model's own scale: 0 at the median of the reference, 1 at the threshold. Comparable
     * across versions of a line, which differ in energy offsets but not in what their median and threshold mean.
     */
    public double relativeScore() {
        return (score - referenceMedian) / Math.max(1e-12, threshold - referenceMedian);
    }

    /** Whether it scored low enough, below the margin band under the threshold, to train a model. */
    public boolean admissible() {
        return score <= admitCeiling;
    }
}
