package io.energysentinel.trainer.rbm;

import java.util.Random;
import java.util.function.IntConsumer;

/**
 * CD-1 training of a Bernoulli RBM (Hinton 2002), following Hinton's practical guide (2010): hidden states sampled
 * for the reconstruction, probabilities everywhere else in the statistics, momentum 0.5 for the first five epochs
 * and 0.9 after, L2 weight decay on W only; visible biases start at the data's log-odds.
 *
 * @param epochs passes over the data
 * @param batchSize rows per update
 * @param learningRate step on the averaged gradient
 * @param weightDecay L2 coefficient on W
 */
public record CdTrainer(int epochs, int batchSize, double learningRate, double weightDecay) {

    public CdTrainer {
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0) || weightDecay < 0) {
            throw new IllegalArgumentException("epochs >= 1, batchSize >= 1, learningRate > 0, weightDecay >= 0 required");
        }
    }

    /** A new RBM with {@code hidden} units fitted to binary {@code rows}; {@code epochDone} sees each finished epoch. */
    public Rbm train(double[][] rows, int hidden, Random random, IntConsumer epochDone) {
        int nv = rows[0].length;
        Rbm rbm = new Rbm(nv, hidden);
        for (int i = 0; i < rbm.w.length; i++) {
            rbm.w[i] = 0.01 * random.nextGaussian();
        }
        System.arraycopy(logOdds(rows), 0, rbm.b, 0, nv);
        double[] dw = new double[rbm.w.length];
        double[] db = new double[nv];
        double[] dc = new double[hidden];
        double[] gw = new double[rbm.w.length];
        double[] gb = new double[nv];
        double[] gc = new double[hidden];
        int[] order = new int[rows.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        double[] h0 = new double[hidden];
        double[] v1 = new double[nv];
        for (int epoch = 0; epoch < epochs; epoch++) {
            shuffle(order, random);
            double momentum = epoch < 5 ? 0.5 : 0.9;
            for (int from = 0; from < rows.length; from += batchSize) {
                int n = Math.min(batchSize, rows.length - from);
                java.util.Arrays.fill(gw, 0);
                java.util.Arrays.fill(gb, 0);
                java.util.Arrays.fill(gc, 0);
                for (int s = from; s < from + n; s++) {
                    double[] v0 = rows[order[s]];
                    double[] p0 = rbm.hiddenInput(v0);
                    for (int j = 0; j < hidden; j++) {
                        p0[j] = Rbm.sigmoid(p0[j]);
                        h0[j] = random.nextDouble() < p0[j] ? 1 : 0;
                    }
                    double[] back = rbm.visibleInput(h0);
                    for (int i = 0; i < nv; i++) {
                        v1[i] = Rbm.sigmoid(rbm.b[i] + back[i]);
                    }
                    double[] p1 = rbm.hiddenInput(v1);
                    for (int j = 0; j < hidden; j++) {
                        p1[j] = Rbm.sigmoid(p1[j]);
                    }
                    for (int i = 0; i < nv; i++) {
                        int row = i * hidden;
                        double a = v0[i];
                        double r = v1[i];
                        for (int j = 0; j < hidden; j++) {
                            gw[row + j] += a * p0[j] - r * p1[j];
                        }
                        gb[i] += a - r;
                    }
                    for (int j = 0; j < hidden; j++) {
                        gc[j] += p0[j] - p1[j];
                    }
                }
                for (int k = 0; k < gw.length; k++) {
                    dw[k] = momentum * dw[k] + learningRate * (gw[k] / n - weightDecay * rbm.w[k]);
                    rbm.w[k] += dw[k];
                }
                for (int i = 0; i < nv; i++) {
                    db[i] = momentum * db[i] + learningRate * gb[i] / n;
                    rbm.b[i] += db[i];
                }
                for (int j = 0; j < hidden; j++) {
                    dc[j] = momentum * dc[j] + learningRate * gc[j] / n;
                    rbm.c[j] += dc[j];
                }
            }
            epochDone.accept(epoch + 1);
        }
        return rbm;
    }

    /** Per-unit log-odds of being on, from counts smoothed by one on and one off (so never infinite). */
    public static double[] logOdds(double[][] rows) {
        int nv = rows[0].length;
        double[] odds = new double[nv];
        for (int i = 0; i < nv; i++) {
            double on = 1;
            for (double[] r : rows) {
                on += r[i];
            }
            double p = on / (rows.length + 2);
            odds[i] = Math.log(p / (1 - p));
        }
        return odds;
    }

    /**
     * Mean exact log-likelihood of {@code rows} under independent Bernoulli units with log-odds {@code a}: the base-rate
     * model an RBM has to beat.
     */
    public static double baseRateLogLikelihood(double[][] rows, double[] a) {
        double total = 0;
        for (double[] r : rows) {
            for (int i = 0; i < a.length; i++) {
                total += r[i] * a[i] - Rbm.softplus(a[i]);
            }
        }
        return total / rows.length;
    }

    /** Mean log-likelihood {@code -F(v) - log Z} of {@code rows} under {@code rbm}. */
    public static double logLikelihood(Rbm rbm, double[][] rows, double logZ) {
        double total = 0;
        for (double[] r : rows) {
            total -= rbm.freeEnergy(r);
        }
        return total / rows.length - logZ;
    }

    /** Pixels above 0.5 on, the rest off. */
    public static double[][] binarise(float[][] pixels) {
        double[][] out = new double[pixels.length][];
        for (int n = 0; n < pixels.length; n++) {
            out[n] = new double[pixels[n].length];
            for (int i = 0; i < pixels[n].length; i++) {
                out[n][i] = pixels[n][i] > 0.5f ? 1 : 0;
            }
        }
        return out;
    }

    private static void shuffle(int[] a, Random random) {
        for (int i = a.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}
