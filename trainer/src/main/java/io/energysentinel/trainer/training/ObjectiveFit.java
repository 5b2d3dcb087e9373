package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDManager;
import io.energysentinel.trainer.model.TrainedModel;
import java.util.function.Consumer;

/**
 * Fits a model by an {@link Objective} to its step or time budget: the one place an objective picks its trainer and
 * that trainer's fixed settings (NCE's noise, DSM's noise level), so images, events and the toy densities are trained the
 * same way.
 */
public final class ObjectiveFit {
    /** NCE's noise is the data's Gaussian widened by this factor, so it covers the data's tails. */
    public static final double NCE_NOISE_WIDTH = 1.5;
    /** DSM's noise level in the units the net sees (an event MLP's z-scores): it learns the density smoothed by N(0, 0.1^2). */
    public static final double DSM_SIGMA = 0.1;

    private ObjectiveFit() {}

    /**
     * What a fit did.
     *
     * @param steps optimiser steps taken
     * @param skipped steps not applied because their gradient was not finite (NCE, DSM; 0 for PCD/CD)
     * @param restores times PCD restored the last good weights after a divergence (0 for NCE, DSM)
     * @param finalLearningRate PCD's base learning rate at the end: the configured one, lowered by each restore (the
     * schedule's factor, e.g. cosine decay, is not in it); NaN for NCE, DSM
     */
    public record Outcome(long steps, int skipped, int restores, double finalLearningRate) {}

    /**
     * Trains {@code model} on {@code data} by {@code objective}; PCD and CD-k take {@code config} with its persistence set by
     * the objective.
     *
     * @param progress each step's statistics
     * @param chains PCD/CD's replay buffer once training ends, before it is freed (e.g. to draw samples); not called for NCE, DSM
     */
    public static Outcome run(Objective objective, TrainedModel model, TrainingData data, TrainingConfig config, NDManager manager,
                              Consumer<StepStats> progress, Consumer<ReplayBuffer> chains) {
        switch (objective) {
            case NCE -> {
                // No chains, so no samples to draw: NCE learns by telling the data from draws of a known density.
                try (NceTrainer trainer = new NceTrainer(model, data, GaussianNoise.covering(data.inputs(), NCE_NOISE_WIDTH), config,
                        manager, DivergenceGuard.defaults())) {
                    trainer.train(progress);
                    return new Outcome(trainer.stepsTaken(), trainer.skippedSteps(), 0, Double.NaN);
                }
            }
            case DSM -> {
                try (DsmTrainer trainer = new DsmTrainer(model, data, DSM_SIGMA, config, manager, DivergenceGuard.defaults())) {
                    trainer.train(progress);
                    return new Outcome(trainer.stepsTaken(), trainer.skippedSteps(), 0, Double.NaN);
                }
            }
            case PCD, CD -> {
                try (PcdTrainer trainer = new PcdTrainer(model, data, config.withPersistent(objective == Objective.PCD), manager,
                        DivergenceGuard.defaults())) {
                    trainer.train(progress);
                    chains.accept(trainer.buffer());
                    return new Outcome(trainer.stepsTaken(), 0, trainer.restores(), trainer.learningRate());
                }
            }
            default -> throw new IllegalArgumentException("unknown objective " + objective);
        }
    }
}
