package io.energysentinel.trainer.evaluation;

import java.util.Random;

/**
 * The energy distance between two samples (Szekely and Rizzo 2004),
 * {@code 2 E|X - Y| - E|X - X'| - E|Y - Y'|} with V-statistic means, and its permutation test: zero exactly when
 * the two distributions are equal, and consistent against every alternative.
 */
public final class EnergyDistance {
    private EnergyDistance() {}

    /**
     * The statistic and its permutation p-value.
     *
     * @param statistic energy distance of the two samples as given
     * @param pValue share of label permutations (counting the observed one) with a statistic at least as large
     */
    public record Result(double statistic, double pValue) {}

    /** The energy distance of {@code a} and {@code b} (rows are points). */
    public static double statistic(double[][] a, double[][] b) {
        double[][] pooled = pool(a, b);
        float[] d = distances(pooled);
        boolean[] inA = new boolean[pooled.length];
        for (int i = 0; i < a.length; i++) {
            inA[i] = true;
        }
        return statistic(d, pooled.length, inA, a.length);
    }

    /** The statistic and a p-value from {@code permutations} random relabellings drawn from {@code random}. */
    public static Result test(double[][] a, double[][] b, int permutations, Random random) {
        double[][] pooled = pool(a, b);
        int n = pooled.length;
        float[] d = distances(pooled);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        boolean[] inA = new boolean[n];
        for (int i = 0; i < a.length; i++) {
            inA[i] = true;
        }
        double observed = statistic(d, n, inA, a.length);
        int atLeast = 1;
        for (int p = 0; p < permutations; p++) {
            for (int i = n - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            java.util.Arrays.fill(inA, false);
            for (int i = 0; i < a.length; i++) {
                inA[order[i]] = true;
            }
            if (statistic(d, n, inA, a.length) >= observed) {
                atLeast++;
            }
        }
        return new Result(observed, atLeast / (double) (permutations + 1));
    }

    private static double statistic(float[] d, int n, boolean[] inA, int sizeA) {
        double aa = 0;
        double bb = 0;
        double ab = 0;
        for (int i = 0; i < n; i++) {
            int row = i * n;
            for (int j = i + 1; j < n; j++) {
                double v = d[row + j];
                if (inA[i] == inA[j]) {
                    if (inA[i]) {
                        aa += v;
                    } else {
                        bb += v;
                    }
                } else {
                    ab += v;
                }
            }
        }
        double na = sizeA;
        double nb = n - sizeA;
        return 2 * ab / (na * nb) - 2 * aa / (na * na) - 2 * bb / (nb * nb);
    }

    private static double[][] pool(double[][] a, double[][] b) {
        if (a.length == 0 || b.length == 0 || a[0].length != b[0].length) {
            throw new IllegalArgumentException("two non-empty samples of the same dimension needed");
        }
        double[][] pooled = new double[a.length + b.length][];
        System.arraycopy(a, 0, pooled, 0, a.length);
        System.arraycopy(b, 0, pooled, a.length, b.length);
        return pooled;
    }

    private static float[] distances(double[][] points) {
        int n = points.length;
        float[] d = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                double s = 0;
                for (int k = 0; k < points[i].length; k++) {
                    double diff = points[i][k] - points[j][k];
                    s += diff * diff;
                }
                d[i * n + j] = (float) Math.sqrt(s);
            }
        }
        return d;
    }
}
