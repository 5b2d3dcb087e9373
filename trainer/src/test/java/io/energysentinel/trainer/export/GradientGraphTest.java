package io.energysentinel.trainer.export;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.TensorNames;
import io.energysentinel.contract.scoring.ModelOutputs;
import io.energysentinel.contract.scoring.OnnxScorer;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.training.Energies;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The exported input-gradient graph gives DJL autograd's dE/dx, for every kind and layer type the exporter writes. */
class GradientGraphTest {
    private static final List<Integer> IMAGE = List.of(1, 28, 28);

    @TempDir
    Path dir;

    @Test
    void convEnergyNetGradientMatchesAutograd() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            // Strided convolutions on 28 x 28 leave rows no output reads: the transpose must give them zero gradient.
            assertParity(EnergyNets.initialise(ModelKind.CONV_EBM, EnergyNets.convEnergy(IMAGE, List.of(8, 16, 16)), m, 1), uniform(16, 784, 1), m);
        }
    }

    @Test
    void jemGradientMatchesAutograd() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            assertParity(EnergyNets.initialise(ModelKind.JEM, EnergyNets.jem(IMAGE, List.of(8, 16), 32, 10), m, 2), uniform(16, 784, 2), m);
        }
    }

    @Test
    void mlpGradientMatchesAutogradInsideAndOutsideTheClamp() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            Random r = new Random(3);
            float[][] rows = new float[40][5];
            for (int i = 0; i < rows.length; i++) {
                for (int j = 0; j < 5; j++) {
                    // Every eighth row sits far out, where the z-score clamp cuts the gradient of that metric to 0.
                    rows[i][j] = (float) (r.nextGaussian() * (j + 1) * 10 + 100 * j + (i % 8 == 0 ? 1e4 : 0));
                }
            }
            List<List<Double>> stats = EnergyNets.standardization(java.util.Arrays.copyOfRange(rows, 1, 8));
            NetworkSpec spec = EnergyNets.mlp(stats.get(0), stats.get(1), -6, 6, List.of(16, 16));
            assertParity(EnergyNets.initialise(ModelKind.MLP_EBM, spec, m, 4), rows, m);
        }
    }

    private void assertParity(TrainedModel model, float[][] inputs, NDManager m) throws Exception {
        Path file = dir.resolve(model.kind() + "-grad.onnx");
        try (OutputStream out = Files.newOutputStream(file)) {
            OnnxExporter.gradientProto(model).writeTo(out);
        }
        ModelOutputs ort;
        try (OnnxScorer scorer = OnnxScorer.open(file, model.spec().inputShape(), ScorerOptions.cpu())) {
            ort = scorer.score(inputs);
        }
        float[][] expected = autograd(model, inputs, m);
        float[][] actual = ort.rows(OnnxExporter.ENERGY_GRADIENT);
        double scale = 0;
        for (float[] row : expected) {
            for (float v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        assertThat(scale).as("a gradient to compare").isPositive();
        for (int i = 0; i < inputs.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                assertThat((double) actual[i][j]).as("item %d, input %d", i, j).isCloseTo(expected[i][j], org.assertj.core.data.Offset.offset(1e-4 * scale));
            }
        }
        float[] energy = ort.column(TensorNames.ENERGY);
        assertThat(energy).hasSize(inputs.length);
    }

    private static float[][] autograd(TrainedModel model, float[][] inputs, NDManager m) {
        try (NDManager scope = m.newSubManager()) {
            long[] shape = new long[model.spec().inputShape().size() + 1];
            shape[0] = inputs.length;
            for (int i = 1; i < shape.length; i++) {
                shape[i] = model.spec().inputShape().get(i - 1);
            }
            float[] flat = new float[inputs.length * inputs[0].length];
            for (int i = 0; i < inputs.length; i++) {
                System.arraycopy(inputs[i], 0, flat, i * inputs[0].length, inputs[0].length);
            }
            NDArray x = scope.create(flat, new Shape(shape));
            x.setRequiresGradient(true);
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray energy = Energies.energy(model, new ParameterStore(scope, false), x, true);
                collector.backward(energy.sum());
            }
            float[] grad = x.getGradient().toFloatArray();
            float[][] out = new float[inputs.length][inputs[0].length];
            for (int i = 0; i < inputs.length; i++) {
                System.arraycopy(grad, i * inputs[0].length, out[i], 0, inputs[0].length);
            }
            return out;
        }
    }

    private static float[][] uniform(int n, int d, long seed) {
        Random r = new Random(seed);
        float[][] out = new float[n][d];
        for (float[] row : out) {
            for (int j = 0; j < d; j++) {
                row[j] = r.nextFloat();
            }
        }
        return out;
    }
}
