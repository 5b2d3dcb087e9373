package io.energysentinel.trainer.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.evaluation.DensityGrid;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.toy.ToyDensity;
import io.energysentinel.trainer.training.Energies;
import io.energysentinel.trainer.training.Objective;
import io.energysentinel.trainer.training.ObjectiveFit;
import io.energysentinel.trainer.training.StepStats;
import io.energysentinel.trainer.training.TrainingConfig;
import io.energysentinel.trainer.training.TrainingData;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Fits a small MLP energy to exact draws of a toy density with PCD, CD-k or NCE, then normalises the learned energy
 * on a Simpson grid over the density's box and measures {@code KL(true || learned)}: a known answer for each objective.
 */
public final class ToyTraining {
    /** Grid intervals per axis: 1-D and 2-D. */
    private static final int INTERVALS_1D = 600;
    private static final int INTERVALS_2D = 160;

    private ToyTraining() {}

    /**
     * What a run reached.
     *
     * @param model the trained energy net
     * @param grid the Simpson grid over the density's box
     * @param trueLogDensity log p at each grid point
     * @param learnedLogDensity -E at each grid point, normalised numerically
     * @param kl KL(true || learned) on the grid
     * @param logNormaliser log of the integral of exp(-E) on the grid (0 when the model is self-normalised, as NCE aims)
     * @param steps optimiser steps taken
     * @param seconds wall-clock training time
     */
    public record Result(TrainedModel model, DensityGrid grid, double[] trueLogDensity, double[] learnedLogDensity, double kl,
                         double logNormaliser, long steps, double seconds) {}

    /**
     * Settings that fit the toy densities: Adam at 2e-3 decayed to zero along a half cosine (PCD's estimate oscillates at
     * a constant rate: three seeds at 1,500 steps reached KL 0.015, 0.13 and 0.29 without decay, 0.014 each with it),
     * batch 128, no energy regularisation; for PCD/CD, proper Langevin dynamics (noise {@code sqrt(2 eps)}, no gradient
     * clamp) of 20 steps of {@code eps = 0.01}, 1,000 persistent chains (so each is continued every eighth step, long
     * enough to cross between modes), 1% restarted from uniform noise, all confined to the density's box.
     */
    public static TrainingConfig.Builder defaults(ToyDensity density) {
        double eps = 0.01;
        return TrainingConfig.builder().optSteps(1500).optBatchSize(128).optLearningRate(2e-3).optBeta1(0.9).optBeta2(0.999)
                .optCosineDecay(true).optEnergyRegularization(0).optSgldSteps(20).optSgldStepSize(eps).optSgldNoise(Math.sqrt(2 * eps))
                .optSgldGradClamp(0).optBufferSize(1000).optReinitProbability(0.01).optPositiveNoise(0)
                .optGradientClipNorm(1.0).optDataRange((float) min(density.lower()), (float) max(density.upper()));
    }

    /**
     * Trains on {@code rows} exact draws of {@code density} (seeded by {@code config.seed()}) and measures the result.
     *
     * @param hidden widths of the MLP's hidden Swish layers
     */
    public static Result run(ToyDensity density, Objective objective, TrainingConfig config, List<Integer> hidden, int rows,
            NDManager manager, Consumer<StepStats> progress) {
        int d = density.dimension();
        double[][] draws = density.sample(rows, new Random(config.seed()));
        float[][] inputs = new float[rows][d];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < d; j++) {
                inputs[i][j] = (float) draws[i][j];
            }
        }
        int[] unlabelled = new int[rows];
        java.util.Arrays.fill(unlabelled, -1);
        TrainingData data = new TrainingData(density.name(), inputs, unlabelled, List.of(d));
        List<List<Double>> standardisation = EnergyNets.standardization(inputs);
        // The z-score clamp sits beyond the density's box, so it never flattens the energy where it is measured.
        TrainedModel model = EnergyNets.initialise(ModelKind.MLP_EBM,
                EnergyNets.mlp(standardisation.get(0), standardisation.get(1), -20, 20, hidden), manager, config.seed());
        long start = System.nanoTime();
        long steps = ObjectiveFit.run(objective, model, data, config, manager, progress, chains -> { }).steps();
        double seconds = (System.nanoTime() - start) / 1e9;
        DensityGrid grid = DensityGrid.simpson(density.lower(), density.upper(), d == 1 ? INTERVALS_1D : INTERVALS_2D);
        double[] trueLog = grid.evaluate(density::logDensity);
        double[] learned = negativeEnergies(model, grid, manager);
        double logZ = grid.logIntegral(learned);
        double kl = grid.klDivergence(trueLog, learned);
        double[] learnedNormalised = new double[learned.length];
        for (int i = 0; i < learned.length; i++) {
            learnedNormalised[i] = learned[i] - logZ;
        }
        return new Result(model, grid, trueLog, learnedNormalised, kl, logZ, steps, seconds);
    }

    /** -E(x) of {@code model} at every grid point, evaluated in batches without gradients. */
    public static double[] negativeEnergies(TrainedModel model, DensityGrid grid, NDManager manager) {
        int d = grid.points()[0].length;
        double[] out = new double[grid.size()];
        int batch = 4096;
        ParameterStore ps = new ParameterStore(manager, false);
        for (int from = 0; from < grid.size(); from += batch) {
            int n = Math.min(batch, grid.size() - from);
            float[] flat = new float[n * d];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < d; j++) {
                    flat[i * d + j] = (float) grid.points()[from + i][j];
                }
            }
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.create(flat, new Shape(n, d));
                float[] e = Energies.energy(model, ps, x, false).toFloatArray();
                for (int i = 0; i < n; i++) {
                    out[from + i] = -e[i];
                }
            }
        }
        return out;
    }

    private static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElseThrow();
    }

    private static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElseThrow();
    }
}
