package io.energysentinel.trainer.pipeline;

import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.training.Objective;
import io.energysentinel.trainer.training.TrainingConfig;
import java.util.List;

/**
 * What to train on images.
 *
 * @param kind {@code CONV_EBM} or {@code JEM}
 * @param channels conv filters per stage
 * @param hidden JEM feature-layer width
 * @param config the main model's training settings (its step and time budget cover main + background)
 * @param backgroundShare share of the budget for the background model on perturbed inputs; 0 for none
 * @param classifierWarmupShare JEM only: share of the main model's budget trained on cross-entropy alone
 *     before the joint phase; 0 for none
 * @param perturbRate pixel-replacement rate of the background model's inputs
 * @param validationSize held-out training images kept for threshold calibration
 * @param trainLimit use at most this many training images (0 = all), for smoke runs
 * @param objective how the energy nets are fitted: {@code PCD} or {@code CD} (the config's {@code persistent} says which),
 *     or {@code NCE} for a {@code CONV_EBM} (against a Gaussian covering the training images)
 * @param featureEnergySteps JEM only: PCD steps of a feature-space energy ({@link FeatureEnergyFit}) fitted after the
 *     main model, outside its time budget; 0 for none
 */
public record ImageTrainingPlan(ModelKind kind, List<Integer> channels, int hidden, TrainingConfig config,
                                double backgroundShare, double classifierWarmupShare, double perturbRate,
                                int validationSize, int trainLimit, Objective objective, long featureEnergySteps) {
    public ImageTrainingPlan {
        if (kind == ModelKind.MLP_EBM) {
            throw new IllegalArgumentException("MLP_EBM is for event vectors, not images");
        }
        channels = List.copyOf(channels);
        if (backgroundShare < 0 || backgroundShare >= 1) {
            throw new IllegalArgumentException("backgroundShare must lie in [0, 1)");
        }
        if (classifierWarmupShare < 0 || classifierWarmupShare >= 1) {
            throw new IllegalArgumentException("classifierWarmupShare must lie in [0, 1)");
        }
        objective.requireForImages();
        if (objective == Objective.NCE && kind != ModelKind.CONV_EBM) {
            throw new IllegalArgumentException("--objective nce trains a conv energy (--kind conv), not a " + kind
                    + ": a JEM's classifier has no noise-contrastive form");
        }
        if (classifierWarmupShare > 0 && kind != ModelKind.JEM) {
            throw new IllegalArgumentException("a classifier warm-up needs a JEM, not " + kind);
        }
        if (featureEnergySteps < 0) {
            throw new IllegalArgumentException("feature energy steps must be 0 (none) or positive, got " + featureEnergySteps);
        }
        if (featureEnergySteps > 0 && kind != ModelKind.JEM) {
            throw new IllegalArgumentException("a feature energy needs a JEM (its classifier's features), not " + kind);
        }
    }
}
