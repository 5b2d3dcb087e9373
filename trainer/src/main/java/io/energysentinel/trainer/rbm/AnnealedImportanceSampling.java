package io.energysentinel.trainer.rbm;

import java.util.Random;

/**
 * Annealed importance sampling of an RBM's partition function (Neal 2001; Salakhutdinov and Murray 2008): from a base
 * model with the same visible units, biases {@code a} and no interactions (Z known in closed form), through
 * intermediate distributions {@code f_beta} at {@code betas} spaced uniformly in [0, 1], one Gibbs sweep (h given v,
 * then v given h) leaving each one invariant.
 *
 * <p>Each of {@code runs} independent runs gives an importance weight {@code w}; {@code Z_B / Z_A} is estimated by
 * the mean weight, and its uncertainty by the standard error of that mean, reported on the log scale as
 * {@code log(mean +- 3 se)} (their paper's convention). The estimate is unbiased for Z, so log Z is biased low when the
 * weights are very uneven: the reported interval then understates the error, which is why the number of
 * intermediate distributions matters.
 *
 * @param betas number of intermediate distributions
 * @param runs independent AIS runs
 */
public record AnnealedImportanceSampling(int betas, int runs) {

    public AnnealedImportanceSampling {
        if (betas < 1 || runs < 2) {
            throw new IllegalArgumentException("at least one intermediate distribution and two runs");
        }
    }

    /**
     * An estimate of log Z.
     *
     * @param logZ log of the mean importance weight plus the base model's log Z
     * @param standardError standard error of the mean weight, relative to the mean (about the standard error of log Z
     *     when small)
     * @param lower {@code log Z_A + log(mean - 3 se)}, or {@code -Infinity} when that is not positive
     * @param upper {@code log Z_A + log(mean + 3 se)}
     */
    public record Estimate(double logZ, double standardError, double lower, double upper) {}

    /**
     * Estimates log Z of {@code rbm}, with base-model visible biases {@code baseBiases} (zeros, or the data's log-odds
     * as Salakhutdinov and Murray do, which makes the path shorter).
     */
    public Estimate logZ(Rbm rbm, double[] baseBiases, Random random) {
        int nv = rbm.visible;
        int nh = rbm.hidden;
        // log Z_A: the base model's visible units are independent; its hidden units, unconnected, contribute 2^nh.
        double logZBase = nh * Math.log(2);
        for (double a : baseBiases) {
            logZBase += Rbm.softplus(a);
        }
        double[] logWeights = new double[runs];
        double[] v = new double[nv];
        double[] h = new double[nh];
        for (int r = 0; r < runs; r++) {
            for (int i = 0; i < nv; i++) {
                v[i] = random.nextDouble() < Rbm.sigmoid(baseBiases[i]) ? 1 : 0;
            }
            double logW = 0;
            for (int k = 1; k <= betas; k++) {
                double beta = k / (double) betas;
                double previous = (k - 1) / (double) betas;
                // log f_k(v) - log f_{k-1}(v); the hidden input c + vW is shared with the Gibbs sweep at beta_k.
                double[] pre = rbm.hiddenInput(v);
                double step = 0;
                for (int i = 0; i < nv; i++) {
                    step += v[i] * (rbm.b[i] - baseBiases[i]);
                }
                logW += (beta - previous) * step;
                for (int j = 0; j < nh; j++) {
                    logW += Rbm.softplus(beta * pre[j]) - Rbm.softplus(previous * pre[j]);
                }
                if (k < betas) {
                    gibbsSweep(rbm, v, h, pre, beta, baseBiases, random);
                }
            }
            logWeights[r] = logW;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logWeights) {
            max = Math.max(max, l);
        }
        double mean = 0;
        for (double l : logWeights) {
            mean += Math.exp(l - max) / runs;
        }
        double variance = 0;
        for (double l : logWeights) {
            double d = Math.exp(l - max) - mean;
            variance += d * d / (runs - 1);
        }
        double se = Math.sqrt(variance / runs);
        double base = logZBase + max;
        double logZ = base + Math.log(mean);
        double lower = mean - 3 * se > 0 ? base + Math.log(mean - 3 * se) : Double.NEGATIVE_INFINITY;
        return new Estimate(logZ, se / mean, lower, base + Math.log(mean + 3 * se));
    }

    /** h ~ p_beta(h | v), then v ~ p_beta(v | h), in place; {@code pre} is {@code c + vW} at the current v. */
    private static void gibbsSweep(Rbm rbm, double[] v, double[] h, double[] pre, double beta, double[] baseBiases, Random random) {
        for (int j = 0; j < rbm.hidden; j++) {
            h[j] = random.nextDouble() < Rbm.sigmoid(beta * pre[j]) ? 1 : 0;
        }
        double[] back = rbm.visibleInput(h);
        for (int i = 0; i < rbm.visible; i++) {
            double z = (1 - beta) * baseBiases[i] + beta * (rbm.b[i] + back[i]);
            v[i] = random.nextDouble() < Rbm.sigmoid(z) ? 1 : 0;
        }
    }
}
