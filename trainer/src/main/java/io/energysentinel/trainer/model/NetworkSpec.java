package io.energysentinel.trainer.model;

import java.util.List;

/**
 * A feed-forward network: input shape (without batch) and layers in order.
 *
 * @param inputShape e.g. {@code [1, 28, 28]} for images or {@code [12]} for event vectors
 * @param layers layers, applied in order
 * @param featureLayer index of the layer whose output is the "penultimate features" (for feature-space
 *     scores such as Mahalanobis), or -1 when the network exposes none
 */
public record NetworkSpec(List<Integer> inputShape, List<LayerSpec> layers, int featureLayer) {
    public NetworkSpec {
        inputShape = List.copyOf(inputShape);
        layers = List.copyOf(layers);
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        if (featureLayer < -1 || featureLayer >= layers.size()) {
            throw new IllegalArgumentException("featureLayer " + featureLayer + " outside 0.." + (layers.size() - 1));
        }
    }

    /** Elements in one input (the product of {@link #inputShape()}). */
    public int inputSize() {
        return inputShape.stream().reduce(1, Math::multiplyExact);
    }

    /** Units of the final layer, which must be {@link LayerSpec.Linear}. */
    public int outputUnits() {
        if (layers.get(layers.size() - 1) instanceof LayerSpec.Linear last) {
            return last.units();
        }
        throw new IllegalStateException("the last layer must be Linear, got " + layers.get(layers.size() - 1));
    }
}
