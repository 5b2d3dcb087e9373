package io.energysentinel.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import org.junit.jupiter.api.Test;

class NceTrainerTest {

    @Test
    void lossIsTheLogisticLossOfMinusEnergyMinusLogNoiseDensity() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] ePos = {0.5f, -2f};
            float[] eNeg = {3f, 40f};
            float[] qPos = {-1f, -0.5f};
            float[] qNeg = {-2f, -1f};
            double expected = 0;
            for (int i = 0; i < 2; i++) {
                double gPos = -ePos[i] - qPos[i];
                double gNeg = -eNeg[i] - qNeg[i];
                expected += Math.log1p(Math.exp(-gPos)) / 2 + Math.log1p(Math.exp(gNeg)) / 2;
            }
            float loss = NceTrainer.loss(m.create(ePos), m.create(eNeg), m.create(qPos), m.create(qNeg)).getFloat();
            assertThat(loss).isCloseTo((float) expected, within(1e-5f));
        }
    }

    @Test
    void softplusStaysFiniteFarOut() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] v = NceTrainer.softplus(m.create(new float[] {-500f, 0f, 500f})).toFloatArray();
            assertThat(v[0]).isCloseTo(0f, within(1e-6f));
            assertThat(v[1]).isCloseTo((float) Math.log(2), within(1e-6f));
            assertThat(v[2]).isCloseTo(500f, within(1e-3f));
        }
    }
}
