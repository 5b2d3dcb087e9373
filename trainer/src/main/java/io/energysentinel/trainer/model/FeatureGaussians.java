package io.energysentinel.trainer.model;

/**
 * Class-conditional Gaussians with a shared covariance over a network's feature layer.
 *
 * @param classMeans one mean vector per class, {@code [C][D]}
 * @param precision the inverse of the shared covariance, {@code [D][D]}
 */
public record FeatureGaussians(float[][] classMeans, float[][] precision) {
    public FeatureGaussians {
        if (classMeans.length == 0) {
            throw new IllegalArgumentException("need at least one class mean");
        }
        int d = classMeans[0].length;
        if (precision.length != d || precision[0].length != d) {
            throw new IllegalArgumentException("precision must be " + d + "x" + d);
        }
    }

    /** Feature dimension D. */
    public int dimension() {
        return precision.length;
    }
}
