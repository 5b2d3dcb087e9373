package io.energysentinel.contract.bundle;

/**
 * A score's alert threshold and how it was calibrated on held-out normal data.
 *
 * @param threshold alert when the score is strictly above this value
 * @param method calibration method, e.g. {@code held-out-quantile}
 * @param targetFpr false-positive rate aimed for, e.g. 0.01
 * @param quantile the quantile of normal scores taken as threshold (1 - targetFpr)
 * @param calibrationSamples number of held-out normal samples the quantile was computed on
 * @param achievedFpr false-positive rate measured on a second, disjoint held-out normal set
 * @param achievedSamples size of that second set
 * @param thresholdLow lower end of the threshold's 90% bootstrap interval (the calibration's uncertainty, wide on
 *     small tables), or {@code null} where not computed
 * @param thresholdHigh upper end of that interval, or {@code null}
 */
public record ScoreThreshold(
        double threshold, String method, double targetFpr, double quantile,
        int calibrationSamples, double achievedFpr, int achievedSamples, Double thresholdLow, Double thresholdHigh) {
    public ScoreThreshold {
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("threshold must be finite, got " + threshold);
        }
    }
}
