package io.energysentinel.contract;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;

/**
 * Out-of-distribution scores. Every score is oriented so that higher means more anomalous.
 *
 * <p>{@link #servable()} scores are ONNX graph outputs of the same name; the others need the
 * trainer's autograd and exist for evaluation only.
 */
public enum ScoreName {
    /** Marginal energy E(x). */
    ENERGY("energy", true),
    /** Negative maximum softmax probability of a JEM classifier. */
    NEG_MAX_SOFTMAX("neg_max_softmax", true),
    /** Norm of the input gradient of the energy, ||dE/dx||. */
    GRAD_NORM("grad_norm", false),
    /** Likelihood-ratio style score: E_model(x) - E_background(x), background fit on perturbed inputs. */
    ENERGY_RATIO("energy_ratio", true),
    /** Mahalanobis distance of penultimate features to the nearest class-conditional Gaussian. */
    MAHALANOBIS("mahalanobis", true),
    /**
     * Feature ensemble over two depths: the Mahalanobis distance of the last convolution block's activations (pooled to
     * each channel's spatial mean and standard deviation) plus that of the penultimate features, each standardised by its
     * mean and deviation on held-out training images.
     */
    DEEP_MAHALANOBIS("deep_mahalanobis", true),
    /**
     * Energy of a feature-space EBM: an MLP energy model fitted by persistent contrastive divergence to the penultimate
     * features of the training images (standardised and clamped as an event model's metrics are), applied to the features
     * of the input. An energy that sees what the classifier's features see, a new kind of object, where the image
     * energy -logsumexp(logits) mostly sees pixel statistics.
     */
    FEATURE_ENERGY("feature_energy", true),
    /**
     * Mahalanobis distance of the image's low-level statistics (mean absolute horizontal and vertical differences, mean
     * absolute Laplacian, mean and contrast, as logarithms) to their Gaussian over the training images: what a broken
     * camera or pipeline changes (focus, sharpness, exposure) while the content stays familiar to the feature scores.
     */
    PIXEL_STATISTICS("pixel_statistics", true),
    /**
     * The larger of {@link #DEEP_MAHALANOBIS} and {@link #PIXEL_STATISTICS}, each put on the scale of its own tail on
     * held-out training images (0 at the median, 1 at the quantile that gives it its share of the false-positive
     * budget): an input unusual in what it shows or in how it is imaged scores high.
     */
    ENSEMBLE("ensemble", true);

    private final String id;
    private final boolean servable;

    ScoreName(String id, boolean servable) {
        this.id = id;
        this.servable = servable;
    }

    /** The name used in manifests, JSON records, metric tags and as the ONNX output name. */
    @JsonValue
    public String id() {
        return id;
    }

    /** Whether ONNX Runtime can compute it from the exported graph alone. */
    public boolean servable() {
        return servable;
    }

    /** Parses a score id such as {@code "energy"}; fails with the list of known ids. */
    @JsonCreator
    public static ScoreName fromId(String id) {
        for (ScoreName s : values()) {
            if (s.id.equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown score '" + id + "', known: "
                + Arrays.stream(values()).map(ScoreName::id).toList());
    }
}
