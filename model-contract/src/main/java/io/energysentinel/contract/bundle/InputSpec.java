package io.energysentinel.contract.bundle;

import java.util.List;
import java.util.Objects;

/**
 * What a model's ONNX input expects.
 *
 * <p>Normalisation is folded into the graph, so callers feed raw values: pixels scaled to
 * {@code [min, max]} for images, the raw metric values for events. {@code featureNames} is empty for
 * images and names each element of the event vector, in order, for events.
 *
 * @param name ONNX input name
 * @param shape shape without the batch dimension, e.g. {@code [1, 28, 28]} or {@code [12]}
 * @param dtype element type, always {@code float32} for now
 * @param min smallest valid raw value (inclusive), or {@code -Infinity}
 * @param max largest valid raw value (inclusive), or {@code +Infinity}
 * @param featureNames names of event features, in input order; empty for images
 * @param normalization how raw values are normalised inside the graph, for people and audits
 * @param history for an event model fed its source's history, how the job computes it ({@code featureNames} are then the
 *     record's metrics followed by their {@code dev_} and {@code still_} history); {@code null} for a model of single
 *     records (every image model, and event bundles written before history existed)
 */
public record InputSpec(
        String name, List<Integer> shape, String dtype, double min, double max,
        List<String> featureNames, Normalization normalization, SourceHistory history) {

    public InputSpec {
        Objects.requireNonNull(name, "name");
        shape = List.copyOf(shape);
        if (shape.isEmpty() || shape.stream().anyMatch(d -> d <= 0)) {
            throw new IllegalArgumentException("input shape must be non-empty and positive, got " + shape);
        }
        featureNames = featureNames == null ? List.of() : List.copyOf(featureNames);
        if (!featureNames.isEmpty() && featureNames.size() != elementCount(shape)) {
            throw new IllegalArgumentException(featureNames.size() + " feature names for input shape " + shape);
        }
        if (history != null) {
            int metrics = SourceHistory.recordNames(featureNames).size();
            // Checked here, where a bundle is refused with a reason: the scorer would otherwise fail on every event.
            if (history.scales().size() != metrics) {
                throw new IllegalArgumentException("history has " + history.scales().size() + " scales for " + metrics + " metrics");
            }
        }
    }

    /**
     * The names a record of this model's kind carries: all of {@code featureNames}, or for a model fed history the first
     * third (the job adds the rest from the source's earlier records). A view, no copy: the parser asks for every record,
     * and the constructor has already checked the layout.
     */
    public List<String> recordFeatureNames() {
        return history == null ? featureNames : featureNames.subList(0, SourceHistory.metricsIn(featureNames.size()));
    }

    /** Number of float elements in one input (the product of {@link #shape()}). */
    public int elementCount() {
        return elementCount(shape);
    }

    private static int elementCount(List<Integer> shape) {
        return shape.stream().reduce(1, Math::multiplyExact);
    }
}
