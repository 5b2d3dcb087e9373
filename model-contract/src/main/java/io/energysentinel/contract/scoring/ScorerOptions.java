package io.energysentinel.contract.scoring;

import java.util.Objects;

/**
 * How to open an {@link OnnxScorer}.
 *
 * @param provider execution provider wanted; CUDA falls back to CPU with a logged reason
 * @param intraOpThreads ONNX Runtime intra-op threads; size it to the cores a slot owns
 * @param fixedBatchSize when positive, runs use at most this batch, and a short batch is zero-padded to the next
 *     power of two, so the memory arena sees a few shapes and stops growing; 0 runs each batch at its own size
 */
public record ScorerOptions(ExecutionProvider provider, int intraOpThreads, int fixedBatchSize) {
    public ScorerOptions {
        Objects.requireNonNull(provider, "provider");
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("intraOpThreads must be >= 1, got " + intraOpThreads);
        }
        if (fixedBatchSize < 0) {
            throw new IllegalArgumentException("fixedBatchSize must be >= 0, got " + fixedBatchSize);
        }
    }

    /** CPU, one thread, dynamic batch: what tests and single calls want. */
    public static ScorerOptions cpu() {
        return new ScorerOptions(ExecutionProvider.CPU, 1, 0);
    }
}
