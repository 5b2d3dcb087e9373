package io.energysentinel.trainer.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.scoring.ExecutionProvider;
import io.energysentinel.contract.scoring.OnnxScorer;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.export.OnnxEnergyGradient;
import io.energysentinel.trainer.evaluation.Corruptions;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.training.DivergenceGuard;
import io.energysentinel.trainer.training.Energies;
import io.energysentinel.trainer.evaluation.ProcessMemory;
import io.energysentinel.trainer.training.PcdTrainer;
import io.energysentinel.trainer.training.SgldSampler;
import io.energysentinel.trainer.training.TrainingConfig;
import io.energysentinel.trainer.training.TrainingData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Measures raw ONNX Runtime scoring throughput of bundles per batch size and the time of one PCD iteration
 * of the conv energy net in our DJL trainer; writes JSON for {@code bench/run.sh} to compare.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Raw ONNX Runtime throughput per batch size and DJL PCD iteration time, as JSON.")
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--bundle", description = "Bundle directories to score with (repeatable).")
    List<Path> bundles = new ArrayList<>();
    @Option(names = "--batches", defaultValue = "1,8,32,128", split = ",", description = "Batch sizes (default ${DEFAULT-VALUE}).")
    List<Integer> batches;
    @Option(names = "--seconds", defaultValue = "3", description = "Measuring time per batch size (default ${DEFAULT-VALUE}).")
    double seconds;
    @Option(names = "--threads", defaultValue = "2", description = "ONNX Runtime intra-op threads (default ${DEFAULT-VALUE}).")
    int threads;
    @Option(names = "--provider", defaultValue = "CPU", description = "CPU or CUDA (default ${DEFAULT-VALUE}).")
    ExecutionProvider provider;
    @Option(names = "--pcd-iterations", defaultValue = "20", description = "Measured PCD iterations; 0 skips (default ${DEFAULT-VALUE}).")
    int pcdIterations;
    @Option(names = "--out", required = true, description = "JSON result file.")
    Path out;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> result = new LinkedHashMap<>();
        List<Map<String, Object>> scoring = new ArrayList<>();
        for (Path bundle : bundles) {
            BundleManifest manifest = BundleLoader.readManifest(bundle);
            for (int batch : batches) {
                scoring.add(scoreThroughput(bundle, manifest, batch));
            }
        }
        result.put("scoring", scoring);
        if (pcdIterations > 0) {
            result.put("pcd", pcdIteration());
        }
        result.put("peakRssMb", ProcessMemory.peakRssMb());
        Files.createDirectories(out.toAbsolutePath().getParent());
        Json.mapper().writeValue(out.toFile(), result);
        System.out.println("wrote " + out);
        return 0;
    }

    private Map<String, Object> scoreThroughput(Path bundle, BundleManifest manifest, int batch) {
        int size = manifest.input().elementCount();
        float[][] inputs = manifest.kind() == ModelKind.MLP_EBM
                ? eventLike(batch, size) : Corruptions.uniformNoise(batch, size, batch);
        try (OnnxScorer scorer = OnnxScorer.open(bundle.resolve(manifest.onnx().file()), manifest.input().shape(),
                new ScorerOptions(provider, threads, batch))) {
            for (int i = 0; i < 5; i++) {
                scorer.score(inputs);
            }
            long calls = 0;
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            while (System.nanoTime() < end) {
                scorer.score(inputs);
                calls++;
            }
            double elapsed = (System.nanoTime() - start) / 1e9;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("model", manifest.kind().name());
            row.put("batch", batch);
            row.put("provider", scorer.providerInUse().name());
            row.put("recordsPerSecond", calls * batch / elapsed);
            row.put("msPerBatch", elapsed * 1000 / calls);
            System.out.printf("onnxruntime %-8s batch %4d: %10.0f records/s (%.3f ms/batch)%n", manifest.kind(), batch,
                    calls * batch / elapsed, elapsed * 1000 / calls);
            return row;
        }
    }

    private Map<String, Object> pcdIteration() {
        try (NDManager m = NDManager.newBaseManager()) {
            List<Integer> image = List.of(1, 28, 28);
            TrainedModel model = EnergyNets.initialise(ModelKind.CONV_EBM, EnergyNets.convEnergy(image, List.of(32, 64, 128)), m, 1);
            float[][] data = Corruptions.uniformNoise(4096, 784, 3);
            TrainingConfig config = TrainingConfig.builder().optSteps(pcdIterations + 3).optBatchSize(64).optSgldSteps(20)
                    .optBufferSize(10_000).optLearningRate(1e-4).build();
            try (PcdTrainer trainer = new PcdTrainer(model, new TrainingData("bench", data, new int[data.length], image), config,
                    m, DivergenceGuard.defaults())) {
                for (int i = 0; i < 3; i++) {
                    trainer.trainStep();
                }
                long start = System.nanoTime();
                for (int i = 0; i < pcdIterations; i++) {
                    trainer.trainStep();
                }
                double ms = (System.nanoTime() - start) / 1e6 / pcdIterations;
                double forwardMs = forwardOnlyMs(model, m);
                double sgldMs = sgldOnlyMs(model, m);
                double sgldOnnxMs = sgldOnnxMs(model, m);
                System.out.printf("djl pcd iteration (batch 64, K=20, conv 32-64-128): %.1f ms; 20 forward passes alone: %.1f ms;"
                        + " 20 SGLD steps alone: %.1f ms; the same 20 SGLD steps with ONNX Runtime's input-gradient graph"
                        + " (%d threads): %.1f ms%n", ms, forwardMs, sgldMs, threads, sgldOnnxMs);
                return Map.of("framework", "djl-pytorch", "batch", 64, "sgldSteps", 20, "msPerIteration", ms,
                        "forward20Ms", forwardMs, "sgld20Ms", sgldMs, "sgld20OnnxMs", sgldOnnxMs, "onnxThreads", threads);
            }
        }
    }

    /**
     * 20 inference forward passes of the same net on a batch of 64, median of 5 repeats: the kernels alone,
     * without autograd or our loop, so a gap to PyTorch can be placed in one or the other.
     */
    private static double forwardOnlyMs(TrainedModel model, NDManager manager) {
        ParameterStore ps = new ParameterStore(manager, false);
        return medianMsOnARandomBatch(manager, x -> {
            for (int k = 0; k < 20; k++) {
                Energies.energy(model, ps, x, false).toFloatArray();
            }
        });
    }

    /**
     * The 20 SGLD steps of one iteration alone, with the trainer's own sampler and the parameters frozen as the
     * trainer freezes them, on a batch of 64, median of 5 repeats: no replay buffer, no loss, no Adam.
     */
    private static double sgldOnlyMs(TrainedModel model, NDManager manager) {
        ParameterStore ps = new ParameterStore(manager, false);
        SgldSampler sampler = new SgldSampler(20, 1.0, 0.01, 0.03, 0f, 1f);
        List<NDArray> parameters = model.block().getParameters().values().stream().map(p -> p.getArray()).toList();
        parameters.forEach(p -> p.setRequiresGradient(false));
        try {
            return medianMsOnARandomBatch(manager, x -> sampler.sample(x, in -> Energies.energy(model, ps, in, true)).toFloatArray());
        } finally {
            parameters.forEach(p -> p.setRequiresGradient(true));
        }
    }

    /**
     * The same 20 SGLD steps, each gradient from ONNX Runtime's input-gradient graph of the net (exported once, as a
     * sampler between parameter updates would use it), on a batch of 64, median of 5 repeats.
     */
    private double sgldOnnxMs(TrainedModel model, NDManager manager) {
        SgldSampler sampler = new SgldSampler(20, 1.0, 0.01, 0.03, 0f, 1f);
        Path dir;
        try {
            dir = java.nio.file.Files.createTempDirectory("energysentinel-grad");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        try (OnnxEnergyGradient gradient = OnnxEnergyGradient.of(model, dir, threads, 64)) {
            return medianMsOnARandomBatch(manager, x -> sampler.sampleWith(x, gradient).toFloatArray());
        }
    }

    /** Median of 5 timings of {@code work} on a fresh uniform batch of 64 images, in milliseconds. */
    private static double medianMsOnARandomBatch(NDManager manager, Consumer<NDArray> work) {
        double[] repeats = new double[5];
        for (int r = 0; r < repeats.length; r++) {
            try (NDManager scope = manager.newSubManager()) {
                NDArray x = scope.randomUniform(0f, 1f, new Shape(64, 1, 28, 28));
                long start = System.nanoTime();
                work.accept(x);
                repeats[r] = (System.nanoTime() - start) / 1e6;
            }
        }
        java.util.Arrays.sort(repeats);
        return repeats[repeats.length / 2];
    }

    private static float[][] eventLike(int n, int size) {
        float[][] x = Corruptions.uniformNoise(n, size, 5);
        for (float[] row : x) {
            for (int j = 0; j < size; j++) {
                row[j] = row[j] * 100 + 10;
            }
        }
        return x;
    }

    /** Peak resident set size of this process (VmHWM), in MB; -1 where /proc is not there. */
}
