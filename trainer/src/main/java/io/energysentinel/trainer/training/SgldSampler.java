package io.energysentinel.trainer.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;

/**
 * Stochastic-gradient Langevin dynamics towards low energy:
 * {@code x <- clamp(x - stepSize * clamp(dE/dx, -gradClamp, gradClamp) + noise * N(0, 1), min, max)}.
 *
 * <p>Each step opens and closes its own gradient collector: DJL's PyTorch engine allows one open
 * collector per JVM. Backward also fills the model's parameter gradients, which PyTorch accumulates;
 * callers must zero them before the parameter update ({@link Adam#zeroGradients()}).
 *
 * @param steps K, the number of Langevin steps
 * @param stepSize step size on the (clamped) energy gradient
 * @param noise standard deviation of the Gaussian noise per step
 * @param gradClamp per-element clamp on dE/dx; non-positive disables it
 * @param min smallest allowed value of x (the data range)
 * @param max largest allowed value of x
 */
public record SgldSampler(int steps, double stepSize, double noise, double gradClamp, float min, float max) {

    /** Runs the chains from {@code start}; {@code energy} maps {@code [B, ...]} inputs to {@code [B]} energies. */
    public NDArray sample(NDArray start, UnaryOperator<NDArray> energy) {
        NDArray x = start;
        for (int k = 0; k < steps; k++) {
            x = step(x, energy);
        }
        return x;
    }

    /** Runs the chains from {@code start} with the gradients of {@code energy} (e.g. computed by ONNX Runtime). */
    public NDArray sampleWith(NDArray start, DifferentiableEnergy energy) {
        NDArray x = start;
        for (int k = 0; k < steps; k++) {
            x = move(x.stopGradient(), energy.evaluate(x).gradient());
        }
        return x;
    }

    /** One Langevin step. */
    public NDArray step(NDArray x, UnaryOperator<NDArray> energy) {
        NDArray input = x.stopGradient();
        input.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(energy.apply(input).sum());
        }
        return move(input, input.getGradient());
    }

    /** {@code x - stepSize * clamp(grad) + noise}, kept in the data range. */
    private NDArray move(NDArray input, NDArray grad) {
        if (gradClamp > 0) {
            grad = grad.clip((float) -gradClamp, (float) gradClamp);
        }
        NDArray next = input.sub(grad.mul((float) stepSize));
        if (noise > 0) {
            next = next.add(input.getManager().randomNormal(0f, (float) noise, input.getShape(), input.getDataType()));
        }
        return next.clip(min, max).stopGradient();
    }
}
