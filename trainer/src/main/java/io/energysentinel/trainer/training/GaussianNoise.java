package io.energysentinel.trainer.training;

import java.util.Random;

/**
 * A diagonal Gaussian with known density: the noise distribution of noise-contrastive estimation.
 *
 * @param mean per-coordinate mean
 * @param std per-coordinate standard deviation
 */
public record GaussianNoise(double[] mean, double[] std) {

    public GaussianNoise {
        if (mean.length == 0 || mean.length != std.length) {
            throw new IllegalArgumentException("one mean and one standard deviation per coordinate");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("standard deviations must be positive");
            }
        }
    }

    /** The data's mean and its standard deviation widened by {@code widen}, so the noise covers the data's tails. */
    public static GaussianNoise covering(float[][] rows, double widen) {
        int d = rows[0].length;
        double[] m = new double[d];
        double[] s = new double[d];
        for (float[] r : rows) {
            for (int j = 0; j < d; j++) {
                m[j] += r[j] / (double) rows.length;
            }
        }
        for (float[] r : rows) {
            for (int j = 0; j < d; j++) {
                s[j] += (r[j] - m[j]) * (r[j] - m[j]) / rows.length;
            }
        }
        for (int j = 0; j < d; j++) {
            s[j] = widen * Math.max(Math.sqrt(s[j]), 1e-6);
        }
        return new GaussianNoise(m, s);
    }

    /** Dimension. */
    public int dimension() {
        return mean.length;
    }

    /** log q(x). */
    public double logDensity(float[] x, int offset) {
        double l = 0;
        for (int j = 0; j < mean.length; j++) {
            double z = (x[offset + j] - mean[j]) / std[j];
            l += -0.5 * z * z - Math.log(std[j]) - 0.5 * Math.log(2 * Math.PI);
        }
        return l;
    }

    /** {@code n} draws, flattened row after row. */
    public float[] sample(int n, Random random) {
        float[] out = new float[n * mean.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < mean.length; j++) {
                out[i * mean.length + j] = (float) (mean[j] + std[j] * random.nextGaussian());
            }
        }
        return out;
    }
}
