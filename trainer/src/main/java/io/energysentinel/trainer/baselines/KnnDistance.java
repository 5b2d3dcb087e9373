package io.energysentinel.trainer.baselines;

import java.util.Arrays;

/**
 * Distance to the k-th nearest normal training row (Ramaswamy, Rastogi and Shim, 2000), Euclidean in standardised
 * units.
 *
 * <p>Hand-written, brute force: a few thousand training rows of a few dozen features take milliseconds per thousand
 * queries, and no Apache-2.0 library offers the detector itself.
 */
public final class KnnDistance implements Detector {
    private final int k;

    public KnnDistance(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k >= 1 required, got " + k);
        }
        this.k = k;
    }

    @Override
    public String name() {
        return "knn_distance";
    }

    @Override
    public Fitted fit(double[][] normal) {
        double[][] train = normal.clone();
        int kk = Math.min(k, train.length);
        return rows -> {
            double[] out = new double[rows.length];
            double[] nearest = new double[kk];
            for (int i = 0; i < rows.length; i++) {
                Arrays.fill(nearest, Double.POSITIVE_INFINITY);
                for (double[] t : train) {
                    double s = 0;
                    for (int j = 0; j < t.length; j++) {
                        double diff = rows[i][j] - t[j];
                        s += diff * diff;
                    }
                    if (s < nearest[kk - 1]) {
                        int p = kk - 1;
                        while (p > 0 && nearest[p - 1] > s) {
                            nearest[p] = nearest[p - 1];
                            p--;
                        }
                        nearest[p] = s;
                    }
                }
                out[i] = Math.sqrt(nearest[kk - 1]);
            }
            return out;
        };
    }
}
