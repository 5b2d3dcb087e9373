package io.energysentinel.trainer.evaluation;

import java.util.Arrays;

/**
 * Detection metrics of a score that should be higher on anomalies (positives) than on normal data.
 *
 * @param auroc area under the ROC curve (ties count one half)
 * @param aupr area under the precision-recall curve, as average precision, anomalies positive
 * @param fprAt95Tpr fraction of normal inputs flagged at the threshold that catches 95% of anomalies
 */
public record OodMetrics(double auroc, double aupr, double fprAt95Tpr) {

    /** Metrics of {@code anomalous} scores against {@code normal} scores. */
    public static OodMetrics of(double[] normal, double[] anomalous) {
        return new OodMetrics(auroc(normal, anomalous), averagePrecision(normal, anomalous), fprAtTpr(normal, anomalous, 0.95));
    }

    /** Mann-Whitney AUROC: P(score(anomaly) > score(normal)) + P(equal) / 2. */
    public static double auroc(double[] normal, double[] anomalous) {
        int n = normal.length + anomalous.length;
        double[] all = new double[n];
        boolean[] positive = new boolean[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < normal.length; i++) {
            all[i] = normal[i];
        }
        for (int i = 0; i < anomalous.length; i++) {
            all[normal.length + i] = anomalous[i];
            positive[normal.length + i] = true;
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(all[a], all[b]));
        double rankSum = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            while (j + 1 < n && all[order[j + 1]] == all[order[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                if (positive[order[k]]) {
                    rankSum += rank;
                }
            }
            i = j + 1;
        }
        double p = anomalous.length;
        return (rankSum - p * (p + 1) / 2) / (p * normal.length);
    }

    /** Average precision with anomalies as positives, scanning thresholds from the highest score down. */
    public static double averagePrecision(double[] normal, double[] anomalous) {
        int n = normal.length + anomalous.length;
        double[][] pairs = new double[n][2];
        for (int i = 0; i < normal.length; i++) {
            pairs[i] = new double[] {normal[i], 0};
        }
        for (int i = 0; i < anomalous.length; i++) {
            pairs[normal.length + i] = new double[] {anomalous[i], 1};
        }
        Arrays.sort(pairs, (a, b) -> Double.compare(b[0], a[0]));
        double ap = 0;
        int tp = 0;
        int seen = 0;
        int i = 0;
        while (i < n) {
            int j = i;
            int tpHere = 0;
            while (j < n && pairs[j][0] == pairs[i][0]) {
                tpHere += (int) pairs[j][1];
                j++;
            }
            seen += j - i;
            tp += tpHere;
            ap += tpHere / (double) anomalous.length * tp / seen;
            i = j;
        }
        return ap;
    }

    /** FPR at the largest threshold whose TPR reaches {@code tpr} (alert when score >= threshold). */
    public static double fprAtTpr(double[] normal, double[] anomalous, double tpr) {
        double[] sorted = anomalous.clone();
        Arrays.sort(sorted);
        int keep = (int) Math.ceil(tpr * sorted.length);
        double threshold = sorted[sorted.length - keep];
        long falsePositives = Arrays.stream(normal).filter(s -> s >= threshold).count();
        return falsePositives / (double) normal.length;
    }

    /** ROC curve points (FPR, TPR) at every distinct threshold, for plotting. */
    public static double[][] rocCurve(double[] normal, double[] anomalous) {
        double[] thresholds = java.util.stream.DoubleStream.concat(Arrays.stream(normal), Arrays.stream(anomalous))
                .distinct().sorted().toArray();
        double[] sortedNormal = normal.clone();
        double[] sortedAnomalous = anomalous.clone();
        Arrays.sort(sortedNormal);
        Arrays.sort(sortedAnomalous);
        int step = Math.max(1, thresholds.length / 500);
        java.util.List<double[]> points = new java.util.ArrayList<>();
        points.add(new double[] {1, 1});
        for (int i = 0; i < thresholds.length; i += step) {
            double t = thresholds[i];
            points.add(new double[] {above(sortedNormal, t), above(sortedAnomalous, t)});
        }
        points.add(new double[] {0, 0});
        return points.toArray(new double[0][]);
    }

    private static double above(double[] sorted, double t) {
        int idx = Arrays.binarySearch(sorted, t);
        if (idx < 0) {
            idx = -idx - 1;
        } else {
            while (idx > 0 && sorted[idx - 1] == t) {
                idx--;
            }
        }
        return (sorted.length - idx) / (double) sorted.length;
    }
}
