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
        return new ScoreThreshold(threshold, METHOD, targetFpr, quantile, calibration.length,
                above / (double) check.length, check.length);
    }

    /** The {@code ceil(q * n)}-th smallest value (1-based), q in (0, 1]. */
    public static double quantile(double[] values, double q) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
