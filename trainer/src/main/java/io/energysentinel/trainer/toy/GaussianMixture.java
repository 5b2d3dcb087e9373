package io.energysentinel.trainer.toy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * A mixture of Gaussians with full covariances, in one or two dimensions.
 *
 * @param name short name
 * @param weights mixing weights, summing to 1
 * @param means one mean vector per component
 * @param covariances one symmetric positive-definite {@code d x d} covariance per component
 */
public record GaussianMixture(String name, double[] weights, double[][] means, double[][][] covariances) implements ToyDensity {

    public GaussianMixture {
        int d = means[0].length;
        if (weights.length != means.length || weights.length != covariances.length || d < 1 || d > 2) {
            throw new IllegalArgumentException("one weight, mean and covariance per component, dimension 1 or 2");
        }
        if (Math.abs(Arrays.stream(weights).sum() - 1) > 1e-9) {
            throw new IllegalArgumentException("weights must sum to 1");
        }
        for (int k = 0; k < weights.length; k++) {
            if (determinant(covariances[k]) <= 0 || covariances[k][0][0] <= 0) {
                throw new IllegalArgumentException("covariance " + k + " is not positive definite");
            }
        }
    }

    /** Three correlated components in the plane, near enough for Langevin-type chains to cross between them. */
    public static GaussianMixture threeComponents2d() {
        return new GaussianMixture("mixture2d", new double[] {0.5, 0.3, 0.2},
                new double[][] {{-1.5, 0}, {1.5, 0.5}, {0, 2.2}},
                new double[][][] {
                    {{0.5, 0.2}, {0.2, 0.4}},
                    {{0.3, -0.1}, {-0.1, 0.5}},
                    {{0.6, 0}, {0, 0.2}}});
    }

    /** Two components on the line, unequal weights and widths. */
    public static GaussianMixture twoComponents1d() {
        return new GaussianMixture("mixture1d", new double[] {0.3, 0.7},
                new double[][] {{-2}, {1.5}}, new double[][][] {{{0.25}}, {{0.64}}});
    }

    @Override
    public int dimension() {
        return means[0].length;
    }

    /** The mixture's mean. */
    public double[] mean() {
        int d = dimension();
        double[] m = new double[d];
        for (int k = 0; k < weights.length; k++) {
            for (int i = 0; i < d; i++) {
                m[i] += weights[k] * means[k][i];
            }
        }
        return m;
    }

    /** The mixture's covariance: {@code sum_k w_k (S_k + m_k m_k^T) - m m^T}. */
    public double[][] covariance() {
        int d = dimension();
        double[] m = mean();
        double[][] c = new double[d][d];
        for (int k = 0; k < weights.length; k++) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    c[i][j] += weights[k] * (covariances[k][i][j] + means[k][i] * means[k][j]);
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = 0; j < d; j++) {
                c[i][j] -= m[i] * m[j];
            }
        }
        return c;
    }

    @Override
    public double logDensity(double[] x) {
        double[] logs = componentLogDensities(x);
        return logSumExp(logs);
    }

    @Override
    public double[] energyGradient(double[] x) {
        int d = dimension();
        double[] logs = componentLogDensities(x);
        double total = logSumExp(logs);
        double[] g = new double[d];
        for (int k = 0; k < weights.length; k++) {
            double r = Math.exp(logs[k] - total);
            double[] pd = precisionTimes(k, diff(x, k));
            for (int i = 0; i < d; i++) {
                g[i] += r * pd[i];
            }
        }
        return g;
    }

    @Override
    public NDArray energy(NDArray x) {
        NDManager manager = x.getManager();
        int d = dimension();
        NDList terms = new NDList();
        for (int k = 0; k < weights.length; k++) {
            NDArray diff = x.sub(manager.create(toFloat(means[k]), new Shape(1, d)));
            NDArray precision = manager.create(toFloat(flatten(inverse(covariances[k]))), new Shape(d, d));
            NDArray quad = diff.matMul(precision).mul(diff).sum(new int[] {1});
            double constant = Math.log(weights[k]) - 0.5 * Math.log(determinant(covariances[k])) - 0.5 * d * Math.log(2 * Math.PI);
            terms.add(quad.mul(-0.5f).add((float) constant));
        }
        NDArray stacked = NDArrays.stack(terms, 1);
        NDArray max = stacked.max(new int[] {1}, true).stopGradient();
        return stacked.sub(max).exp().sum(new int[] {1}).log().add(max.reshape(-1)).neg();
    }

    @Override
    public double[][] sample(int n, Random random) {
        int d = dimension();
        double[][] out = new double[n][d];
        for (int s = 0; s < n; s++) {
            double u = random.nextDouble();
            int k = 0;
            while (k < weights.length - 1 && u >= weights[k]) {
                u -= weights[k];
                k++;
            }
            double[][] l = cholesky(covariances[k]);
            double[] z = new double[d];
            for (int i = 0; i < d; i++) {
                z[i] = random.nextGaussian();
            }
            for (int i = 0; i < d; i++) {
                double v = means[k][i];
                for (int j = 0; j <= i; j++) {
                    v += l[i][j] * z[j];
                }
                out[s][i] = v;
            }
        }
        return out;
    }

    /** The mixture convolved with {@code N(0, sigma^2 I)}: each covariance widened by sigma^2 (what DSM learns). */
    public GaussianMixture convolved(double sigma) {
        double[][][] widened = new double[covariances.length][][];
        for (int k = 0; k < covariances.length; k++) {
            widened[k] = new double[dimension()][];
            for (int i = 0; i < dimension(); i++) {
                widened[k][i] = covariances[k][i].clone();
                widened[k][i][i] += sigma * sigma;
            }
        }
        return new GaussianMixture(name + "-smoothed", weights, means, widened);
    }

    /** The same components with other weights: a deliberately wrong target for tests that must be able to fail. */
    public GaussianMixture withWeights(double... newWeights) {
        return new GaussianMixture(name + "-reweighted", newWeights, means, covariances);
    }

    @Override
    public double[] lower() {
        return bound(-1);
    }

    @Override
    public double[] upper() {
        return bound(1);
    }

    /** Per axis, the component means plus or minus seven of their standard deviations, outermost. */
    private double[] bound(int sign) {
        int d = dimension();
        double[] b = new double[d];
        for (int i = 0; i < d; i++) {
            double v = sign * Double.MAX_VALUE * -1;
            for (int k = 0; k < weights.length; k++) {
                double edge = means[k][i] + sign * 7 * Math.sqrt(covariances[k][i][i]);
                v = sign > 0 ? Math.max(v, edge) : Math.min(v, edge);
            }
            b[i] = v;
        }
        return b;
    }

    private double[] componentLogDensities(double[] x) {
        int d = dimension();
        double[] logs = new double[weights.length];
        for (int k = 0; k < weights.length; k++) {
            double[] diff = diff(x, k);
            double[] pd = precisionTimes(k, diff);
            double quad = 0;
            for (int i = 0; i < d; i++) {
                quad += diff[i] * pd[i];
            }
            logs[k] = Math.log(weights[k]) - 0.5 * quad - 0.5 * Math.log(determinant(covariances[k])) - 0.5 * d * Math.log(2 * Math.PI);
        }
        return logs;
    }

    private double[] diff(double[] x, int k) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = x[i] - means[k][i];
        }
        return r;
    }

    private double[] precisionTimes(int k, double[] v) {
        double[][] p = inverse(covariances[k]);
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            for (int j = 0; j < v.length; j++) {
                r[i] += p[i][j] * v[j];
            }
        }
        return r;
    }

    static double logSumExp(double[] v) {
        double max = Arrays.stream(v).max().orElseThrow();
        double s = 0;
        for (double x : v) {
            s += Math.exp(x - max);
        }
        return max + Math.log(s);
    }

    private static double determinant(double[][] c) {
        return c.length == 1 ? c[0][0] : c[0][0] * c[1][1] - c[0][1] * c[1][0];
    }

    private static double[][] inverse(double[][] c) {
        if (c.length == 1) {
            return new double[][] {{1 / c[0][0]}};
        }
        double det = determinant(c);
        return new double[][] {{c[1][1] / det, -c[0][1] / det}, {-c[1][0] / det, c[0][0] / det}};
    }

    private static double[][] cholesky(double[][] c) {
        if (c.length == 1) {
            return new double[][] {{Math.sqrt(c[0][0])}};
        }
        double l00 = Math.sqrt(c[0][0]);
        double l10 = c[1][0] / l00;
        return new double[][] {{l00, 0}, {l10, Math.sqrt(c[1][1] - l10 * l10)}};
    }

    private static double[] flatten(double[][] m) {
        return Arrays.stream(m).flatMapToDouble(Arrays::stream).toArray();
    }

    static float[] toFloat(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GaussianMixture g && name.equals(g.name) && Arrays.equals(weights, g.weights)
                && Arrays.deepEquals(means, g.means) && Arrays.deepEquals(covariances, g.covariances);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(name, Arrays.hashCode(weights), Arrays.deepHashCode(means), Arrays.deepHashCode(covariances));
    }

    @Override
    public String toString() {
        return name + List.of(Arrays.toString(weights));
    }
}
