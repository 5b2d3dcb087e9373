package io.energysentinel.trainer.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.energysentinel.trainer.evaluation.Plots;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import io.energysentinel.trainer.training.Energies;
import io.energysentinel.trainer.training.SgldSampler;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Draws samples from a trained image model by SGLD from uniform noise and writes them as a PNG grid. */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "SGLD samples from noise, as a PNG grid.")
final class SampleCommand implements Callable<Integer> {
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

    @Override
    public Integer call() {
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainedModel trained = TrainedModels.load(model, manager);
            ai.djl.engine.Engine.getInstance().setRandomSeed(seed);
            Shape shape = new Shape(count).addAll(new Shape(trained.spec().inputShape().stream().mapToLong(Integer::longValue).toArray()));
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray x = new SgldSampler(steps, stepSize, noise, 0.03, 0f, 1f)
                    .sample(manager.randomUniform(0, 1, shape), v -> Energies.energy(trained, ps, v, false));
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
