package io.energysentinel.trainer.baselines;

/**
 * A Gaussian with a Ledoit-Wolf shrinkage covariance; the score is the squared Mahalanobis distance.
 *
 * <p>Hand-written (Ledoit and Wolf, 2004, the estimator scikit-learn's {@code LedoitWolf} computes): no Apache-2.0
 * Java library offers the shrinkage estimator. The covariance shrinks towards {@code mu * I} by the intensity that
 * minimises the expected Frobenius loss, so it stays invertible however correlated the metrics are.
 */
public final class ShrinkageGaussian implements Detector {
    @Override
    public String name() {
        return "gaussian_ledoit_wolf";
    }

    @Override
    public Fitted fit(double[][] normal) {
        int n = normal.length;
        int d = normal[0].length;
        double[] mean = new double[d];
        for (double[] r : normal) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j] / n;
            }
        }
        double[][] x = new double[n][d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                x[i][j] = normal[i][j] - mean[j];
            }
        }
        double[][] cov = new double[d][d];
        double[][] squares = new double[d][d];
        for (double[] r : x) {
            for (int a = 0; a < d; a++) {
                for (int b = 0; b < d; b++) {
                    cov[a][b] += r[a] * r[b] / n;
                    squares[a][b] += r[a] * r[a] * r[b] * r[b];
                }
            }
        }
        double mu = 0;
        for (int a = 0; a < d; a++) {
            mu += cov[a][a] / d;
        }
        double beta = 0;
        double delta = 0;
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                beta += squares[a][b] / n - cov[a][b] * cov[a][b];
                double target = a == b ? mu : 0;
                delta += (cov[a][b] - target) * (cov[a][b] - target);
            }
        }
        beta /= n;
        double shrinkage = delta == 0 ? 0 : Math.min(beta, delta) / delta;
        double[][] shrunk = new double[d][d];
        for (int a = 0; a < d; a++) {
            for (int b = 0; b < d; b++) {
                shrunk[a][b] = (1 - shrinkage) * cov[a][b] + (a == b ? shrinkage * mu : 0);
            }
        }
        double[][] precision = invert(shrunk);
        return rows -> {
            double[] out = new double[rows.length];
            double[] diff = new double[d];
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < d; j++) {
                    diff[j] = rows[i][j] - mean[j];
                }
                double s = 0;
                for (int a = 0; a < d; a++) {
                    double row = 0;
                    for (int b = 0; b < d; b++) {
                        row += precision[a][b] * diff[b];
                    }
                    s += diff[a] * row;
                }
                out[i] = s;
            }
            return out;
        };
    }

    /** Gauss-Jordan inverse with partial pivoting of a symmetric positive-definite matrix. */
    static double[][] invert(double[][] m) {
        int d = m.length;
        double[][] a = new double[d][2 * d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(m[i], 0, a[i], 0, d);
            a[i][d + i] = 1;
        }
        for (int c = 0; c < d; c++) {
            int pivot = c;
            for (int r = c + 1; r < d; r++) {
                if (Math.abs(a[r][c]) > Math.abs(a[pivot][c])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][c]) < 1e-300) {
                throw new IllegalArgumentException("covariance is singular");
            }
            double[] tmp = a[c];
            a[c] = a[pivot];
            a[pivot] = tmp;
            double p = a[c][c];
            for (int k = 0; k < 2 * d; k++) {
                a[c][k] /= p;
            }
            for (int r = 0; r < d; r++) {
                if (r != c && a[r][c] != 0) {
                    double f = a[r][c];
                    for (int k = 0; k < 2 * d; k++) {
                        a[r][k] -= f * a[c][k];
                    }
                }
            }
        }
        double[][] inv = new double[d][d];
        for (int i = 0; i < d; i++) {
            System.arraycopy(a[i], d, inv[i], 0, d);
        }
        return inv;
    }
}
