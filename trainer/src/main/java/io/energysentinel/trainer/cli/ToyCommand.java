package io.energysentinel.trainer.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.energysentinel.trainer.evaluation.DensityGrid;
import io.energysentinel.trainer.evaluation.EnergyDistance;
import io.energysentinel.trainer.evaluation.Plots;
import io.energysentinel.trainer.pipeline.ToyTraining;
import io.energysentinel.trainer.toy.GaussianMixture;
import io.energysentinel.trainer.toy.Ring;
import io.energysentinel.trainer.toy.ToyDensity;
import io.energysentinel.trainer.training.DifferentiableEnergy;
import io.energysentinel.trainer.training.Energies;
import io.energysentinel.trainer.training.HmcSampler;
import io.energysentinel.trainer.training.MalaSampler;
import io.energysentinel.trainer.training.McmcRun;
import io.energysentinel.trainer.training.TrainingConfig;
import io.energysentinel.trainer.training.TrainingProgress;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Fits an MLP energy to a toy density with a known answer, reports KL(true || learned) after normalising it on a
 * Simpson grid, and draws the learned density beside the true one.
 */
@Command(name = "toy", mixinStandardHelpOptions = true,
        description = "Fits an MLP energy to a 1-D or 2-D toy density by PCD, CD-k or NCE; reports KL(true || learned) and draws both as PNG.")
final class ToyCommand implements Callable<Integer> {
    /** Toy densities as typed on the command line. */
    enum DensityName { mixture1d, mixture2d, ring }

    /** Objectives the toy command fits by. */
    enum ToyObjective { pcd, cd, nce, dsm }

    /** Samplers that can check the learned energy. */
    enum CheckSampler { none, mala, hmc }

    @Option(names = "--density", defaultValue = "mixture1d", description = "mixture1d, mixture2d or ring (default ${DEFAULT-VALUE}).")
    DensityName density;
    @Option(names = "--objective", defaultValue = "pcd", description = "pcd, cd, nce or dsm (denoising score matching at sigma 0.1)"
            + " (default ${DEFAULT-VALUE}).")
    ToyObjective objective;
    @Option(names = "--steps", defaultValue = "1500", description = "Optimiser steps (default ${DEFAULT-VALUE}; the known-answer tests use 1500 for PCD, 3000 for NCE).")
    long steps;
    @Option(names = "--rows", defaultValue = "5000", description = "Exact draws to train on (default ${DEFAULT-VALUE}).")
    int rows;
    @Option(names = "--hidden", defaultValue = "64,64", split = ",", description = "Hidden widths of the MLP (default ${DEFAULT-VALUE}).")
    List<Integer> hidden;
    @Option(names = "--seed", defaultValue = "7", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--sampler", defaultValue = "none", description = "none, mala or hmc: also sample the learned energy (1,000 chains)"
            + " and test the samples against exact draws by energy distance (default ${DEFAULT-VALUE}).")
    CheckSampler sampler;
    @Option(names = "--out", required = true, description = "Directory for density.png.")
    Path out;
    @Option(names = "--no-progress", description = "No progress bar (for logs).")
    boolean noProgress;

    @Override
    public Integer call() {
        if (steps < 1 || rows < 128) {
            throw new IllegalArgumentException("--steps must be at least 1 and --rows at least 128 (one batch)");
        }
        ToyDensity target = switch (density) {
            case mixture1d -> GaussianMixture.twoComponents1d();
            case mixture2d -> GaussianMixture.threeComponents2d();
            case ring -> Ring.standard();
        };
        TrainingConfig config = ToyTraining.defaults(target).optSteps(steps).optSeed(seed).build();
        io.energysentinel.trainer.training.Objective chosen =
                io.energysentinel.trainer.training.Objective.valueOf(objective.name().toUpperCase(java.util.Locale.ROOT));
        try (NDManager manager = NDManager.newBaseManager()) {
            ToyTraining.Result r;
            try (TrainingProgress bar = noProgress ? null : new TrainingProgress(target.name(), steps, java.time.Duration.ZERO)) {
                r = ToyTraining.run(target, chosen, config, hidden, rows, manager, s -> {
                    if (bar != null) {
                        bar.accept(s);
                    }
                });
            }
            System.out.printf("%s by %s: KL(true || learned) %.4f nats, log of the integral of exp(-E) %.3f, %d steps in %.1f s%n",
                    target.name(), objective, r.kl(), r.logNormaliser(), r.steps(), r.seconds());
            Path picture = out.resolve("density.png");
            draw(target, r, picture);
            System.out.println("wrote " + picture);
            if (sampler != CheckSampler.none) {
                checkBySampling(target, r, manager);
            }
        }
        return 0;
    }

    private void draw(ToyDensity target, ToyTraining.Result r, Path picture) {
        DensityGrid grid = r.grid();
        double[] truth = new double[grid.size()];
        double[] learned = new double[grid.size()];
        for (int i = 0; i < grid.size(); i++) {
            truth[i] = Math.exp(r.trueLogDensity()[i]);
            learned[i] = Math.exp(r.learnedLogDensity()[i]);
        }
        String title = String.format("%s, %s, KL %.4f", target.name(), objective, r.kl());
        if (target.dimension() == 1) {
            double[] x = new double[grid.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = grid.points()[i][0];
            }
            Plots.densityCurves(title, x, truth, learned, picture);
        } else {
            Plots.densityMaps(title, (int) Math.round(Math.sqrt(grid.size())), truth, learned, picture);
        }
    }

    /** MALA or HMC on the learned energy from exact draws, then an energy-distance test against fresh exact draws. */
    private void checkBySampling(ToyDensity target, ToyTraining.Result r, NDManager manager) {
        int chains = 1000;
        int d = target.dimension();
        double[][] start = target.sample(chains, new Random(seed + 1));
        float[] flat = new float[chains * d];
        for (int i = 0; i < chains; i++) {
            for (int j = 0; j < d; j++) {
                flat[i * d + j] = (float) start[i][j];
            }
        }
        ParameterStore ps = new ParameterStore(manager, false);
        DifferentiableEnergy energy = DifferentiableEnergy.autograd(x -> Energies.energy(r.model(), ps, x, false));
        float lo = (float) java.util.Arrays.stream(target.lower()).min().orElseThrow();
        float hi = (float) java.util.Arrays.stream(target.upper()).max().orElseThrow();
        NDArray begin = manager.create(flat, new Shape(chains, d));
        McmcRun run = sampler == CheckSampler.mala
                ? new MalaSampler(300, 500, 0.05, MalaSampler.DEFAULT_TARGET, lo, hi).sample(begin, energy, new Random(seed + 2))
                : new HmcSampler(150, 200, 8, 0.1, HmcSampler.DEFAULT_TARGET, lo, hi).sample(begin, energy, new Random(seed + 2));
        float[] end = run.samples().toFloatArray();
        double[][] samples = new double[chains][d];
        for (int i = 0; i < end.length; i++) {
            samples[i / d][i % d] = end[i];
        }
        EnergyDistance.Result test = EnergyDistance.test(samples, target.sample(chains, new Random(seed + 3)), 200, new Random(seed + 4));
        System.out.printf("%s on the learned energy: step %.4f, acceptance %.3f; energy distance to exact draws %.4f, permutation p %.3f%n",
                sampler, run.stepSize(), run.acceptanceRate(), test.statistic(), test.pValue());
    }
}
