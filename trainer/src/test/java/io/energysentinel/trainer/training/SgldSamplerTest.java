package io.energysentinel.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.TrainedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class SgldSamplerTest {

    @Test
    void stepOnAQuadraticEnergyMovesXExactlyByTheUpdateRule() {
        try (NDManager manager = NDManager.newBaseManager()) {
            float a = 3f;
            double stepSize = 0.05;
            // E(x) = a/2 * |x|^2 per row, so dE/dx = a x and one step gives x (1 - stepSize a).
            SgldSampler sampler = new SgldSampler(1, stepSize, 0, 0, -100f, 100f);
            float[] start = {1f, -2f, 0.5f, 4f, -3f, 0.25f};
            NDArray x = manager.create(start, new Shape(2, 3));
            float[] moved = sampler.sample(x, v -> v.square().sum(new int[] {1}).mul(a / 2)).toFloatArray();
            for (int i = 0; i < start.length; i++) {
                assertThat(moved[i]).isCloseTo((float) (start[i] * (1 - stepSize * a)), within(1e-6f));
            }
        }
    }

    @Test
    void repeatedStepsDoNotAccumulateInputGradients() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SgldSampler sampler = new SgldSampler(3, 0.1, 0, 0, -100f, 100f);
            NDArray x = manager.create(new float[] {2f}, new Shape(1, 1));
            // Three steps of x <- x - 0.1 * x (E = x^2 / 2) give 2 * 0.9^3; accumulation would shrink it faster.
            float end = sampler.sample(x, v -> v.square().sum(new int[] {1}).div(2)).getFloat();
            assertThat(end).isCloseTo(2f * 0.9f * 0.9f * 0.9f, within(1e-6f));
        }
    }

    @Test
    void gradientClampAndDataRangeClampApply() {
        try (NDManager manager = NDManager.newBaseManager()) {
            SgldSampler sampler = new SgldSampler(1, 1.0, 0, 0.03, 0f, 1f);
            NDArray x = manager.create(new float[] {0.5f, 0.01f}, new Shape(1, 2));
            // E = 10 * sum(x): gradient 10, clamped to 0.03; the second value would go below 0 and is clamped.
            float[] moved = sampler.sample(x, v -> v.sum(new int[] {1}).mul(10)).toFloatArray();
            assertThat(moved[0]).isCloseTo(0.47f, within(1e-6f));
            assertThat(moved[1]).isEqualTo(0f);
        }
    }

    @Test
    void parameterGradientsLeftBySgldAreZeroedBeforeTheUpdate() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainedModel model = EnergyNets.initialise(ModelKind.CONV_EBM,
                    EnergyNets.convEnergy(List.of(1, 28, 28), List.of(4, 8)), manager, 3);
            ParameterStore ps = new ParameterStore(manager, false);
            Adam adam = new Adam(model.block().getParameters(), manager, 0, 0.999, 1e-8);
            NDArray data = manager.randomUniform(0, 1, new Shape(4, 1, 28, 28));
            float[] fresh = parameterGradientAfterBackward(model, ps, data);
            adam.zeroGradients();

            new SgldSampler(5, 1.0, 0.01, 0.03, 0f, 1f)
                    .sample(manager.randomUniform(0, 1, new Shape(4, 1, 28, 28)), x -> Energies.energy(model, ps, x, true));
            NDArray weight = adam.parameters().get(0);
            assertThat(weight.getGradient().abs().sum().getFloat())
                    .as("PyTorch leaves SGLD's parameter gradients behind").isGreaterThan(0f);
            float[] accumulated = parameterGradientAfterBackward(model, ps, data);
            assertThat(accumulated).as("without zeroing, gradients accumulate").isNotEqualTo(fresh);

            adam.zeroGradients();
            float[] afterZeroing = parameterGradientAfterBackward(model, ps, data);
            assertThat(afterZeroing).containsExactly(fresh, within(1e-6f));
        }
    }

    private static float[] parameterGradientAfterBackward(TrainedModel model, ParameterStore ps, NDArray data) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(Energies.energy(model, ps, data, true).mean());
        }
        return model.block().getParameters().get(0).getValue().getArray().getGradient().toFloatArray();
    }
}
