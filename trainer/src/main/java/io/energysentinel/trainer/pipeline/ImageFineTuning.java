package io.energysentinel.trainer.pipeline;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.trainer.export.BundleRequest;
import io.energysentinel.trainer.export.BundleWriter;
import io.energysentinel.trainer.export.Provenance;
import io.energysentinel.trainer.model.DeepFeatureGaussians;
import io.energysentinel.trainer.model.FeatureGaussians;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import io.energysentinel.trainer.scores.DeepFeatureFit;
import io.energysentinel.trainer.scores.FeatureGaussianFit;
import io.energysentinel.trainer.scores.OodScorer;
import io.energysentinel.trainer.training.DivergenceGuard;
import io.energysentinel.trainer.training.PcdTrainer;
import io.energysentinel.trainer.training.TrainingConfig;
import io.energysentinel.trainer.training.TrainingData;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Fine-tunes a serving image model (JEM or conv EBM) on fresh normal images, anchored to what its line was first
 * trained on, the way {@link EventFineTuning} does for event lines: warm start from the anchor's weights, PCD on the
 * reference images with fresh ones at most a third, fresh images vetted by the line's first model, the threshold
 * calibrated on the reference's held-out images and checked on fresh held-out ones.
 *
 * <p>Images on the wire carry no labels. A JEM keeps its classifier head by the cross-entropy on the reference's labelled
 * images only; fresh images enter the generative (energy) term alone. Pseudo-labels from the serving model were the
 * other way: they would teach the head its own mistakes on exactly the images it is least sure of, and a shifted class
 * would confirm itself version after version. The feature Gaussians of the Mahalanobis scores (and the deep ones, where
 * the line has them) are refitted on the labelled reference images, since fine-tuning moves the features they describe.
 */
public final class ImageFineTuning {
    private ImageFineTuning() {}

    /**
     * A fine-tuned image candidate.
     *
     * @param model the fine-tuned model (feature Gaussians refitted where it has them)
     * @param reference the line's reference, unchanged
     * @param config the settings used (the serving bundle's, with the job's budget and seed)
     * @param data what it trained on: reference images (labelled) and fresh images (label -1)
     * @param steps PCD steps taken
     * @param freshCheck fresh images held out from training
     * @param freshUsed fresh images trained on
     * @param vettedOut fresh images the line's first model kept out
     * @param firstModel the line's first model, carried on
     */
    public record FineTuned(TrainedModel model, ImageAnchor.Reference reference, TrainingConfig config, TrainingData data, long steps,
                            float[][] freshCheck, int freshUsed, int vettedOut, EventAnchor.FirstModel firstModel) {}

    /**
     * Fine-tunes the model of the image bundle in {@code servingBundle} on {@code fresh} images (pixels in [0, 1]).
     *
     * @param steps PCD steps
     * @throws IllegalArgumentException when the bundle is not an image line or carries no valid anchor
     * @throws CandidateRefused when too few fresh images pass the line's first model
     */
    public static FineTuned fineTune(Path servingBundle, float[][] fresh, long steps, long seed, Path outDir, NDManager manager) {
        BundleManifest manifest = BundleLoader.readManifest(servingBundle);
        if (manifest.kind() == ModelKind.MLP_EBM) {
            throw new IllegalArgumentException(manifest.modelId() + " is an event line; EventFineTuning fine-tunes those");
        }
        ImageAnchor.Loaded anchor = ImageAnchor.read(servingBundle, manager);
        TrainingConfig config = TrainingConfig.fromMap(manifest.training().config(), TrainingConfig.builder().optDataRange(0f, 1f))
                .withBudget(steps, Duration.ZERO).withSeed(seed);
        ImageAnchor.Reference reference = anchor.reference();
        FreshRows freshRows = FreshRows.of(fresh, anchor.firstModel(), manifest, reference.train().length, seed);
        float[][] images = freshRows.after(reference.train());
        int[] labels = Arrays.copyOf(reference.labels(), images.length);
        Arrays.fill(labels, reference.labels().length, labels.length, -1);
        TrainingData data = new TrainingData("fine-tuning/" + reference.train().length + "-reference+" + freshRows.train().length + "-fresh",
                images, labels, manifest.input().shape());

        TrainedModel serving = anchor.model();
        TrainedModel bare = new TrainedModel(serving.kind(), serving.spec(), serving.block(), Optional.empty(), Optional.empty());
        long taken;
        try (PcdTrainer trainer = new PcdTrainer(bare, data, config, manager, DivergenceGuard.defaults())) {
            trainer.train(s -> { });
            taken = trainer.stepsTaken();
        }
        Optional<FeatureGaussians> gaussians = serving.featureGaussians().map(old -> FeatureGaussianFit.fit(
                new OodScorer(bare).features(reference.train(), manager), reference.labels(), old.classMeans().length, 1e-3, manager));
        TrainedModel withGaussians = new TrainedModel(serving.kind(), serving.spec(), serving.block(), serving.background(), gaussians);
        // A line that serves deep_mahalanobis keeps serving it: its Gaussians are refitted on the same reference images.
        Optional<DeepFeatureGaussians> deep = serving.deepFeatures().isEmpty() ? Optional.empty() : DeepFeatureFit.fit(withGaussians,
                reference.train(), reference.labels(), gaussians.orElseThrow().classMeans().length, reference.heldOut(), manager);
        TrainedModel tuned = new TrainedModel(serving.kind(), serving.spec(), serving.block(), serving.background(), gaussians, deep);
        if (serving.pixelStatistics().isPresent()) {
            // The ensemble's deep scale moved with the weights: refitted on the same reference images.
            tuned = PixelStatisticsFit.fit(tuned, reference.train(), reference.heldOut(), manager);
        }
        if (serving.featureEnergy().isPresent()) {
            // The features moved with the weights: the feature energy is fitted again, on the same reference images.
            tuned = FeatureEnergyFit.fit(tuned, reference.train(), FeatureEnergyFit.STEPS, config.seed(), outDir, manager);
        }
        TrainedModels.save(tuned, outDir.resolve("model"));
        return new FineTuned(tuned, reference, config, data, taken, freshRows.check(), freshRows.train().length, freshRows.vettedOut(),
                new EventAnchor.FirstModel(anchor.firstModel(), anchor.anchor().firstCeiling(), anchor.anchor().canaryRecall()));
    }

    /**
     * Writes {@code tuned} as a bundle of line {@code modelId} into {@code dir}, serving the same score as {@code serving}:
     * threshold from the reference's held-out images at {@code targetFpr}, FPR reached on the fresh held-out images, the
     * anchor carried on with the new weights.
     */
    public static BundleManifest writeBundle(FineTuned tuned, BundleManifest serving, String modelVersion, double targetFpr, Path dir,
                                             NDManager manager) {
        BundleManifest written = BundleWriter.write(new BundleRequest(tuned.model(), serving.modelId(), modelVersion,
                tuned.reference().heldOut(), tuned.freshCheck(), targetFpr, Map.of(),
                Provenance.of(tuned.data().fingerprint(), tuned.data().name(), tuned.config().seed(), tuned.steps(), tuned.config().asMap()),
                List.of(), 0, 1, ScoreName.fromId(serving.defaultScore().id())), dir, manager);
        return ImageAnchor.attach(dir, written, tuned.model(), tuned.reference(), tuned.reference().heldOut(), targetFpr, tuned.firstModel());
    }
}
