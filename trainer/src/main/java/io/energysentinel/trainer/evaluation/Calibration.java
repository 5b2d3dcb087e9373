package io.energysentinel.trainer.evaluation;

/** Classification accuracy and expected calibration error of a classifier's confidences. */
public final class Calibration {
    private Calibration() {}

    /** Fraction of predictions equal to labels. */
    public static double accuracy(int[] predictions, int[] labels) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            if (predictions[i] == labels[i]) {
                correct++;
            }
        }
        return correct / (double) labels.length;
    }

    /** ECE over {@code bins} equal-width confidence bins: sum of |accuracy - confidence| weighted by bin size. */
    public static double expectedCalibrationError(int[] predictions, double[] confidence, int[] labels, int bins) {
        double[] conf = new double[bins];
        double[] acc = new double[bins];
        int[] count = new int[bins];
        for (int i = 0; i < labels.length; i++) {
            int b = Math.min(bins - 1, (int) (confidence[i] * bins));
            count[b]++;
            conf[b] += confidence[i];
            acc[b] += predictions[i] == labels[i] ? 1 : 0;
        }
        double ece = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                ece += count[b] / (double) labels.length * Math.abs(acc[b] / count[b] - conf[b] / count[b]);
            }
        }
        return ece;
    }
}
