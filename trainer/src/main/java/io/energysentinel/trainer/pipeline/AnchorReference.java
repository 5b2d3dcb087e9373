package io.energysentinel.trainer.pipeline;

import java.util.Map;

/**
 * What a line keeps to judge its retrained versions by, whatever its kind: held-out normal inputs no serving model
 * filtered (thresholds are calibrated on them and false positives counted on them), and canaries, anomalies made from
 * its reference data that every version must still catch.
 */
public interface AnchorReference {
    /** Held-out normal inputs thresholds are calibrated on. */
    float[][] calibration();

    /** A second held-out set of normal inputs, for the FPR reached. */
    float[][] check();

    /** Both held-out sets together: what a retrained version's threshold is calibrated on (twice the inputs, half the variance). */
    default float[][] heldOut() {
        float[][] all = java.util.Arrays.copyOf(calibration(), calibration().length + check().length);
        System.arraycopy(check(), 0, all, calibration().length, check().length);
        return all;
    }

    /** Canaries per kind, the same for a seed: what a retrained version must still catch. */
    Map<String, float[][]> canaries(long seed);
}
