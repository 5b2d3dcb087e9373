package io.energysentinel.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.LayerSpec;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The layerwise dE/dx against autograd's, on every layer type it covers, and its refusal of what it does not cover. */
class LayerwiseInputGradientTest {

    @Test
    void equalsAutogradsInputGradientForEveryLayerItCovers() {
        try (NDManager m = NDManager.newBaseManager()) {
            // Standardisation and a clamp in front (rows beyond it included), both activations, a flatten.
            NetworkSpec spec = new NetworkSpec(List.of(3), List.of(
                    new LayerSpec.Standardize(List.of(1.0, -2.0, 0.5), List.of(2.0, 0.5, 1.5)), new LayerSpec.Clamp(-2, 2),
                    new LayerSpec.Flatten(), new LayerSpec.Linear(16), new LayerSpec.LeakyRelu(0.2), new LayerSpec.Linear(16),
                    new LayerSpec.Swish(), new LayerSpec.Linear(1)), -1);
            TrainedModel model = EnergyNets.initialise(ModelKind.MLP_EBM, spec, m, 5);
            ParameterStore ps = new ParameterStore(m, false);
            Random random = new Random(9);
            float[] rows = new float[32 * 3];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (float) (random.nextGaussian() * 4);
            }
            NDArray x = m.create(rows, new Shape(32, 3));
            LayerwiseInputGradient.EnergyAndGradient layerwise = LayerwiseInputGradient.of(model, ps, x, false);
            DifferentiableEnergy.Evaluation autograd = DifferentiableEnergy.autograd(v -> Energies.energy(model, ps, v, false)).evaluate(x);
            float[] expected = autograd.gradient().toFloatArray();
            float[] actual = layerwise.gradient().toFloatArray();
            float largest = 0;
            int outsideClamp = 0;
            for (int i = 0; i < expected.length; i++) {
                largest = Math.max(largest, Math.abs(expected[i]));
                outsideClamp += expected[i] == 0 ? 1 : 0;
            }
            assertThat(outsideClamp).as("inputs beyond the clamp, whose gradient is 0").isGreaterThan(0);
            for (int i = 0; i < expected.length; i++) {
                assertThat(Math.abs(actual[i] - expected[i])).as("component %d", i).isLessThan(1e-5f * largest + 1e-7f);
            }
            assertThat(layerwise.energy().toFloatArray()).containsExactly(autograd.energy().toFloatArray());
        }
    }

    @Test
    void refusesAConvolution() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainedModel conv = EnergyNets.initialise(ModelKind.CONV_EBM, EnergyNets.convEnergy(List.of(1, 8, 8), List.of(4)), m, 1);
            assertThatThrownBy(() -> LayerwiseInputGradient.of(conv, new ParameterStore(m, false), m.zeros(new Shape(2, 1, 8, 8)), false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Conv");
        }
    }
}
