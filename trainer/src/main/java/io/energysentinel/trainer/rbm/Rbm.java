package io.energysentinel.trainer.rbm;

import java.util.Random;

/**
 * A Bernoulli-Bernoulli restricted Boltzmann machine, {@code E(v, h) = -b.v - c.h - v W h}, with its free energy
 * {@code F(v) = -b.v - sum_j softplus(c_j + (v W)_j)} (the hidden units summed out), so {@code p(v) = exp(-F(v)) / Z}.
 *
 * <p>Plain double arrays in host memory: the models here are small, and exact arithmetic in a fixed order keeps
 * training and the log-likelihood estimates reproducible from a seed.
 */
public final class Rbm {
    final int visible;
    final int hidden;
    /** Weights, row-major {@code [visible][hidden]}. */
    final double[] w;
    final double[] b;
    final double[] c;

    /** An RBM with all parameters zero. */
    public Rbm(int visible, int hidden) {
        if (visible < 1 || hidden < 1) {
            throw new IllegalArgumentException("an RBM needs at least one visible and one hidden unit");
        }
        this.visible = visible;
        this.hidden = hidden;
        this.w = new double[visible * hidden];
        this.b = new double[visible];
        this.c = new double[hidden];
    }

    /** An RBM with weights drawn from N(0, weightStd^2) and biases from N(0, biasStd^2). */
    public static Rbm random(int visible, int hidden, double weightStd, double biasStd, Random random) {
        Rbm rbm = new Rbm(visible, hidden);
        for (int i = 0; i < rbm.w.length; i++) {
            rbm.w[i] = weightStd * random.nextGaussian();
        }
        for (int i = 0; i < visible; i++) {
            rbm.b[i] = biasStd * random.nextGaussian();
        }
        for (int j = 0; j < hidden; j++) {
            rbm.c[j] = biasStd * random.nextGaussian();
        }
        return rbm;
    }

    /** Number of visible units. */
    public int visible() {
        return visible;
    }

    /** Number of hidden units. */
    public int hidden() {
        return hidden;
    }

    /** The free energy F(v) of a binary (or [0, 1]) visible vector. */
    public double freeEnergy(double[] v) {
        return -logUnnormalised(v, 1, null);
    }

    /**
     * {@code log f_beta(v) = (1 - beta) a.v + beta b.v + sum_j softplus(beta (c_j + (v W)_j))}: the unnormalised
     * log-density of AIS's intermediate distribution at {@code beta} between the base model with visible biases
     * {@code a} and no interactions ({@code beta = 0}) and this RBM ({@code beta = 1}, where it is {@code -F(v)}).
     */
    double logUnnormalised(double[] v, double beta, double[] baseBiases) {
        double s = 0;
        for (int i = 0; i < visible; i++) {
            s += v[i] * (beta * b[i] + (baseBiases == null ? 0 : (1 - beta) * baseBiases[i]));
        }
        double[] pre = hiddenInput(v);
        for (int j = 0; j < hidden; j++) {
            s += softplus(beta * pre[j]);
        }
        return s;
    }

    /** {@code c + v W}. */
    double[] hiddenInput(double[] v) {
        double[] pre = c.clone();
        for (int i = 0; i < visible; i++) {
            if (v[i] != 0) {
                int row = i * hidden;
                for (int j = 0; j < hidden; j++) {
                    pre[j] += v[i] * w[row + j];
                }
            }
        }
        return pre;
    }

    /** {@code W h} for one hidden vector. */
    double[] visibleInput(double[] h) {
        double[] pre = new double[visible];
        for (int i = 0; i < visible; i++) {
            int row = i * hidden;
            double s = 0;
            for (int j = 0; j < hidden; j++) {
                s += w[row + j] * h[j];
            }
            pre[i] = s;
        }
        return pre;
    }

    static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
