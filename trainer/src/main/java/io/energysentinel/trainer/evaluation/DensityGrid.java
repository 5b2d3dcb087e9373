package io.energysentinel.trainer.evaluation;

import java.util.function.ToDoubleFunction;

/**
 * A grid over a 1-D interval or a 2-D box with composite Simpson weights (the tensor product in 2-D), for normalising
 * an energy numerically and measuring KL divergences between densities on it.
 *
 * @param points grid points, row-major in 2-D (the last coordinate varies fastest)
 * @param weights Simpson weight of each point; they sum to the box's volume
 */
public record DensityGrid(double[][] points, double[] weights) {

    /** A grid of {@code intervals + 1} points per axis; {@code intervals} must be even (Simpson pairs them up). */
    public static DensityGrid simpson(double[] lower, double[] upper, int intervals) {
        if (intervals < 2 || intervals % 2 != 0 || lower.length != upper.length || lower.length < 1 || lower.length > 2) {
            throw new IllegalArgumentException("an even number of intervals, in one or two dimensions");
        }
        int n = intervals + 1;
        double[][] axisPoints = new double[lower.length][n];
        double[][] axisWeights = new double[lower.length][n];
        for (int a = 0; a < lower.length; a++) {
            double h = (upper[a] - lower[a]) / intervals;
            for (int i = 0; i < n; i++) {
                axisPoints[a][i] = lower[a] + i * h;
                double coefficient = i == 0 || i == intervals ? 1 : i % 2 == 1 ? 4 : 2;
                axisWeights[a][i] = coefficient * h / 3;
            }
        }
        if (lower.length == 1) {
            double[][] points = new double[n][];
            for (int i = 0; i < n; i++) {
                points[i] = new double[] {axisPoints[0][i]};
            }
            return new DensityGrid(points, axisWeights[0]);
        }
        double[][] points = new double[n * n][];
        double[] weights = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                points[i * n + j] = new double[] {axisPoints[0][i], axisPoints[1][j]};
                weights[i * n + j] = axisWeights[0][i] * axisWeights[1][j];
            }
        }
        return new DensityGrid(points, weights);
    }

    /** Number of points. */
    public int size() {
        return points.length;
    }

    /** {@code f} at every grid point. */
    public double[] evaluate(ToDoubleFunction<double[]> f) {
        double[] out = new double[points.length];
        for (int i = 0; i < points.length; i++) {
            out[i] = f.applyAsDouble(points[i]);
        }
        return out;
    }

    /** {@code log} of the integral of {@code exp(logValues)} over the box, stabilised by the largest value. */
    public double logIntegral(double[] logValues) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : logValues) {
            max = Math.max(max, v);
        }
        double s = 0;
        for (int i = 0; i < logValues.length; i++) {
            s += weights[i] * Math.exp(logValues[i] - max);
        }
        return max + Math.log(s);
    }

    /**
     * {@code KL(p || q)} over the box, each of the two unnormalised log-densities normalised by its integral on the grid
     * (so mass outside the box is ignored on both sides).
     */
    public double klDivergence(double[] logP, double[] logQ) {
        double logZp = logIntegral(logP);
        double logZq = logIntegral(logQ);
        double kl = 0;
        for (int i = 0; i < logP.length; i++) {
            double lp = logP[i] - logZp;
            double p = Math.exp(lp);
            if (p > 0) {
                kl += weights[i] * p * (lp - (logQ[i] - logZq));
            }
        }
        return kl;
    }
}
