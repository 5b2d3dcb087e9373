package io.energysentinel.trainer.export;

import io.energysentinel.contract.bundle.ScoreThreshold;
import java.util.Arrays;

/**
 * Picks an alert threshold from held-out normal scores only: no labelled anomalies are needed.
 *
 * <p>The threshold is the empirical (1 - targetFpr) quantile of the calibration scores, taken as the
 * {@code ceil(q * n)}-th smallest value (the smallest value with at least a fraction q of scores at or
 * below it); alerts fire strictly above it. The FPR reached is then measured on a second, disjoint set.
 */
public final class ThresholdCalibrator {
    /** The method name written into manifests. */
    public static final String METHOD = "held-out-normal-quantile";

    private ThresholdCalibrator() {}

    /** Calibrates on {@code calibration} and reports the FPR reached on {@code check}. */
    public static ScoreThreshold calibrate(double[] calibration, double[] check, double targetFpr) {
        if (!(targetFpr > 0 && targetFpr < 1)) {
            throw new IllegalArgumentException("targetFpr must lie in (0, 1), got " + targetFpr);
        }
        if (calibration.length == 0 || check.length == 0) {
            throw new IllegalArgumentException("need calibration and check scores");
        }
        double quantile = 1 - targetFpr;
        double threshold = quantile(calibration, quantile);
        long above = Arrays.stream(check).filter(s -> s > threshold).count();
        double[] interval = bootstrapInterval(calibration, quantile);
        return new ScoreThreshold(threshold, METHOD, targetFpr, quantile, calibration.length,
                above / (double) check.length, check.length, interval[0], interval[1]);
    }

    /** Resamples the bootstrap interval is taken over. */
    static final int RESAMPLES = 400;

    /**
     * The 5th and 95th percentiles of the threshold over {@link #RESAMPLES} bootstrap resamples of the calibration
     * scores (fixed seed, so a bundle is reproducible): how far the threshold could move with other normal data of
     * the same size. On a few dozen samples a 1% quantile is little more than the maximum, and this says so.
     */
    static double[] bootstrapInterval(double[] calibration, double quantile) {
        java.util.Random random = new java.util.Random(calibration.length);
        double[] thresholds = new double[RESAMPLES];
        double[] resample = new double[calibration.length];
        for (int r = 0; r < RESAMPLES; r++) {
            for (int i = 0; i < resample.length; i++) {
                resample[i] = calibration[random.nextInt(calibration.length)];
            }
            thresholds[r] = quantile(resample, quantile);
        }
        return new double[] {quantile(thresholds, 0.05), quantile(thresholds, 0.95)};
    }

    /** The {@code ceil(q * n)}-th smallest value (1-based), q in (0, 1]. */
    public static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
