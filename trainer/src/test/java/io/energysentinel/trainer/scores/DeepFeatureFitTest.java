package io.energysentinel.trainer.scores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.trainer.evaluation.Corruptions;
import io.energysentinel.trainer.model.DeepFeatureGaussians;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.FeatureGaussians;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeepFeatureFitTest {
    @TempDir
    Path dir;

    @Test
    void theTapIsTheLastConvolutionBlockBeforeTheNetworkFlattens() {
        NetworkSpec jem = EnergyNets.jem(List.of(1, 28, 28), List.of(8, 16, 16), 12, 10);
        int tap = DeepFeatureFit.tapLayer(jem);
        assertThat(jem.layers().get(tap + 1)).isInstanceOf(io.energysentinel.trainer.model.LayerSpec.Flatten.class);
        assertThat(tap).isLessThan(jem.featureLayer());
        assertThat(DeepFeatureFit.tapLayer(EnergyNets.mlp(List.of(0.0, 0.0), List.of(1.0, 1.0), -6, 6, List.of(4))))
                .isEqualTo(-1);
    }

    @Test
    void heldOutImagesScoreZeroOnAverageAndTheScoreSurvivesSaveAndLoad() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel model = fitted(m);
            DeepFeatureGaussians deep = model.deepFeatures().orElseThrow();
            float[][] heldOut = Corruptions.uniformNoise(60, 784, 8);
            // Both distances are standardised on the held-out images, so their sum has mean 0 there.
            double[] scores = new OodScorer(model).scoreAll(heldOut, m).get(ScoreName.DEEP_MAHALANOBIS);
            assertThat(Arrays.stream(scores).average().orElseThrow()).isCloseTo(0, within(1e-3));
            assertThat(deep.tapGaussians().dimension()).isEqualTo(2 * 16);

            TrainedModels.save(model, dir);
            TrainedModel loaded = TrainedModels.load(dir, m);
            assertThat(loaded.deepFeatures()).get().usingRecursiveComparison().isEqualTo(deep);
            assertThat(new OodScorer(loaded).scoreAll(heldOut, m).get(ScoreName.DEEP_MAHALANOBIS)).containsExactly(scores, within(1e-4));
        }
    }

    private static TrainedModel fitted(NDManager m) {
        NetworkSpec spec = EnergyNets.jem(List.of(1, 28, 28), List.of(8, 16, 16), 12, 10);
        TrainedModel main = EnergyNets.initialise(ModelKind.JEM, spec, m, 1);
        float[][] images = Corruptions.uniformNoise(200, 784, 7);
        int[] labels = new int[images.length];
        Arrays.setAll(labels, i -> i % 10);
        FeatureGaussians g = FeatureGaussianFit.fit(new OodScorer(main).features(images, m), labels, 10, 1e-2, m);
        TrainedModel withGaussians = new TrainedModel(ModelKind.JEM, spec, main.block(), Optional.empty(), Optional.of(g));
        return new TrainedModel(ModelKind.JEM, spec, main.block(), Optional.empty(), Optional.of(g),
                DeepFeatureFit.fit(withGaussians, images, labels, 10, Corruptions.uniformNoise(60, 784, 8), m));
    }
}
