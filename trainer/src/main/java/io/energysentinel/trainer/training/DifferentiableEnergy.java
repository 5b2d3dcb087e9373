package io.energysentinel.trainer.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;

/**
 * An energy with its gradient in x, what Metropolis-adjusted samplers need: an energy net through DJL's autograd
 * ({@link #autograd}), or an energy whose gradient is known in closed form.
 */
@FunctionalInterface
public interface DifferentiableEnergy {

    /** Energies {@code [B]} and dE/dx (the shape of {@code x}) at inputs {@code [B, ...]}, detached from any graph. */
    Evaluation evaluate(NDArray x);

    /**
     * Energy and gradient at a batch of points.
     *
     * @param energy {@code [B]}
     * @param gradient dE/dx, shaped as the inputs
     */
    record Evaluation(NDArray energy, NDArray gradient) {}

    /**
     * The gradient of {@code energy} by DJL's autograd, one gradient collector per call (DJL allows one open at a
     * time). With an energy net, backward also fills its parameter gradients, which PyTorch accumulates: zero them
     * before a parameter update, or freeze the parameters while sampling.
     */
    static DifferentiableEnergy autograd(UnaryOperator<NDArray> energy) {
        return x -> {
            NDArray input = x.stopGradient();
            input.setRequiresGradient(true);
            NDArray e;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                e = energy.apply(input);
                collector.backward(e.sum());
            }
            return new Evaluation(e.stopGradient(), input.getGradient().stopGradient());
        };
    }
}
