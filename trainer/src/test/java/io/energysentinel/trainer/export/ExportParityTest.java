package io.energysentinel.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.SequentialBlock;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.TensorNames;
import io.energysentinel.contract.scoring.ModelOutputs;
import io.energysentinel.contract.scoring.OnnxScorer;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.FeatureGaussians;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.pipeline.FeatureEnergyFit;
import io.energysentinel.trainer.pipeline.PixelStatisticsFit;
import io.energysentinel.trainer.scores.DeepFeatureFit;
import io.energysentinel.trainer.scores.FeatureGaussianFit;
import io.energysentinel.trainer.scores.OodScorer;
import io.energysentinel.trainer.training.Energies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported graph reproduces the trainer's DJL scores, for every kind and servable score. */
class ExportParityTest {
    static final double TOLERANCE = 1e-4;
    private static final List<Integer> IMAGE = List.of(1, 28, 28);

    @TempDir
    Path dir;

    @Test
    void convEnergyNetWithBackgroundMatchesOnRandomInputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            NetworkSpec spec = EnergyNets.convEnergy(IMAGE, List.of(8, 16, 16));
            TrainedModel bg = EnergyNets.initialise(ModelKind.CONV_EBM, spec, m, 2);
            TrainedModel main = EnergyNets.initialise(ModelKind.CONV_EBM, spec, m, 1);
            TrainedModel model = new TrainedModel(ModelKind.CONV_EBM, spec, main.block(), Optional.of(bg), Optional.empty());
            assertParity(model, uniform(40, 784, 1), m);
        }
    }

    @Test
    void jemWithEveryScoreMatchesOnRandomInputs() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel model = jemWithEverything(m);
            assertParity(model, uniform(40, 784, 3), m);
        }
    }

    @Test
    void jemMatchesOnRealFashionMnistImages() {
        DataLocator locator = DataLocator.fromEnvironment();
        org.junit.jupiter.api.Assumptions.assumeTrue(locator.fashionMnist().isPresent(), locator::missingHelp);
        try (NDManager m = NDManager.newBaseManager()) {
            float[][] images = FashionMnist.load(locator.fashionMnist().get(), FashionMnist.Split.TEST).take(64).pixels();
            assertParity(jemWithEverything(m), images, m);
        }
    }

    @Test
    void mlpWithStandardisationFoldedInMatchesOnRawEventVectors() {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(5);
            float[][] rows = new float[50][6];
            for (float[] row : rows) {
                for (int j = 0; j < 6; j++) {
                    row[j] = (float) (r.nextGaussian() * (j + 1) * 10 + 100 * j);
                }
            }
            List<List<Double>> stats = EnergyNets.standardization(rows);
            NetworkSpec spec = EnergyNets.mlp(stats.get(0), stats.get(1), -6, 6, List.of(16, 16));
            assertParity(EnergyNets.initialise(ModelKind.MLP_EBM, spec, m, 4), rows, m);
        }
    }

    @Test
    void blockThatDoesNotMatchItsSpecIsRejected() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel model = EnergyNets.initialise(ModelKind.CONV_EBM, EnergyNets.convEnergy(IMAGE, List.of(4)), m, 1);
            SequentialBlock shorter = new SequentialBlock();
            shorter.add(model.block().getChildren().values().get(0));
            TrainedModel broken = new TrainedModel(model.kind(), model.spec(), shorter, Optional.empty(), Optional.empty());
            assertThatThrownBy(() -> OnnxExporter.toProto(broken, Map.of()))
                    .isInstanceOf(UnsupportedLayerException.class).hasMessageContaining("children but the spec has");
        }
    }

    static TrainedModel jemWithEverything(NDManager m) {
        NetworkSpec spec = EnergyNets.jem(IMAGE, List.of(8, 16, 16), 12, 10);
        TrainedModel main = EnergyNets.initialise(ModelKind.JEM, spec, m, 1);
        TrainedModel bg = EnergyNets.initialise(ModelKind.JEM, spec, m, 2);
        float[][] fitImages = uniform(200, 784, 7);
        int[] labels = new int[200];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % 10;
        }
        float[][] features = new OodScorer(main).features(fitImages, m);
        FeatureGaussians g = FeatureGaussianFit.fit(features, labels, 10, 1e-2, m);
        TrainedModel withGaussians = new TrainedModel(ModelKind.JEM, spec, main.block(), Optional.of(bg), Optional.of(g));
        TrainedModel withDeep = new TrainedModel(ModelKind.JEM, spec, main.block(), Optional.of(bg), Optional.of(g),
                DeepFeatureFit.fit(withGaussians, fitImages, labels, 10, uniform(50, 784, 8), m));
        TrainedModel withPixels = PixelStatisticsFit.fit(withDeep, fitImages, uniform(50, 784, 10), m);
        try {
            return FeatureEnergyFit.fit(withPixels, uniform(600, 784, 9), 5, 3, Files.createTempDirectory("feature-energy"), m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void assertParity(TrainedModel model, float[][] inputs, NDManager m) {
        Path file = dir.resolve(model.kind() + ".onnx");
        OnnxExporter.export(model, Map.of("test", "parity"), file);
        Map<ScoreName, double[]> expected = new OodScorer(model).scoreAll(inputs, m);
        try (OnnxScorer scorer = OnnxScorer.open(file, model.spec().inputShape(), ScorerOptions.cpu())) {
            ModelOutputs out = scorer.score(inputs);
            assertThat(out.names()).containsExactlyInAnyOrderElementsOf(OnnxExporter.outputNames(model));
            for (ScoreName score : expected.keySet()) {
                if (!score.servable()) {
                    continue;
                }
                float[] actual = out.column(score.id());
                double[] want = expected.get(score);
                for (int i = 0; i < inputs.length; i++) {
                    double err = Math.abs(actual[i] - want[i]) / Math.max(1, Math.abs(want[i]));
                    assertThat(err).as("%s %s input %d: onnx %f djl %f", model.kind(), score.id(), i, actual[i], want[i])
                            .isLessThanOrEqualTo(TOLERANCE);
                }
            }
            if (model.kind() == ModelKind.MLP_EBM) {
                // The graph resets z-scores in one batch; the reference resets raw metrics to their means, one row each.
                float[][] actual = out.rows(TensorNames.CONTRIBUTIONS);
                List<float[]> want = BundleWriter.contributions(model, inputs, expected.get(ScoreName.ENERGY), OnnxExporter.eachInput(model), m);
                for (int i = 0; i < inputs.length; i++) {
                    assertThat(actual[i]).as("contributions of input %d", i).hasSize(want.get(i).length);
                    for (int j = 0; j < actual[i].length; j++) {
                        double err = Math.abs(actual[i][j] - want.get(i)[j]) / Math.max(1, Math.abs(want.get(i)[j]));
                        assertThat(err).as("contribution %d of input %d", j, i).isLessThanOrEqualTo(TOLERANCE);
                    }
                }
            }
            if (model.kind() == ModelKind.JEM) {
                float[][] logits = out.rows(TensorNames.LOGITS);
                assertThat(logits[0]).hasSize(10);
                try (var ps = m.newSubManager()) {
                    float[] djl = Energies.output(model, new ai.djl.training.ParameterStore(ps, false),
                            ps.create(inputs[0], new ai.djl.ndarray.types.Shape(1, 1, 28, 28)), false).toFloatArray();
                    for (int c = 0; c < 10; c++) {
                        assertThat((double) Math.abs(logits[0][c] - djl[c])).isLessThanOrEqualTo(TOLERANCE * Math.max(1, Math.abs(djl[c])));
                    }
                }
            }
        }
    }

    static float[][] uniform(int n, int size, long seed) {
        return io.energysentinel.trainer.evaluation.Corruptions.uniformNoise(n, size, seed);
    }
}
