package io.energysentinel.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

class EnergyDistanceTest {

    @Test
    void rejectsAShiftAndAcceptsTheSameDistribution() {
        Random random = new Random(1);
        double[][] a = new double[300][1];
        double[][] b = new double[300][1];
        double[][] shifted = new double[300][1];
        for (int i = 0; i < 300; i++) {
            a[i][0] = random.nextGaussian();
            b[i][0] = random.nextGaussian();
            shifted[i][0] = random.nextGaussian() + 0.6;
        }
        assertThat(EnergyDistance.test(a, b, 200, new Random(2)).pValue()).isGreaterThan(0.05);
        assertThat(EnergyDistance.test(a, shifted, 200, new Random(2)).pValue()).isLessThan(0.01);
        assertThat(EnergyDistance.statistic(a, a)).isCloseTo(0, within(1e-6));
    }
}
