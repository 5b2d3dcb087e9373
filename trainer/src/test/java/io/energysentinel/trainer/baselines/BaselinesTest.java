package io.energysentinel.trainer.baselines;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Every baseline scores a point far from its normal training data above points in the middle of it. */
class BaselinesTest {
    private static double[][] correlatedNormal(int n, long seed) {
        Random r = new Random(seed);
        double[][] rows = new double[n][3];
        for (double[] row : rows) {
            double load = r.nextGaussian();
            row[0] = load;
            row[1] = 0.9 * load + 0.3 * r.nextGaussian();
            row[2] = r.nextGaussian();
        }
        return rows;
    }

    @Test
    void everyDetectorRanksOutliersAndBrokenCorrelationsAboveTheBulk() {
        double[][] train = correlatedNormal(1500, 1);
        double[][] centre = {{0, 0, 0}, {0.5, 0.45, -0.2}};
        // Far out, and a broken correlation: each value alone is ordinary, together they are not.
        double[][] anomalies = {{6, 5.4, 0}, {2, -2, 0}};
        for (Detector detector : List.of(new IsolationForest(3), new ShrinkageGaussian(), new KnnDistance(5),
                new OneClassSvm(0.05, 1000, 3))) {
            Detector.Fitted fitted = detector.fit(train);
            double[] normal = fitted.score(centre);
            double[] odd = fitted.score(anomalies);
            for (double a : odd) {
                for (double c : normal) {
                    assertThat(a).as(detector.name()).isGreaterThan(c);
                }
            }
        }
    }

    @Test
    void ledoitWolfGaussianScoresTheSquaredMahalanobisDistance() {
        // Independent unit-variance metrics: the shrunk covariance stays close to I, so the score is |x|^2.
        Random r = new Random(2);
        double[][] train = new double[20_000][2];
        for (double[] row : train) {
            row[0] = r.nextGaussian();
            row[1] = r.nextGaussian();
        }
        double[] s = new ShrinkageGaussian().fit(train).score(new double[][] {{3, 4}});
        assertThat(s[0]).isCloseTo(25, org.assertj.core.data.Offset.offset(1.0));
    }

    @Test
    void isolationForestScoresLieInTheUnitIntervalAndAreReproducibleFromTheSeed() {
        double[][] train = correlatedNormal(500, 4);
        double[] a = new IsolationForest(9).fit(train).score(train);
        double[] b = new IsolationForest(9).fit(train).score(train);
        assertThat(a).isEqualTo(b);
        assertThat(java.util.Arrays.stream(a).allMatch(v -> v > 0 && v <= 1)).as("scores in (0, 1]").isTrue();
    }
}
