package io.energysentinel.bench;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.evaluation.ProcessMemory;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.training.DivergenceGuard;
import io.energysentinel.trainer.training.PcdTrainer;
import io.energysentinel.trainer.training.TrainingConfig;
import io.energysentinel.trainer.training.TrainingData;
import java.util.List;
import java.util.Random;

/**
 * Memory a PCD training keeps per step: trains the `train --kind jem` network (channels 32, 64, 128, width 128, 10
 * classes) with the trainer's default settings on random 28 x 28 images, and every 25 steps, after a full GC, prints
 * the resident set size, the arrays held by the model's manager and the Java heap in use. A step that leaves memory
 * behind shows as growth per step; the Java heap is collected before each reading, so what grows is native.
 *
 * <p>{@code java -Xmx300m @bench/target/java.args io.energysentinel.bench.TrainingMemory 150}
 */
public final class TrainingMemory {
    private static final int EVERY = 25;

    private TrainingMemory() {}

    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        Random random = new Random(1);
        float[][] images = new float[2000][28 * 28];
        int[] labels = new int[images.length];
        for (int i = 0; i < images.length; i++) {
            labels[i] = i % 10;
            for (int j = 0; j < images[i].length; j++) {
                images[i][j] = random.nextFloat();
            }
        }
        TrainingData data = new TrainingData("random-28x28", images, labels, List.of(1, 28, 28));
        try (NDManager manager = NDManager.newBaseManager()) {
            TrainedModel model = EnergyNets.initialise(ModelKind.JEM, EnergyNets.jem(List.of(1, 28, 28), List.of(32, 64, 128), 128, 10),
                    manager, 1);
            TrainingConfig config = TrainingConfig.builder().optSteps(steps).optDataRange(0f, 1f).build();
            try (PcdTrainer trainer = new PcdTrainer(model, data, config, manager, DivergenceGuard.defaults())) {
                long start = System.nanoTime();
                System.out.println("step  rss_mb  arrays  heap_mb  seconds");
                for (int step = 1; step <= steps; step++) {
                    trainer.trainStep();
                    if (step % EVERY == 0) {
                        System.gc();
                        Runtime rt = Runtime.getRuntime();
                        System.out.printf("%4d  %6.0f  %6d  %7d  %7.1f%n", step, ProcessMemory.rssMb(), manager.getManagedArrays().size(),
                                (rt.totalMemory() - rt.freeMemory()) >> 20, (System.nanoTime() - start) / 1e9);
                    }
                }
            }
        }
    }
}
