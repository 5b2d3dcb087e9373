package io.energysentinel.trainer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.scoring.ModelOutputs;
import io.energysentinel.contract.scoring.OnnxScorer;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.cli.TrainerCli;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.evaluation.Corruptions;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.PixelStatistics;
import io.energysentinel.trainer.model.TrainedModel;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pixel statistics and the ensemble a JEM serves with them: blurred images, which every feature score takes for
 * ordinary garments, are caught at the bundle's threshold, and the ensemble follows the line through fine-tuning.
 */
class PixelStatisticsFitTest {
    @TempDir
    Path dir;

    @Test
    void theStatisticsOfASmallImageAreTheHandComputedOnes() {
        // 3 x 3, one channel: rows (0 0 0), (0 1 0), (0 0 0).
        float[] dot = {0, 0, 0, 0, 1, 0, 0, 0, 0};
        float[] s = PixelStatistics.of(dot, 1, 3, 3);
        // 2 of the 6 horizontal pairs differ by 1 (those with the centre), as do 2 of the 6 vertical ones; the one interior
        // Laplacian is 4.
        double mean = 1 / 9.0;
        double contrast = Math.sqrt((8 * mean * mean + (1 - mean) * (1 - mean)) / 9);
        double[] expected = {2 / 6.0, 2 / 6.0, 4, mean, contrast};
        for (int j = 0; j < PixelStatistics.SIZE; j++) {
            assertThat((double) s[j]).as(PixelStatistics.NAMES.get(j)).isCloseTo(Math.log(expected[j] + PixelStatistics.FLOOR), within(1e-6));
        }
        // Two channels are averaged first: the dot at half strength in each gives the same image.
        float[] halves = new float[18];
        halves[4] = 1;
        halves[13] = 1;
        assertThat(PixelStatistics.of(halves, 2, 3, 3)).containsExactly(s, within(1e-6f));
    }

    /**
     * {@code train --kind jem} serves the ensemble; at the bundle's threshold it catches blurred test images and keeps
     * the false-positive rate on fresh ones. Under the old rule (deep_mahalanobis served) the blur check failed: 0.4% of the
     * blurred images were caught.
     */
    @Test
    void aTrainedJemServesTheEnsembleWhichCatchesBlurredImagesAndKeepsItThroughFineTuning() {
        Path bundle = dir.resolve("bundle");
        assertThat(TrainerCli.run("train", "--kind", "jem", "--train-limit", "1200", "--validation", "400", "--steps", "4",
                "--sgld-steps", "2", "--channels", "4,8", "--hidden", "16", "--background-share", "0",
                "--out", dir.resolve("run").toString(), "--bundle", bundle.toString(), "--no-progress")).isZero();
        BundleManifest served = BundleLoader.readManifest(bundle);
        assertThat(served.outputs()).contains(ScoreName.PIXEL_STATISTICS.id(), ScoreName.ENSEMBLE.id());
        assertThat(served.defaultScore()).isEqualTo(ScoreName.ENSEMBLE);

        float[][] test = FashionMnist.load(DataLocator.fromEnvironment().requireFashionMnist(), FashionMnist.Split.TEST).take(1000).pixels();
        double threshold = served.scores().get(served.defaultScore()).threshold();
        try (OnnxScorer scorer = OnnxScorer.open(bundle.resolve(served.onnx().file()), served.input().shape(), ScorerOptions.cpu())) {
            assertThat(shareAbove(scorer.score(Corruptions.blur(test, 28, 2)), served.defaultScore(), threshold))
                    .as("blurred test images caught by the served score").isGreaterThanOrEqualTo(0.95);
            assertThat(shareAbove(scorer.score(test), served.defaultScore(), threshold))
                    .as("fresh test images flagged").isLessThanOrEqualTo(0.04);
        }

        try (NDManager m = NDManager.newBaseManager()) {
            PixelStatistics first = ImageAnchor.read(bundle, m).model().pixelStatistics().orElseThrow();
            ImageFineTuning.FineTuned tuned = ImageFineTuning.fineTune(bundle, test, 3, 5, dir.resolve("tuned-run"), m);
            PixelStatistics refitted = tuned.model().pixelStatistics().orElseThrow();
            assertThat(refitted.deepSpread()).as("the deep scale, refitted on the tuned weights").isNotEqualTo(first.deepSpread());
            BundleManifest candidate = ImageFineTuning.writeBundle(tuned, served, "v2", 0.01, dir.resolve("candidate"), m);
            assertThat(candidate.defaultScore()).isEqualTo(ScoreName.ENSEMBLE);
        }
    }

    @Test
    void aModelWithoutDeepFeatureGaussiansIsRefused() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel conv = EnergyNets.initialise(ModelKind.CONV_EBM, EnergyNets.convEnergy(List.of(1, 12, 12), List.of(4)), m, 5);
            float[][] images = Corruptions.uniformNoise(20, 144, 1);
            assertThatThrownBy(() -> PixelStatisticsFit.fit(conv, images, images, m))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deep feature Gaussians");
        }
    }

    private static double shareAbove(ModelOutputs outputs, ScoreName score, double threshold) {
        float[] values = outputs.column(score.id());
        int above = 0;
        for (float v : values) {
            if (v > threshold) {
                above++;
            }
        }
        return above / (double) values.length;
    }
}
