package io.energysentinel.trainer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.trainer.cli.TrainerCli;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.evaluation.OodMetrics;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import io.energysentinel.trainer.scores.OodScorer;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feature-space energy: it learns where the training images' features lie, and it is saved and loaded with its JEM. */
class FeatureEnergyFitTest {
    private static final List<Integer> IMAGE = List.of(1, 12, 12);

    @TempDir
    Path dir;

    @Test
    void theFeatureEnergyIsLowOnImagesLikeTheTrainingImagesAndHighOnOthersAndSurvivesASaveAndLoad() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel jem = EnergyNets.initialise(ModelKind.JEM, EnergyNets.jem(IMAGE, List.of(4, 8), 16, 3), m, 5);
            // Dark images to train on; held-out dark images and bright ones to tell apart. The JEM is untrained: its features
            // are a fixed random map of the pixels, and only the head learns.
            TrainedModel model = FeatureEnergyFit.fit(jem, images(800, 0f, 0.5f, 1), 60, 7, dir.resolve("head"), m);
            assertThat(new OodScorer(model).available()).contains(ScoreName.FEATURE_ENERGY);
            float[][] held = images(200, 0f, 0.5f, 2);
            float[][] bright = images(200, 0.5f, 1f, 3);
            double[] normal = new OodScorer(model).scoreAll(held, m).get(ScoreName.FEATURE_ENERGY);
            double[] other = new OodScorer(model).scoreAll(bright, m).get(ScoreName.FEATURE_ENERGY);
            assertThat(OodMetrics.auroc(normal, other)).as("feature energy, held-out dark vs bright images").isGreaterThan(0.95);

            TrainedModels.save(model, dir.resolve("model"));
            TrainedModel loaded = TrainedModels.load(dir.resolve("model"), m);
            assertThat(loaded.featureEnergy()).isPresent();
            assertThat(new OodScorer(loaded).scoreAll(held, m).get(ScoreName.FEATURE_ENERGY)).containsExactly(normal, within(1e-4));
        }
    }

    /**
     * {@code train --feature-energy-steps} puts the head in the bundle (a graph output with its own threshold) and in the
     * anchor, and image retraining fits it again on the fine-tuned features: a line that serves it keeps serving it.
     */
    @Test
    void trainWritesTheFeatureEnergyIntoTheBundleAndAFineTunedCandidateHasItAgain() {
        Path bundle = dir.resolve("bundle");
        assertThat(TrainerCli.run("train", "--kind", "jem", "--train-limit", "1200", "--validation", "400", "--steps", "4",
                "--sgld-steps", "2", "--channels", "4,8", "--hidden", "16", "--background-share", "0", "--feature-energy-steps", "20",
                "--out", dir.resolve("run").toString(), "--bundle", bundle.toString(), "--no-progress")).isZero();
        BundleManifest served = BundleLoader.readManifest(bundle);
        assertThat(served.outputs()).contains(ScoreName.FEATURE_ENERGY.id());
        assertThat(served.scores()).containsKey(ScoreName.FEATURE_ENERGY);
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] fresh = FashionMnist.load(DataLocator.fromEnvironment().requireFashionMnist(), FashionMnist.Split.TEST).take(600).pixels();
            ImageFineTuning.FineTuned tuned = ImageFineTuning.fineTune(bundle, fresh, 3, 5, dir.resolve("tuned-run"), m);
            assertThat(tuned.model().featureEnergy()).as("the fine-tuned model's feature energy").isPresent();
            assertThat(tuned.model().featureEnergy().get()).isNotSameAs(ImageAnchor.read(bundle, m).model().featureEnergy().get());
            BundleManifest candidate = ImageFineTuning.writeBundle(tuned, served, "v2", 0.01, dir.resolve("candidate"), m);
            assertThat(candidate.outputs()).contains(ScoreName.FEATURE_ENERGY.id());
            assertThat(candidate.scores()).containsKey(ScoreName.FEATURE_ENERGY);
        }
    }

    @Test
    void aModelWithoutAFeatureLayerIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel conv = EnergyNets.initialise(ModelKind.CONV_EBM, EnergyNets.convEnergy(IMAGE, List.of(4)), m, 5);
            assertThatThrownBy(() -> FeatureEnergyFit.fit(conv, images(600, 0f, 1f, 1), 5, 1, dir, m))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs a JEM");
        }
    }

    private static float[][] images(int n, float low, float high, long seed) {
        Random random = new Random(seed);
        float[][] out = new float[n][144];
        for (float[] x : out) {
            for (int j = 0; j < x.length; j++) {
                x[j] = low + (high - low) * random.nextFloat();
            }
        }
        return out;
    }
}
