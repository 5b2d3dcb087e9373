package io.energysentinel.trainer.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.energysentinel.trainer.evaluation.Plots;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import io.energysentinel.trainer.training.DifferentiableEnergy;
import io.energysentinel.trainer.training.Energies;
import io.energysentinel.trainer.training.HmcSampler;
import io.energysentinel.trainer.training.MalaSampler;
import io.energysentinel.trainer.training.McmcRun;
import io.energysentinel.trainer.training.SgldSampler;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Draws samples from a trained image model from uniform noise, by SGLD, MALA or HMC, and writes them as a PNG grid.
 * MALA and HMC adapt their step size toward a target acceptance rate during warm-up, then freeze it and report the
 * acceptance rate reached; their chains stay in [0, 1] (proposals outside are rejected).
 */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "SGLD, MALA or HMC samples from noise, as a PNG grid.")
final class SampleCommand implements Callable<Integer> {
    /** Samplers as typed on the command line. */
    enum SamplerName { sgld, mala, hmc }

    @Option(names = "--model", required = true, description = "Trained model directory.")
    Path model;
    @Option(names = "--out", required = true, description = "PNG file.")
    Path out;
    @Option(names = "--count", defaultValue = "64", description = "Samples (default ${DEFAULT-VALUE}).")
    int count;
    @Option(names = "--sgld-steps", defaultValue = "200", description = "SGLD steps (default ${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--sgld-step-size", defaultValue = "1.0", description = "SGLD step size (default ${DEFAULT-VALUE}).")
    double stepSize;
    @Option(names = "--sgld-noise", defaultValue = "0.01", description = "SGLD noise (default ${DEFAULT-VALUE}).")
    double noise;
    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    int seed;
    @Option(names = "--sampler", defaultValue = "sgld", description = "sgld, mala or hmc (default ${DEFAULT-VALUE}).")
    SamplerName sampler;
    @Option(names = "--warmup", defaultValue = "100", description = "MALA/HMC: warm-up steps adapting the step size (default ${DEFAULT-VALUE}).")
    int warmup;
    @Option(names = "--mcmc-steps", defaultValue = "200", description = "MALA/HMC: steps after warm-up (default ${DEFAULT-VALUE}).")
    int mcmcSteps;
    @Option(names = "--step-size", defaultValue = "0.0001", description = "MALA/HMC: initial step size (default ${DEFAULT-VALUE}).")
    double mcmcStepSize;
    @Option(names = "--leapfrog", defaultValue = "10", description = "HMC: leapfrog steps per transition (default ${DEFAULT-VALUE}).")
    int leapfrog;
    @Option(names = "--target-accept", description = "MALA/HMC: target acceptance rate (default 0.574 for MALA, 0.7 for HMC).")
    Double targetAccept;

    @Override
    public Integer call() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainedModel trained = TrainedModels.load(model, manager);
            if (trained.spec().inputShape().size() < 3) {
                throw new IllegalArgumentException("sample draws image models (conv, jem); " + model + " holds an "
                        + trained.kind().name().toLowerCase(java.util.Locale.ROOT) + " model of event vectors (see the toy command"
                        + " for MALA and HMC on low-dimensional energies)");
            }
            ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
            Shape shape = new Shape(count).addAll(new Shape(trained.spec().inputShape().stream().mapToLong(Integer::longValue).toArray()));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray start = manager.randomUniform(0, 1, shape);
            NDArray x;
            if (sampler == SamplerName.sgld) {
                x = new SgldSampler(steps, stepSize, noise, 0.03, 0f, 1f).sample(start, v -> Energies.energy(trained, ps, v, false));
            } else {
                if (warmup < 0 || mcmcSteps < 1 || !(mcmcStepSize > 0) || leapfrog < 1
                        || (targetAccept != null && !(targetAccept > 0 && targetAccept < 1))) {
                    throw new IllegalArgumentException("--warmup >= 0, --mcmc-steps >= 1, --step-size > 0, --leapfrog >= 1 and"
                            + " --target-accept in (0, 1) required");
                }
                DifferentiableEnergy energy = DifferentiableEnergy.autograd(v -> Energies.energy(trained, ps, v, false));
                Random random = new Random(seed);
                McmcRun run = sampler == SamplerName.mala
                        ? new MalaSampler(warmup, mcmcSteps, mcmcStepSize, targetAccept != null ? targetAccept : MalaSampler.DEFAULT_TARGET, 0f, 1f)
                                .sample(start, energy, random)
                        : new HmcSampler(warmup, mcmcSteps, leapfrog, mcmcStepSize, targetAccept != null ? targetAccept : HmcSampler.DEFAULT_TARGET,
                                0f, 1f).sample(start, energy, random);
                System.out.printf("%s: step size %.3g after warm-up, acceptance %.3f (warm-up %.3f)%n", sampler, run.stepSize(),
                        run.acceptanceRate(), run.warmupAcceptanceRate());
                x = run.samples();
            }
            int side = trained.spec().inputShape().get(trained.spec().inputShape().size() - 1);
            float[] flat = x.toFloatArray();
            int size = flat.length / count;
            float[][] images = new float[count][];
            for (int i = 0; i < count; i++) {
                images[i] = java.util.Arrays.copyOfRange(flat, i * size, (i + 1) * size);
            }
            Plots.imageGrid(images, side, out);
            System.out.println("wrote " + count + " samples to " + out);
        }
        return 0;
    }
}
