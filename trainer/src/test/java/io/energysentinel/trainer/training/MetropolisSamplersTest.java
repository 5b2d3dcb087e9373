package io.energysentinel.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.evaluation.EnergyDistance;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.toy.GaussianMixture;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * MALA and HMC against a 2-D Gaussian mixture whose energy, moments and exact draws are known.
 *
 * <p>Each sampler runs 1,000 independent chains from a broad start and keeps each chain's last state, so the
 * samples are (nearly) independent draws; with 1,000 draws the standard error of a mean is about 0.04 and of a
 * (co)variance about 0.05 here, so the tolerances (0.15 and 0.2) are three to four standard errors. The energy-distance
 * permutation test against 1,000 exact draws must not reject at 1%; the same test against draws of a reweighted
 * mixture must (it proves the check can fail).
 */
class MetropolisSamplersTest {
    private static final GaussianMixture TARGET = GaussianMixture.threeComponents2d();
    private static final int CHAINS = 1000;
    private static final double MEAN_TOLERANCE = 0.15;
    private static final double COVARIANCE_TOLERANCE = 0.2;

    @Test
    void malaWithTheAnalyticGradientSamplesTheMixture() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MalaSampler mala = new MalaSampler(300, 500, 0.05, MalaSampler.DEFAULT_TARGET, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            McmcRun run = mala.sample(broadStart(manager, 11), TARGET.analyticEnergy(), new Random(12));
            assertThat(run.acceptanceRate()).isCloseTo(MalaSampler.DEFAULT_TARGET, within(0.08));
            assertMatchesTarget("MALA", run, 13);
        }
    }

    @Test
    void hmcThroughDjlAutogradSamplesTheMixture() {
        try (NDManager manager = NDManager.newBaseManager()) {
            HmcSampler hmc = new HmcSampler(150, 200, 8, 0.1, HmcSampler.DEFAULT_TARGET, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            McmcRun run = hmc.sample(broadStart(manager, 21), DifferentiableEnergy.autograd(TARGET::energy), new Random(22));
            assertThat(run.acceptanceRate()).isCloseTo(HmcSampler.DEFAULT_TARGET, within(0.1));
            assertMatchesTarget("HMC", run, 23);
        }
    }

    @Test
    void uncorrectedLangevinAtMalasStepSizeIsBiasedWhereMalaIsNot() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MalaSampler mala = new MalaSampler(300, 0, 0.05, MalaSampler.DEFAULT_TARGET, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            double eps = mala.sample(broadStart(manager, 31), TARGET.analyticEnergy(), new Random(32)).stepSize();
            // The same Langevin proposal without the Metropolis-Hastings correction (SGLD with noise sqrt(2 eps)).
            NDArray ula = new SgldSampler(800, eps, Math.sqrt(2 * eps), 0, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY)
                    .sample(broadStart(manager, 33), TARGET::energy);
            EnergyDistance.Result test = EnergyDistance.test(rows(ula), TARGET.sample(CHAINS, new Random(34)), 200, new Random(35));
            System.out.printf("ULA at MALA's step %.4f: energy distance %.4f, p %.3f%n", eps, test.statistic(), test.pValue());
            assertThat(test.pValue()).as("ULA at step %.3f, energy distance %.4f", eps, test.statistic()).isLessThan(0.01);
        }
    }

    @Test
    void theStepSizeAdaptsOnlyDuringWarmUp() {
        try (NDManager manager = NDManager.newBaseManager()) {
            MalaSampler noWarmup = new MalaSampler(0, 20, 0.05, 0.574, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            assertThat(noWarmup.sample(broadStart(manager, 41), TARGET.analyticEnergy(), new Random(1)).stepSize()).isCloseTo(0.05, within(1e-12));
            // Far too large a step rejects almost everything; warm-up must shrink it.
            MalaSampler tooLarge = new MalaSampler(200, 20, 20, 0.574, Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY);
            McmcRun run = tooLarge.sample(broadStart(manager, 42), TARGET.analyticEnergy(), new Random(2));
            assertThat(run.stepSize()).isLessThan(2);
            assertThat(run.warmupAcceptanceRate()).isLessThan(run.acceptanceRate());
        }
    }

    @Test
    void proposalsOutsideTheRangeAreRejected() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray start = manager.create(new float[] {0.5f, 0.5f, 0.2f, 0.9f}, new Shape(2, 2));
            McmcRun mala = new MalaSampler(0, 300, 0.5, 0.574, 0f, 1f).sample(start, TARGET.analyticEnergy(), new Random(3));
            McmcRun hmc = new HmcSampler(0, 100, 5, 0.3, 0.7, 0f, 1f).sample(start, TARGET.analyticEnergy(), new Random(4));
            for (float v : mala.samples().toFloatArray()) {
                assertThat(v).isBetween(0f, 1f);
            }
            for (float v : hmc.samples().toFloatArray()) {
                assertThat(v).isBetween(0f, 1f);
            }
        }
    }

    @Test
    void samplersRunOnAnEnergyNetAndRepeatExactlyFromTheirSeed() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainedModel mlp = EnergyNets.initialise(ModelKind.MLP_EBM,
                    EnergyNets.mlp(List.of(0.0, 0.0), List.of(1.0, 1.0), -6, 6, List.of(16, 16)), manager, 5);
            ParameterStore ps = new ParameterStore(manager, false);
            DifferentiableEnergy energy = DifferentiableEnergy.autograd(x -> Energies.energy(mlp, ps, x, false));
            MalaSampler mala = new MalaSampler(20, 20, 0.1, 0.574, -6f, 6f);
            HmcSampler hmc = new HmcSampler(10, 10, 4, 0.1, 0.7, -6f, 6f);
            float[] malaFirst = mala.sample(broadStart(manager, 51).clip(-6f, 6f), energy, new Random(6)).samples().toFloatArray();
            float[] malaAgain = mala.sample(broadStart(manager, 51).clip(-6f, 6f), energy, new Random(6)).samples().toFloatArray();
            McmcRun hmcRun = hmc.sample(broadStart(manager, 52).clip(-6f, 6f), energy, new Random(7));
            float[] hmcAgain = hmc.sample(broadStart(manager, 52).clip(-6f, 6f), energy, new Random(7)).samples().toFloatArray();
            assertThat(malaAgain).containsExactly(malaFirst);
            assertThat(hmcRun.samples().toFloatArray()).containsExactly(hmcAgain);
            assertThat(hmcRun.acceptanceRate()).isBetween(0.0, 1.0).isPositive();
        }
    }

    /** Means, covariances and the two-sample test against exact draws; then the same test must reject a wrong target. */
    private static void assertMatchesTarget(String sampler, McmcRun run, long seed) {
        double[][] samples = rows(run.samples());
        double[] mean = mean(samples);
        double[][] cov = covariance(samples, mean);
        double[] trueMean = TARGET.mean();
        double[][] trueCov = TARGET.covariance();
        for (int i = 0; i < 2; i++) {
            assertThat(mean[i]).as("mean[%d]", i).isCloseTo(trueMean[i], within(MEAN_TOLERANCE));
            for (int j = 0; j < 2; j++) {
                assertThat(cov[i][j]).as("cov[%d][%d]", i, j).isCloseTo(trueCov[i][j], within(COVARIANCE_TOLERANCE));
            }
        }
        EnergyDistance.Result right = EnergyDistance.test(samples, TARGET.sample(CHAINS, new Random(seed)), 200, new Random(seed + 1));
        assertThat(right.pValue()).as("energy distance %.4f against exact draws", right.statistic()).isGreaterThanOrEqualTo(0.01);
        EnergyDistance.Result wrong = EnergyDistance.test(samples, TARGET.withWeights(0.3, 0.3, 0.4).sample(CHAINS, new Random(seed)),
                200, new Random(seed + 1));
        // The measured numbers the README quotes.
        System.out.printf("%s: step %.4f, acceptance %.3f (warm-up %.3f), mean (%.3f, %.3f) vs (%.3f, %.3f), "
                + "cov (%.3f, %.3f, %.3f) vs (%.3f, %.3f, %.3f), energy distance p %.3f (wrong target p %.3f)%n",
                sampler, run.stepSize(), run.acceptanceRate(), run.warmupAcceptanceRate(), mean[0], mean[1], trueMean[0], trueMean[1],
                cov[0][0], cov[0][1], cov[1][1], trueCov[0][0], trueCov[0][1], trueCov[1][1], right.pValue(), wrong.pValue());
        assertThat(wrong.pValue()).as("energy distance %.4f against a reweighted mixture", wrong.statistic()).isLessThan(0.01);
    }

    private static NDArray broadStart(NDManager manager, long seed) {
        Random random = new Random(seed);
        float[] flat = new float[CHAINS * 2];
        for (int i = 0; i < flat.length; i++) {
            flat[i] = (float) (2.5 * random.nextGaussian());
        }
        return manager.create(flat, new Shape(CHAINS, 2));
    }

    static double[][] rows(NDArray samples) {
        float[] flat = samples.toFloatArray();
        int d = (int) samples.getShape().get(1);
        double[][] out = new double[flat.length / d][d];
        for (int i = 0; i < flat.length; i++) {
            out[i / d][i % d] = flat[i];
        }
        return out;
    }

    static double[] mean(double[][] rows) {
        double[] m = new double[rows[0].length];
        for (double[] r : rows) {
            for (int i = 0; i < m.length; i++) {
                m[i] += r[i] / rows.length;
            }
        }
        return m;
    }

    static double[][] covariance(double[][] rows, double[] mean) {
        int d = mean.length;
        double[][] c = new double[d][d];
        for (double[] r : rows) {
            for (int i = 0; i < d; i++) {
                for (int j = 0; j < d; j++) {
                    c[i][j] += (r[i] - mean[i]) * (r[j] - mean[j]) / (rows.length - 1);
                }
            }
        }
        return c;
    }
}
