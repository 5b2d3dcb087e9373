package io.energysentinel.trainer.baselines;

/**
 * An anomaly detector fitted on normal rows only; higher scores mean more anomalous.
 *
 * <p>Rows are standardised feature vectors (z-scores with the training rows' mean and standard deviation), the same
 * for every detector, so distance-based ones see every metric on one scale.
 */
public interface Detector {
    /** Short name for tables and JSON, e.g. {@code isolation_forest}. */
    String name();

    /** Fits on normal rows and returns the fitted scorer. */
    Fitted fit(double[][] normal);

    /** A fitted detector. */
    interface Fitted {
        /** One anomaly score per row, higher = more anomalous. */
        double[] score(double[][] rows);
    }
}
