package io.energysentinel.trainer.toy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.energysentinel.trainer.training.DifferentiableEnergy;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ToyDensitiesTest {

    @Test
    void eachDensityIntegratesToOneOnItsBox() {
        for (ToyDensity density : List.of(GaussianMixture.twoComponents1d(), GaussianMixture.threeComponents2d(), Ring.standard())) {
            assertThat(integrate(density)).as(density.name()).isCloseTo(1.0, within(1e-3));
        }
    }

    @Test
    void autogradOfTheDjlEnergyMatchesTheClosedFormGradientAndLogDensity() {
        try (NDManager manager = NDManager.newBaseManager()) {
            for (ToyDensity density : List.of(GaussianMixture.twoComponents1d(), GaussianMixture.threeComponents2d(), Ring.standard())) {
                int d = density.dimension();
                Random random = new Random(3);
                float[] flat = new float[20 * d];
                for (int i = 0; i < flat.length; i++) {
                    flat[i] = (float) (2 * random.nextGaussian());
                }
                NDArray x = manager.create(flat, new Shape(20, d));
                DifferentiableEnergy.Evaluation auto = DifferentiableEnergy.autograd(density::energy).evaluate(x);
                DifferentiableEnergy.Evaluation exact = density.analyticEnergy().evaluate(x);
                assertThat(auto.energy().toFloatArray()).as(density.name()).containsExactly(exact.energy().toFloatArray(), within(2e-4f));
                assertThat(auto.gradient().toFloatArray()).as(density.name()).containsExactly(exact.gradient().toFloatArray(), within(2e-3f));
            }
        }
    }

    @Test
    void exactDrawsHaveTheMixturesMoments() {
        GaussianMixture mixture = GaussianMixture.threeComponents2d();
        double[][] draws = mixture.sample(200_000, new Random(5));
        double[] m = new double[2];
        for (double[] r : draws) {
            m[0] += r[0] / draws.length;
            m[1] += r[1] / draws.length;
        }
        assertThat(m).containsExactly(mixture.mean(), within(0.01));
    }

    /** Midpoint rule on a 400 (or 400 x 400) grid over the density's box. */
    private static double integrate(ToyDensity density) {
        double[] lo = density.lower();
        double[] hi = density.upper();
        int n = 400;
        if (density.dimension() == 1) {
            double h = (hi[0] - lo[0]) / n;
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += Math.exp(density.logDensity(new double[] {lo[0] + (i + 0.5) * h})) * h;
            }
            return s;
        }
        double hx = (hi[0] - lo[0]) / n;
        double hy = (hi[1] - lo[1]) / n;
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                s += Math.exp(density.logDensity(new double[] {lo[0] + (i + 0.5) * hx, lo[1] + (j + 0.5) * hy})) * hx * hy;
            }
        }
        return s;
    }
}
