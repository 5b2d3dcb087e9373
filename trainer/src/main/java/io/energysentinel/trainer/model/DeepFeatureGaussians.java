package io.energysentinel.trainer.model;

/**
 * What the {@code deep_mahalanobis} score needs besides the penultimate {@link FeatureGaussians}: class-conditional
 * Gaussians over a convolution block's activations pooled per channel (spatial mean, then spatial standard deviation),
 * and the held-out mean and deviation of both distances, which put the two on one scale before they are added.
 *
 * <p>Shallower activations see how an image is drawn (strokes, texture, contrast), the penultimate features what it
 * shows; an input that is unusual at either depth scores high. Equal weights after standardisation, because no OOD
 * data is there to weigh them.
 *
 * @param tapLayer index in the network spec of the layer whose output is pooled (a 4-D activation)
 * @param tapGaussians Gaussians over the pooled activations, {@code 2 x channels} wide
 * @param tapCenter mean of the tap distance on held-out images
 * @param tapScale standard deviation of the tap distance on held-out images
 * @param featureCenter mean of the penultimate distance on held-out images
 * @param featureScale standard deviation of the penultimate distance on held-out images
 */
public record DeepFeatureGaussians(int tapLayer, FeatureGaussians tapGaussians, double tapCenter, double tapScale,
                                   double featureCenter, double featureScale) {
    public DeepFeatureGaussians {
        if (tapLayer < 0) {
            throw new IllegalArgumentException("tap layer must be a layer index, got " + tapLayer);
        }
        if (!(tapScale > 0) || !(featureScale > 0) || !Double.isFinite(tapCenter) || !Double.isFinite(featureCenter)) {
            throw new IllegalArgumentException("distance scales must be positive and centres finite");
        }
    }

    /** The combined score of a tap distance and a penultimate distance. */
    public double combine(double tapDistance, double featureDistance) {
        return (tapDistance - tapCenter) / tapScale + (featureDistance - featureCenter) / featureScale;
    }
}
