package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * The Metropolis-adjusted Langevin algorithm (Roberts and Tweedie 1996) on {@code p(x) ~ exp(-E(x))}: propose
 * {@code y = x - eps dE/dx(x) + sqrt(2 eps) N(0, I)} and accept with
 * {@code min(1, exp(E(x) - E(y)) q(x | y) / q(y | x))}, {@code q(y | x) ~ exp(-|y - x + eps dE/dx(x)|^2 / 4 eps)}.
 *
 * <p>Each chain in the batch accepts or rejects on its own. During warm-up the step size adapts toward the target
 * acceptance rate (0.574 is optimal for MALA in high dimension, Roberts and Rosenthal 1998); afterwards it is frozen.
 * The target is restricted to {@code [min, max]} in every coordinate: proposals outside are rejected.
 *
 * @param warmupSteps adapting steps whose states are discarded
 * @param steps steps after warm-up, at the frozen step size
 * @param initialStepSize eps at the start of warm-up
 * @param targetAcceptance acceptance rate the warm-up aims for
 * @param min smallest allowed coordinate (may be {@code -Infinity})
 * @param max largest allowed coordinate (may be {@code Infinity})
 */
public record MalaSampler(int warmupSteps, int steps, double initialStepSize, double targetAcceptance, float min, float max) {

    /** The usual target acceptance rate of MALA. */
    public static final double DEFAULT_TARGET = 0.574;

    /** Runs one chain per row of {@code start} ({@code [B, ...]}). */
    public McmcRun sample(NDArray start, DifferentiableEnergy energy, Random random) {
        return Chains.run(start, energy, min, max, warmupSteps, steps, initialStepSize, targetAcceptance, MalaSampler::step, random);
    }

    private static double step(Chains c, double eps, Random random) {
        double noise = Math.sqrt(2 * eps);
        double[] y = new double[c.x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = c.x[i] - eps * c.gradient[i] + noise * random.nextGaussian();
        }
        double[] ey = new double[c.batch];
        double[] gy = new double[y.length];
        c.evaluate(y, ey, gy);
        int moved = 0;
        for (int b = 0; b < c.batch; b++) {
            double forward = 0;
            double backward = 0;
            for (int i = b * c.dim; i < (b + 1) * c.dim; i++) {
                double f = y[i] - c.x[i] + eps * c.gradient[i];
                double r = c.x[i] - y[i] + eps * gy[i];
                forward += f * f;
                backward += r * r;
            }
            double logRatio = c.energy[b] - ey[b] - (backward - forward) / (4 * eps);
            if (c.accept(y, b, logRatio, random)) {
                c.move(b, y, ey, gy);
                moved++;
            }
        }
        return moved / (double) c.batch;
    }
}
