package io.energysentinel.trainer.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class DensityGridTest {

    @Test
    void simpsonIsExactOnCubicsInOneAndTwoDimensions() {
        DensityGrid line = DensityGrid.simpson(new double[] {-1}, new double[] {2}, 4);
        // integral of x^3 - 2x + 1 over [-1, 2] = (16 - 1) / 4 - (4 - 1) + 3 = 3.75
        double s = 0;
        for (int i = 0; i < line.size(); i++) {
            double x = line.points()[i][0];
            s += line.weights()[i] * (x * x * x - 2 * x + 1);
        }
        assertThat(s).isCloseTo(3.75, within(1e-12));
        DensityGrid box = DensityGrid.simpson(new double[] {0, 0}, new double[] {1, 2}, 2);
        // integral of x^3 y over [0, 1] x [0, 2] = 1/4 * 2 = 0.5
        double t = 0;
        for (int i = 0; i < box.size(); i++) {
            t += box.weights()[i] * Math.pow(box.points()[i][0], 3) * box.points()[i][1];
        }
        assertThat(t).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void klBetweenTwoGaussiansMatchesTheClosedFormWhateverTheirNormalisers() {
        DensityGrid grid = DensityGrid.simpson(new double[] {-12}, new double[] {12}, 800);
        double m1 = 0.3;
        double s1 = 1.0;
        double m2 = -0.5;
        double s2 = 1.7;
        // Unnormalised on purpose: the grid normalises both sides.
        double[] logP = grid.evaluate(x -> -Math.pow(x[0] - m1, 2) / (2 * s1 * s1) + 5);
        double[] logQ = grid.evaluate(x -> -Math.pow(x[0] - m2, 2) / (2 * s2 * s2) - 3);
        double exact = Math.log(s2 / s1) + (s1 * s1 + Math.pow(m1 - m2, 2)) / (2 * s2 * s2) - 0.5;
        assertThat(grid.klDivergence(logP, logQ)).isCloseTo(exact, within(1e-8));
        assertThat(grid.klDivergence(logP, logP)).isCloseTo(0, within(1e-12));
    }
}
