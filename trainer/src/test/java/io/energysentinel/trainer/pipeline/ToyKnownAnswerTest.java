package io.energysentinel.trainer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.energysentinel.trainer.toy.GaussianMixture;
import io.energysentinel.trainer.toy.Ring;
import io.energysentinel.trainer.toy.ToyDensity;
import io.energysentinel.trainer.training.Objective;
import io.energysentinel.trainer.training.TrainingConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Known answers for the objectives: an MLP energy fitted to exact draws of a 1-D mixture and a 2-D ring, normalised
 * on a Simpson grid, must come within a stated KL(true || learned) of the true density. The bounds leave room for
 * the run-to-run spread of DJL training on this machine (not bit-reproducible), and each test also measures the same
 * learned density against a deliberately wrong target, which must exceed the bound (the check can fail).
 */
class ToyKnownAnswerTest {
    private static final int ROWS = 5000;
    /** Measured 0.013 to 0.033 on the mixture (four runs), 0.012 and 0.014 on the ring. */
    private static final double PCD_BOUND = 0.08;
    /** Measured 0.002 to 0.004 (mixture) and 0.008 to 0.020 (ring). */
    private static final double NCE_BOUND = 0.05;
    /** NCE learns the normaliser too: measured |log Z| at most 0.001 with the cosine schedule (0.07 to 0.10 without). */
    private static final double NCE_LOG_Z_BOUND = 0.2;

    @Test
    void pcdLearnsTheOneDimensionalMixture() {
        check(GaussianMixture.twoComponents1d(), Objective.PCD, 1500, PCD_BOUND, GaussianMixture.twoComponents1d().withWeights(0.6, 0.4));
    }

    @Test
    void nceLearnsTheOneDimensionalMixture() {
        check(GaussianMixture.twoComponents1d(), Objective.NCE, 3000, NCE_BOUND, GaussianMixture.twoComponents1d().withWeights(0.6, 0.4));
    }

    @Test
    void pcdLearnsTheRing() {
        check(Ring.standard(), Objective.PCD, 1500, PCD_BOUND, new Ring(2.5, 0.3));
    }

    @Test
    void nceLearnsTheRing() {
        check(Ring.standard(), Objective.NCE, 3000, NCE_BOUND, new Ring(2.5, 0.3));
    }

    private static void check(ToyDensity density, Objective objective, long steps, double bound, ToyDensity wrong) {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainingConfig config = ToyTraining.defaults(density).optSteps(steps).optSeed(7).build();
            ToyTraining.Result r = ToyTraining.run(density, objective, config, List.of(64, 64), ROWS, manager, s -> {});
            double wrongKl = r.grid().klDivergence(r.grid().evaluate(wrong::logDensity), r.learnedLogDensity());
            System.out.printf("%s %s: KL(true || learned) %.4f (bound %.2f), KL(wrong || learned) %.4f, log Z %.3f, %d steps in %.1f s%n",
                    objective, density.name(), r.kl(), bound, wrongKl, r.logNormaliser(), r.steps(), r.seconds());
            assertThat(r.kl()).as("KL(true || learned) of %s on %s", objective, density.name()).isLessThan(bound);
            assertThat(wrongKl).as("KL against a wrong target").isGreaterThan(bound);
            if (objective == Objective.NCE) {
                assertThat(Math.abs(r.logNormaliser())).as("NCE's self-normalisation, log Z").isLessThan(NCE_LOG_Z_BOUND);
            }
        }
    }
}
