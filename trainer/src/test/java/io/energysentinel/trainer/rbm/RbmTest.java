package io.energysentinel.trainer.rbm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.data.ImageDataset;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RbmTest {
    private static final AnnealedImportanceSampling AIS = new AnnealedImportanceSampling(1000, 500);

    @Test
    void freeEnergyMatchesTheSumOverHiddenStates() {
        Rbm rbm = Rbm.random(5, 3, 1.0, 0.5, new Random(1));
        double[] v = {1, 0, 1, 1, 0};
        double sum = 0;
        for (int code = 0; code < 8; code++) {
            double[] h = {code & 1, (code >> 1) & 1, (code >> 2) & 1};
            double e = 0;
            for (int i = 0; i < 5; i++) {
                e -= rbm.b[i] * v[i];
                for (int j = 0; j < 3; j++) {
                    e -= v[i] * rbm.w[i * 3 + j] * h[j];
                }
            }
            for (int j = 0; j < 3; j++) {
                e -= rbm.c[j] * h[j];
            }
            sum += Math.exp(-e);
        }
        assertThat(rbm.freeEnergy(v)).isCloseTo(-Math.log(sum), within(1e-12));
    }

    @Test
    void aisAgreesWithTheExactLogZOfEnumerableRbmsWithinItsReportedError() {
        Random random = new Random(2);
        Rbm weak = Rbm.random(10, 8, 0.5, 0.5, random);
        Rbm strong = Rbm.random(10, 8, 1.5, 1.0, random);
        Rbm trained = new CdTrainer(30, 20, 0.1, 1e-4).train(prototypes(2000, random), 8, random, e -> {});
        for (Rbm rbm : new Rbm[] {weak, strong, trained}) {
            double exact = ExactPartition.logZ(rbm);
            AnnealedImportanceSampling.Estimate ais = AIS.logZ(rbm, new double[10], new Random(3));
            System.out.printf("10x8 RBM: exact log Z %.4f, AIS %.4f (se %.4f, interval %.4f to %.4f)%n",
                    exact, ais.logZ(), ais.standardError(), ais.lower(), ais.upper());
            assertThat(exact).isBetween(ais.lower(), ais.upper());
            assertThat(ais.upper() - ais.lower()).as("an interval narrow enough to mean something").isLessThan(0.5);
            // The check can fail: another RBM's log Z lies outside the interval.
            Rbm other = Rbm.random(10, 8, 1.0, 1.0, new Random(99));
            double otherLogZ = ExactPartition.logZ(other);
            assertThat(otherLogZ < ais.lower() || otherLogZ > ais.upper()).as("another RBM's log Z %.4f outside", otherLogZ).isTrue();
        }
    }

    @Test
    void cdOneOnBinarisedFashionMnistBeatsTheBaseRateModelByAisLogLikelihood() {
        DataLocator locator = DataLocator.fromEnvironment();
        assumeTrue(locator.fashionMnist().isPresent(), locator::missingHelp);
        ImageDataset train = FashionMnist.load(locator.fashionMnist().get(), FashionMnist.Split.TRAIN);
        ImageDataset test = FashionMnist.load(locator.fashionMnist().get(), FashionMnist.Split.TEST);
        double[][] rows = CdTrainer.binarise(Arrays.copyOf(train.pixels(), 3000));
        double[][] held = CdTrainer.binarise(Arrays.copyOf(test.pixels(), 1000));
        Random random = new Random(4);
        Rbm rbm = new CdTrainer(10, 20, 0.05, 1e-4).train(rows, 32, random, e -> {});
        double[] base = CdTrainer.logOdds(rows);
        AnnealedImportanceSampling.Estimate ais = new AnnealedImportanceSampling(1000, 50).logZ(rbm, base, new Random(5));
        double rbmLl = CdTrainer.logLikelihood(rbm, held, ais.logZ());
        double baseLl = CdTrainer.baseRateLogLikelihood(held, base);
        System.out.printf("Fashion-MNIST 784x32 CD-1: AIS log Z %.2f (se %.4f), test log-likelihood %.2f nats vs base rate %.2f%n",
                ais.logZ(), ais.standardError(), rbmLl, baseLl);
        // Measured: -348.6 nats against the base rate's -381.7 (AIS standard error 0.07).
        assertThat(rbmLl).isGreaterThan(baseLl + 20);
    }

    /** Ten-bit vectors near one of three prototypes, each bit flipped with probability 0.1. */
    private static double[][] prototypes(int n, Random random) {
        double[][] protos = {{1, 1, 1, 1, 0, 0, 0, 0, 1, 0}, {0, 0, 0, 1, 1, 1, 1, 0, 0, 1}, {1, 0, 1, 0, 1, 0, 1, 0, 1, 0}};
        double[][] out = new double[n][10];
        for (int s = 0; s < n; s++) {
            double[] p = protos[random.nextInt(3)];
            for (int i = 0; i < 10; i++) {
                out[s][i] = random.nextDouble() < 0.1 ? 1 - p[i] : p[i];
            }
        }
        return out;
    }
}
