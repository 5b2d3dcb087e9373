package io.energysentinel.contract.bundle;

import java.util.List;

/**
 * Per-feature (or single, for images) affine normalisation {@code (x - mean) / std} applied inside the graph.
 *
 * @param mean one value for all elements, or one per feature
 * @param std one value for all elements, or one per feature
 */
public record Normalization(List<Double> mean, List<Double> std) {
    public Normalization {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (mean.size() != std.size()) {
            throw new IllegalArgumentException("mean has " + mean.size() + " values but std has " + std.size());
        }
    }

    /** The identity normalisation. */
    public static Normalization identity() {
        return new Normalization(List.of(0.0), List.of(1.0));
    }
}
