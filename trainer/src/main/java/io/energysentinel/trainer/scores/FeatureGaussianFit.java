package io.energysentinel.trainer.scores;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.energysentinel.trainer.model.FeatureGaussians;

/** Fits class-conditional Gaussians with a shared, ridge-regularised covariance (Lee et al., 2018). */
public final class FeatureGaussianFit {
    private FeatureGaussianFit() {}

    /**
     * Means per class and the inverse of the pooled within-class covariance plus {@code ridge * I}.
     *
     * @param features one feature vector per training input
     * @param labels class of each input, 0..classes-1
     */
    public static FeatureGaussians fit(float[][] features, int[] labels, int classes, double ridge, NDManager manager) {
        int d = features[0].length;
        double[][] means = new double[classes][d];
        int[] counts = new int[classes];
        for (int i = 0; i < features.length; i++) {
            counts[labels[i]]++;
            for (int j = 0; j < d; j++) {
                means[labels[i]][j] += features[i][j];
            }
        }
        for (int c = 0; c < classes; c++) {
            if (counts[c] == 0) {
                throw new IllegalArgumentException("class " + c + " has no training features");
            }
            for (int j = 0; j < d; j++) {
                means[c][j] /= counts[c];
            }
        }
        double[][] cov = new double[d][d];
        double[] diff = new double[d];
        for (int i = 0; i < features.length; i++) {
            for (int j = 0; j < d; j++) {
                diff[j] = features[i][j] - means[labels[i]][j];
            }
            for (int a = 0; a < d; a++) {
                for (int b = a; b < d; b++) {
                    cov[a][b] += diff[a] * diff[b];
                }
            }
        }
        float[][] covF = new float[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                double v = cov[a][b] / features.length + (a == b ? ridge : 0);
                covF[a][b] = (float) v;
                covF[b][a] = (float) v;
            }
        }
        float[][] precision = new float[d][d];
        try (NDManager scope = manager.newSubManager()) {
            NDArray inverse = scope.create(covF).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).inverse();
            double[] flat = inverse.toDoubleArray();
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    precision[a][b] = (float) flat[a * d + b];
                }
            }
        }
        float[][] meansF = new float[classes][d];
        for (int c = 0; c < classes; c++) {
            for (int j = 0; j < d; j++) {
                meansF[c][j] = (float) means[c][j];
            }
        }
        return new FeatureGaussians(meansF, precision);
    }
}
