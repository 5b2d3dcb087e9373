package io.energysentinel.trainer.model;

import ai.djl.nn.Block;
import io.energysentinel.contract.ModelKind;
import java.util.Objects;
import java.util.Optional;

/**
 * A trained energy model, as the trainer hands it to evaluation and to the ONNX exporter.
 *
 * <p>How each kind turns the block's output into scores is fixed here, and both the DJL evaluation and
 * the ONNX graph follow it:
 * <ul>
 *   <li>{@code CONV_EBM}, {@code MLP_EBM}: the block outputs {@code [B, 1]}; energy is that value.</li>
 *   <li>{@code JEM}: the block outputs logits {@code [B, C]}; energy = -logsumexp(logits),
 *       neg_max_softmax = -max softmax(logits).</li>
 *   <li>energy_ratio (when {@code background} is present): energy(x) - background.energy(x).</li>
 *   <li>mahalanobis (when {@code featureGaussians} is present): the smallest squared Mahalanobis
 *       distance of the output of layer {@code spec.featureLayer()} to a class mean.</li>
 *   <li>deep_mahalanobis (when {@code deepFeatures} is present as well): see {@link DeepFeatureGaussians}.</li>
 *   <li>feature_energy (when {@code featureEnergy} is present): the energy of that MLP energy model applied to the output
 *       of layer {@code spec.featureLayer()}.</li>
 *   <li>pixel_statistics and ensemble (when {@code pixelStatistics} is present; it needs the deep Gaussians): see
 *       {@link PixelStatistics}.</li>
 * </ul>
 *
 * @param kind the model kind
 * @param spec the architecture; {@code block} was built from it by {@link NetworkBuilder}
 * @param block the initialised DJL block holding the trained parameters
 * @param background a second energy model of the same kind fitted on perturbed inputs, if any
 * @param featureGaussians class-conditional Gaussians over the feature layer, if any
 * @param deepFeatures Gaussians over a convolution block's pooled activations, if any (needs feature Gaussians)
 * @param featureEnergy an MLP energy model over the feature layer (a feature-space EBM), if any
 * @param pixelStatistics a Gaussian over the input's low-level statistics and the ensemble's scales, if any
 */
public record TrainedModel(
        ModelKind kind, NetworkSpec spec, Block block,
        Optional<TrainedModel> background, Optional<FeatureGaussians> featureGaussians,
        Optional<DeepFeatureGaussians> deepFeatures, Optional<TrainedModel> featureEnergy,
        Optional<PixelStatistics> pixelStatistics) {
    public TrainedModel {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(background, "background");
        Objects.requireNonNull(featureGaussians, "featureGaussians");
        if (featureGaussians.isPresent() && spec.featureLayer() < 0) {
            throw new IllegalArgumentException("feature Gaussians need a spec with a featureLayer");
        }
        Objects.requireNonNull(deepFeatures, "deepFeatures");
        if (deepFeatures.isPresent() && featureGaussians.isEmpty()) {
            throw new IllegalArgumentException("deep feature Gaussians need the feature Gaussians");
        }
        Objects.requireNonNull(featureEnergy, "featureEnergy");
        if (featureEnergy.isPresent() && (spec.featureLayer() < 0 || featureEnergy.get().kind() != ModelKind.MLP_EBM)) {
            throw new IllegalArgumentException("a feature energy is an MLP energy model over a spec with a featureLayer");
        }
        Objects.requireNonNull(pixelStatistics, "pixelStatistics");
        if (pixelStatistics.isPresent() && (deepFeatures.isEmpty() || !PixelStatistics.applies(spec.inputShape()))) {
            throw new IllegalArgumentException("pixel statistics need the deep feature Gaussians and [channels, height, width] images");
        }
    }

    /** A model without pixel statistics. */
    public TrainedModel(ModelKind kind, NetworkSpec spec, Block block, Optional<TrainedModel> background,
                        Optional<FeatureGaussians> featureGaussians, Optional<DeepFeatureGaussians> deepFeatures,
                        Optional<TrainedModel> featureEnergy) {
        this(kind, spec, block, background, featureGaussians, deepFeatures, featureEnergy, Optional.empty());
    }

    /** A model without a feature energy. */
    public TrainedModel(ModelKind kind, NetworkSpec spec, Block block, Optional<TrainedModel> background,
                        Optional<FeatureGaussians> featureGaussians, Optional<DeepFeatureGaussians> deepFeatures) {
        this(kind, spec, block, background, featureGaussians, deepFeatures, Optional.empty());
    }

    /** A model without deep feature Gaussians. */
    public TrainedModel(ModelKind kind, NetworkSpec spec, Block block, Optional<TrainedModel> background,
                        Optional<FeatureGaussians> featureGaussians) {
        this(kind, spec, block, background, featureGaussians, Optional.empty());
    }

    /** This model with {@code head} (an MLP energy model over the feature layer) as its feature energy. */
    public TrainedModel withFeatureEnergy(TrainedModel head) {
        return new TrainedModel(kind, spec, block, background, featureGaussians, deepFeatures, Optional.of(head), pixelStatistics);
    }

    /** This model with {@code statistics} as its pixel statistics. */
    public TrainedModel withPixelStatistics(PixelStatistics statistics) {
        return new TrainedModel(kind, spec, block, background, featureGaussians, deepFeatures, featureEnergy, Optional.of(statistics));
    }
}
