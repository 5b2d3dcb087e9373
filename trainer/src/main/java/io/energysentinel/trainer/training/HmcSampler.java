package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * Hamiltonian Monte Carlo (Duane et al. 1987; Neal 2011) on {@code p(x) ~ exp(-E(x))}: draw a momentum
 * {@code p ~ N(0, I)}, follow {@code leapfrogSteps} leapfrog steps of size eps of {@code H = E(x) + |p|^2 / 2}, and
 * accept the end point with {@code min(1, exp(H_start - H_end))}.
 *
 * <p>Each chain accepts or rejects on its own. During warm-up eps adapts toward the target acceptance rate (0.65
 * is optimal in high dimension, Beskos et al. 2013; 0.8 is a safer default for curved targets); afterwards it is
 * frozen. The target is restricted to {@code [min, max]}: an end point outside is rejected. The trajectory itself
 * may leave the range, which keeps the leapfrog map reversible and volume-preserving, so the chain stays valid.
 *
 * @param warmupSteps adapting transitions whose states are discarded
 * @param steps transitions after warm-up, at the frozen step size
 * @param leapfrogSteps leapfrog steps per transition (gradient evaluations per transition)
 * @param initialStepSize eps at the start of warm-up
 * @param targetAcceptance acceptance rate the warm-up aims for
 * @param min smallest allowed coordinate (may be {@code -Infinity})
 * @param max largest allowed coordinate (may be {@code Infinity})
 */
public record HmcSampler(int warmupSteps, int steps, int leapfrogSteps, double initialStepSize, double targetAcceptance,
        float min, float max) {

    /** A target acceptance rate between the high-dimensional optimum (0.65) and a cautious 0.8. */
    public static final double DEFAULT_TARGET = 0.7;

    public HmcSampler {
        if (leapfrogSteps < 1) {
            throw new IllegalArgumentException("leapfrogSteps must be >= 1");
        }
    }

    /** Runs one chain per row of {@code start} ({@code [B, ...]}). */
    public McmcRun sample(NDArray start, DifferentiableEnergy energy, Random random) {
        return Chains.run(start, energy, min, max, warmupSteps, steps, initialStepSize, targetAcceptance, this::step, random);
    }

    private double step(Chains c, double eps, Random random) {
        int n = c.x.length;
        double[] momentum = new double[n];
        for (int i = 0; i < n; i++) {
            momentum[i] = random.nextGaussian();
        }
        double[] q = c.x.clone();
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            p[i] = momentum[i] - 0.5 * eps * c.gradient[i];
        }
        double[] eq = new double[c.batch];
        double[] gq = new double[n];
        for (int l = 0; l < leapfrogSteps; l++) {
            for (int i = 0; i < n; i++) {
                q[i] += eps * p[i];
            }
            c.evaluate(q, eq, gq);
            double kick = l == leapfrogSteps - 1 ? 0.5 * eps : eps;
            for (int i = 0; i < n; i++) {
                p[i] -= kick * gq[i];
            }
        }
        int moved = 0;
        for (int b = 0; b < c.batch; b++) {
            double kineticStart = 0;
            double kineticEnd = 0;
            for (int i = b * c.dim; i < (b + 1) * c.dim; i++) {
                kineticStart += momentum[i] * momentum[i];
                kineticEnd += p[i] * p[i];
            }
            double logRatio = c.energy[b] + 0.5 * kineticStart - eq[b] - 0.5 * kineticEnd;
            if (c.accept(q, b, logRatio, random)) {
                c.move(b, q, eq, gq);
                moved++;
            }
        }
        return moved / (double) c.batch;
    }
}
