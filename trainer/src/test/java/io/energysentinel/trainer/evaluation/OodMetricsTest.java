package io.energysentinel.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Detection and calibration metrics against values worked out by hand. */
class OodMetricsTest {
    private static final double[] NORMAL = {1, 2, 3};
    private static final double[] ANOMALOUS = {2, 4};

    @Test
    void aurocCountsTiesAsOneHalf() {
        // Anomaly 2 beats normal 1, ties normal 2, loses to 3: 1.5 of 3 pairs; anomaly 4 beats all 3.
        assertThat(OodMetrics.auroc(NORMAL, ANOMALOUS)).isCloseTo(4.5 / 6, within(1e-12));
        assertThat(OodMetrics.auroc(new double[] {0, 1}, new double[] {2, 3})).isEqualTo(1.0);
        assertThat(OodMetrics.auroc(new double[] {2, 3}, new double[] {0, 1})).isEqualTo(0.0);
    }

    @Test
    void averagePrecisionSumsPrecisionAtEachRecallStep() {
        // Thresholds 4: recall 1/2, precision 1; 3: no recall gain; 2 (two tied): recall 1, precision 2/4.
        assertThat(OodMetrics.averagePrecision(NORMAL, ANOMALOUS)).isCloseTo(0.5 * 1 + 0.5 * 0.5, within(1e-12));
    }

    @Test
    void fprAt95TprUsesTheThresholdThatStillCatches95PercentOfAnomalies() {
        double[] anomalous = new double[20];
        for (int i = 0; i < anomalous.length; i++) {
            anomalous[i] = i + 1;
        }
        // 19 of the 20 anomalies score >= 2, so the threshold is 2; normal 2 and 3 are flagged.
        assertThat(OodMetrics.fprAtTpr(new double[] {0, 1.5, 2, 3}, anomalous, 0.95)).isEqualTo(0.5);
    }

    @Test
    void rocCurveRunsFromAllFlaggedToNoneFlagged() {
        double[][] roc = OodMetrics.rocCurve(NORMAL, ANOMALOUS);
        assertThat(roc[0]).containsExactly(1, 1);
        assertThat(roc[roc.length - 1]).containsExactly(0, 0);
    }

    @Test
    void eceWeighsEachConfidenceBinsGapByItsSize() {
        int[] predictions = {0, 0, 1, 1};
        int[] labels = {0, 1, 1, 1};
        double[] confidence = {0.9, 0.9, 0.6, 0.6};
        // Bin 0.9: accuracy 1/2 vs confidence 0.9; bin 0.6: accuracy 1 vs 0.6; each half the samples.
        assertThat(Calibration.expectedCalibrationError(predictions, confidence, labels, 10))
                .isCloseTo(0.5 * 0.4 + 0.5 * 0.4, within(1e-12));
        assertThat(Calibration.accuracy(predictions, labels)).isEqualTo(0.75);
    }
}
