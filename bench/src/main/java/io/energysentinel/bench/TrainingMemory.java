package io.energysentinel.bench;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.evaluation.ProcessMemory;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.training.DivergenceGuard;
import io.energysentinel.trainer.training.DsmTrainer;
import io.energysentinel.trainer.training.GaussianNoise;
import io.energysentinel.trainer.training.NceTrainer;
import io.energysentinel.trainer.training.ObjectiveFit;
import io.energysentinel.trainer.training.PcdTrainer;
import io.energysentinel.trainer.training.TrainingConfig;
import io.energysentinel.trainer.training.TrainingData;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Memory a training keeps per step. {@code jem}: `train --kind jem`'s network (channels 32, 64, 128, width 128, 10
 * classes) by PCD with the trainer's default settings on random 28 x 28 images. {@code nce} and {@code dsm}: an MLP
 * energy (64, 64) at batch 128 on a 2-D two-component mixture, as the toy densities train. Six times in the run, after
 * a full GC, it prints the resident set size, the arrays held by the model's manager and the seconds so far. A step that
 * leaves memory behind shows as growth per step; the Java heap is collected before each reading, so what grows is native
 * memory or arrays still referenced.
 *
 * <p>{@code java -Xmx300m @bench/target/java.args io.energysentinel.bench.TrainingMemory jem 600}
 */
public final class TrainingMemory {
    private static final int READINGS = 6;

    private TrainingMemory() {}

    /** One training step. */
    private interface Step {
        void run();
    }

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "jem";
        int steps = args.length > 1 ? Integer.parseInt(args[1]) : 600;
        try (NDManager manager = NDManager.newBaseManager()) {
            switch (what) {
                case "jem" -> {
                    TrainingData data = images();
                    TrainedModel model = EnergyNets.initialise(ModelKind.JEM,
                            EnergyNets.jem(List.of(1, 28, 28), List.of(32, 64, 128), 128, 10), manager, 1);
                    TrainingConfig config = TrainingConfig.builder().optSteps(steps).optDataRange(0f, 1f).build();
                    try (PcdTrainer trainer = new PcdTrainer(model, data, config, manager, DivergenceGuard.defaults())) {
                        measure(steps, manager, trainer::trainStep);
                    }
                }
                case "nce", "dsm" -> {
                    TrainingData data = mixture();
                    List<List<Double>> standardisation = EnergyNets.standardization(data.inputs());
                    TrainedModel model = EnergyNets.initialise(ModelKind.MLP_EBM,
                            EnergyNets.mlp(standardisation.get(0), standardisation.get(1), -20, 20, List.of(64, 64)), manager, 1);
                    TrainingConfig config = TrainingConfig.builder().optSteps(steps).optBatchSize(128).optDataRange(-10f, 10f).build();
                    if (what.equals("nce")) {
                        try (NceTrainer trainer = new NceTrainer(model, data, GaussianNoise.covering(data.inputs(), ObjectiveFit.NCE_NOISE_WIDTH),
                                config, manager, DivergenceGuard.defaults())) {
                            measure(steps, manager, trainer::trainStep);
                        }
                    } else {
                        try (DsmTrainer trainer = new DsmTrainer(model, data, ObjectiveFit.DSM_SIGMA, config, manager, DivergenceGuard.defaults())) {
                            measure(steps, manager, trainer::trainStep);
                        }
                    }
                }
                default -> {
                    System.err.println("usage: TrainingMemory jem|nce|dsm [steps]");
                    System.exit(2);
                }
            }
        }
    }

    private static void measure(int steps, NDManager manager, Step step) {
        int every = Math.max(1, steps / READINGS);
        long start = System.nanoTime();
        System.out.println("step  rss_mb  arrays  seconds");
        for (int i = 1; i <= steps; i++) {
            step.run();
            if (i % every == 0) {
                System.gc();
                System.out.printf("%5d  %6.0f  %6d  %7.1f%n", i, ProcessMemory.rssMb(), manager.getManagedArrays().size(),
                        (System.nanoTime() - start) / 1e9);
            }
        }
    }

    private static TrainingData images() {
        Random random = new Random(1);
        float[][] images = new float[2000][28 * 28];
        int[] labels = new int[images.length];
        for (int i = 0; i < images.length; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < images[i].length; j++) {
                images[i][j] = random.nextFloat();
            }
        }
        return new TrainingData("random-28x28", images, labels, List.of(1, 28, 28));
    }

    private static TrainingData mixture() {
        Random random = new Random(1);
        float[][] rows = new float[4000][2];
        for (float[] row : rows) {
            row[0] = (float) (random.nextGaussian() + (random.nextBoolean() ? 2 : -2));
            row[1] = (float) random.nextGaussian();
        }
        int[] unlabelled = new int[rows.length];
        Arrays.fill(unlabelled, -1);
        return new TrainingData("mixture-2d", rows, unlabelled, List.of(2));
    }
}
