package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;

/**
 * The state of a batch of Metropolis-adjusted chains in host memory, and the loop they share: warm-up with step-size
 * adaptation, then a frozen step size.
 *
 * <p>States, energies and gradients stay in double arrays; only energy evaluations go through DJL, each in a
 * manager closed right after it, so a long run holds no more native memory than one step needs, and every random
 * draw comes from one seeded {@link Random} (a run is reproducible from its seed).
 */
final class Chains {
    /** One Metropolis-adjusted transition of every chain, in place; returns the share of chains that moved. */
    interface Transition {
        double step(Chains chains, double stepSize, Random random);
    }

    final int batch;
    final int dim;
    final double[] x;
    final double[] energy;
    final double[] gradient;
    private final Shape shape;
    private final NDManager manager;
    private final DifferentiableEnergy target;
    private final double min;
    private final double max;

    private Chains(NDArray start, DifferentiableEnergy target, double min, double max) {
        this.shape = start.getShape();
        this.batch = (int) shape.get(0);
        this.dim = (int) (shape.size() / batch);
        this.manager = start.getManager();
        this.target = target;
        this.min = min;
        this.max = max;
        float[] flat = start.toFloatArray();
        this.x = new double[flat.length];
        for (int i = 0; i < flat.length; i++) {
            x[i] = flat[i];
        }
        this.energy = new double[batch];
        this.gradient = new double[flat.length];
        evaluate(x, energy, gradient);
    }

    /**
     * Runs {@code warmupSteps} adapting transitions, then {@code steps} with the step size frozen.
     *
     * @throws IllegalArgumentException when a start point lies outside [min, max] or has a non-finite energy
     */
    static McmcRun run(NDArray start, DifferentiableEnergy target, float min, float max, int warmupSteps, int steps,
            double initialStepSize, double targetAcceptance, Transition transition, Random random) {
        if (warmupSteps < 0 || steps < 0) {
            throw new IllegalArgumentException("step counts must not be negative");
        }
        Chains chains = new Chains(start, target, min, max);
        for (int b = 0; b < chains.batch; b++) {
            if (!chains.inRange(chains.x, b) || !Double.isFinite(chains.energy[b])) {
                throw new IllegalArgumentException("chain " + b + " starts outside the data range or at a non-finite energy");
            }
        }
        StepSizeAdaptation adaptation = new StepSizeAdaptation(initialStepSize, targetAcceptance);
        double warmupAccepted = 0;
        for (int t = 0; t < warmupSteps; t++) {
            double share = transition.step(chains, adaptation.stepSize(), random);
            warmupAccepted += share;
            adaptation.update(share);
        }
        double stepSize = adaptation.stepSize();
        double accepted = 0;
        for (int t = 0; t < steps; t++) {
            accepted += transition.step(chains, stepSize, random);
        }
        float[] flat = new float[chains.x.length];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) chains.x[i];
        }
        return new McmcRun(start.getManager().create(flat, chains.shape), stepSize,
                steps == 0 ? Double.NaN : accepted / steps, warmupSteps == 0 ? Double.NaN : warmupAccepted / warmupSteps);
    }

    /** Energies and gradients at {@code points} (the chains' layout) into the two output arrays. */
    void evaluate(double[] points, double[] energyOut, double[] gradientOut) {
        float[] flat = new float[points.length];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) points[i];
        }
        try (NDManager scope = manager.newSubManager()) {
            DifferentiableEnergy.Evaluation e = target.evaluate(scope.create(flat, shape));
            float[] es = e.energy().toFloatArray();
            float[] gs = e.gradient().toFloatArray();
            for (int b = 0; b < batch; b++) {
                energyOut[b] = es[b];
            }
            for (int i = 0; i < gs.length; i++) {
                gradientOut[i] = gs[i];
            }
        }
    }

    /** Whether chain {@code b} of {@code points} lies inside [min, max] in every coordinate. */
    boolean inRange(double[] points, int b) {
        for (int i = b * dim; i < (b + 1) * dim; i++) {
            if (!(points[i] >= min && points[i] <= max)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Metropolis-Hastings acceptance of chain {@code b}'s proposal with log acceptance ratio {@code logRatio}: a
     * proposal outside the range or with a non-finite ratio is refused (the target is zero outside the range).
     */
    boolean accept(double[] proposal, int b, double logRatio, Random random) {
        double u = random.nextDouble();
        return inRange(proposal, b) && Double.isFinite(logRatio) && Math.log(u) < logRatio;
    }

    /** Copies chain {@code b}'s proposal, its energy and its gradient into the state. */
    void move(int b, double[] proposal, double[] proposalEnergy, double[] proposalGradient) {
        System.arraycopy(proposal, b * dim, x, b * dim, dim);
        System.arraycopy(proposalGradient, b * dim, gradient, b * dim, dim);
        energy[b] = proposalEnergy[b];
    }
}
