package io.energysentinel.bench;

import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.scoring.ExecutionProvider;
import io.energysentinel.contract.scoring.OnnxScorer;
import io.energysentinel.contract.scoring.ScorerOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The limit the job is compared with: the same bundle in bare ONNX Runtime, one session per thread with
 * one intra-op thread — the job's layout of one scorer per subtask — scoring full batches back to back.
 */
final class RawScoringLimit {
    private RawScoringLimit() {}

    /** Records per second over {@code seconds}, summed over {@code threads} sessions at {@code batch}. */
    static double recordsPerSecond(Path bundle, int threads, int batch, double seconds) throws Exception {
        BundleManifest manifest = BundleLoader.readManifest(bundle);
        Path onnx = bundle.resolve(manifest.onnx().file());
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> scored = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int seed = t;
                scored.add(pool.submit(() -> scoreFor(onnx, manifest, batch, seconds, seed)));
            }
            long total = 0;
            for (Future<Long> f : scored) {
                total += f.get();
            }
            return total / seconds;
        } finally {
            pool.shutdownNow();
        }
    }

    private static long scoreFor(Path onnx, BundleManifest manifest, int batch, double seconds, int seed) {
        int size = manifest.input().elementCount();
        Random random = new Random(seed);
        float[][] inputs = new float[batch][size];
        for (float[] row : inputs) {
            for (int i = 0; i < size; i++) {
                row[i] = random.nextFloat();
            }
        }
        try (OnnxScorer scorer = OnnxScorer.open(onnx, manifest.input().shape(), new ScorerOptions(ExecutionProvider.CPU, 1, batch))) {
            for (int i = 0; i < 20; i++) {
                scorer.score(inputs);
            }
            long end = System.nanoTime() + (long) (seconds * 1e9);
            long records = 0;
            while (System.nanoTime() < end) {
                scorer.score(inputs);
                records += batch;
            }
            return records;
        }
    }
}
