package io.energysentinel.trainer.pipeline;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.scores.OodScorer;
import io.energysentinel.trainer.training.TrainingConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Fits a feature-space EBM to a JEM ({@link io.energysentinel.contract.ScoreName#FEATURE_ENERGY}): an MLP energy model
 * trained by persistent contrastive divergence on the feature-layer outputs of training images, with the event model's
 * recipe ({@link EventTraining}: the features standardised and clamped to [-6, 6], SGLD in those units).
 *
 * <p>The image energy -logsumexp(logits) of a JEM trained on 2 cores for minutes mostly tells images by their pixel
 * statistics (AUROC 0.80 on MNIST digits for the demo model, 0.94 for a 30-minute one); the classifier's features tell a
 * new kind of object, and an energy over them does too (0.975 and 0.991 on the same models' features), while staying an
 * energy model: what the Mahalanobis scores do with one Gaussian per class, it does with a learned density.
 */
public final class FeatureEnergyFit {
    /** Width of the MLP's two hidden layers: the event model's default. */
    public static final int HIDDEN = EventTraining.DEFAULT_HIDDEN;
    /**
     * PCD steps that fit one well (about 40 s for 20,000 images' features on 2 cores): the README's measured run used
     * them, and a fine-tuned line refits its feature energy with them.
     */
    public static final long STEPS = 3000;
    /** Where in a training run's directory the feature energy's own run goes. */
    static final String RUN_DIR = "feature-energy";

    private FeatureEnergyFit() {}

    /**
     * {@code model} with a feature energy fitted for {@code steps} PCD steps on the features of {@code images}; the head's
     * own run (its model and {@code training.json}) goes into {@value #RUN_DIR} under {@code runDir}, the run it belongs to.
     *
     * @throws IllegalArgumentException for a model without a feature layer, or too few images to hold some out
     */
    public static TrainedModel fit(TrainedModel model, float[][] images, long steps, long seed, Path runDir, NDManager manager) {
        if (model.kind() != ModelKind.JEM || model.spec().featureLayer() < 0) {
            throw new IllegalArgumentException("a feature energy needs a JEM with a feature layer, not a " + model.kind());
        }
        float[][] features = new OodScorer(model).features(images, manager);
        List<String> names = new ArrayList<>();
        for (int j = 0; j < features[0].length; j++) {
            names.add("feature_" + j);
        }
        TrainingConfig config = EventTraining.defaults().optSteps(steps).optSeed(seed).build();
        EventTraining.Result head = EventTraining.train(names, features, HIDDEN, config, EventTraining.contrastive(config), null,
                runDir.resolve(RUN_DIR), manager, false);
        return model.withFeatureEnergy(head.model());
    }
}
