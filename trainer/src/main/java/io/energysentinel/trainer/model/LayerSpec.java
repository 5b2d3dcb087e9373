package io.energysentinel.trainer.model;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;

/**
 * One layer of an energy network.
 *
 * <p>The spec is the single description of an architecture: {@link NetworkBuilder} turns it into DJL
 * blocks for training, and the ONNX exporter turns it into graph nodes, one mapping per layer type.
 * The interface is sealed so the set of layer types is closed; every mapping rejects one it does not know.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = LayerSpec.Conv.class, name = "conv"),
    @JsonSubTypes.Type(value = LayerSpec.Linear.class, name = "linear"),
    @JsonSubTypes.Type(value = LayerSpec.LeakyRelu.class, name = "leaky_relu"),
    @JsonSubTypes.Type(value = LayerSpec.Swish.class, name = "swish"),
    @JsonSubTypes.Type(value = LayerSpec.Flatten.class, name = "flatten"),
    @JsonSubTypes.Type(value = LayerSpec.Standardize.class, name = "standardize"),
    @JsonSubTypes.Type(value = LayerSpec.Clamp.class, name = "clamp")
})
public sealed interface LayerSpec {

    /** 2-D convolution with bias; DJL {@code Conv2d}, ONNX {@code Conv}. */
    record Conv(int filters, int kernel, int stride, int padding) implements LayerSpec {
        public Conv {
            if (filters < 1 || kernel < 1 || stride < 1 || padding < 0) {
                throw new IllegalArgumentException("bad conv " + filters + "x" + kernel + "/" + stride + " pad " + padding);
            }
        }
    }

    /** Fully connected layer with bias; DJL {@code Linear}, ONNX {@code Gemm}. */
    record Linear(int units) implements LayerSpec {
        public Linear {
            if (units < 1) {
                throw new IllegalArgumentException("units must be >= 1, got " + units);
            }
        }
    }

    /** Leaky ReLU; ONNX {@code LeakyRelu}. */
    record LeakyRelu(double slope) implements LayerSpec {}

    /** Swish / SiLU, x * sigmoid(x); ONNX {@code Sigmoid} then {@code Mul}. Smooth, so SGLD gradients are too. */
    record Swish() implements LayerSpec {}

    /** Flattens everything after the batch dimension; ONNX {@code Flatten(axis=1)}. */
    record Flatten() implements LayerSpec {}

    /**
     * Clamps every element into {@code [min, max]}; ONNX {@code Clip}. After standardisation it keeps serving inside
     * the range training saw: a metric at 1e36 is a very large z-score, not an overflow that turns the energy NaN.
     */
    record Clamp(double min, double max) implements LayerSpec {
        public Clamp {
            if (!(min < max) || !Double.isFinite(min) || !Double.isFinite(max)) {
                throw new IllegalArgumentException("clamp needs finite min < max, got [" + min + ", " + max + "]");
            }
        }
    }

    /**
     * Fixed affine normalisation {@code (x - mean) / std}, one value for all elements or one per feature;
     * ONNX {@code Sub} then {@code Div} with constants. Holds no trainable parameters.
     */
    record Standardize(List<Double> mean, List<Double> std) implements LayerSpec {
        public Standardize {
            mean = List.copyOf(mean);
            std = List.copyOf(std);
            if (mean.size() != std.size() || mean.isEmpty()) {
                throw new IllegalArgumentException("mean/std sizes " + mean.size() + "/" + std.size());
            }
            if (std.stream().anyMatch(s -> !(s > 0) || !Double.isFinite(s))) {
                throw new IllegalArgumentException("std must be positive and finite: " + std);
            }
        }
    }
}
