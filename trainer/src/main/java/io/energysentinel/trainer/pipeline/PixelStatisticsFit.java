package io.energysentinel.trainer.pipeline;

import ai.djl.ndarray.NDManager;
import io.energysentinel.trainer.export.ThresholdCalibrator;
import io.energysentinel.trainer.model.FeatureGaussians;
import io.energysentinel.trainer.model.PixelStatistics;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.scores.FeatureGaussianFit;
import io.energysentinel.trainer.scores.OodScorer;
import java.util.List;

/**
 * Fits {@link PixelStatistics} to a model that has deep feature Gaussians: the statistics' Gaussian on training images,
 * the ensemble's scales on held-out ones (the quantile rule is {@link ThresholdCalibrator#quantile}'s). No OOD data takes
 * part; the threshold on the ensemble is calibrated later, as on every served score.
 */
public final class PixelStatisticsFit {
    /** Ridge on the statistics' covariance: they are logarithms with variances near 0.1, so this only keeps it invertible. */
    static final double RIDGE = 1e-6;

    private PixelStatisticsFit() {}

    /**
     * {@code model} with pixel statistics fitted on {@code images} and scaled on {@code heldOut}. Below 1,000 held-out
     * images the {@link PixelStatistics#PIXEL_QUANTILE} quantile is their maximum: that moves the statistics' share of the
     * false-positive budget, not the false-positive rate, which the served threshold sets.
     *
     * @throws IllegalArgumentException for a model without deep feature Gaussians or images of another shape, or fewer
     *     than 2 held-out images
     */
    public static TrainedModel fit(TrainedModel model, float[][] images, float[][] heldOut, NDManager manager) {
        List<Integer> shape = model.spec().inputShape();
        if (model.deepFeatures().isEmpty() || !PixelStatistics.applies(shape)) {
            throw new IllegalArgumentException("pixel statistics need a model with deep feature Gaussians over images");
        }
        if (heldOut.length < 2) {
            throw new IllegalArgumentException("need at least 2 held-out images to scale the ensemble, got " + heldOut.length);
        }
        float[][] statistics = new float[images.length][];
        for (int i = 0; i < images.length; i++) {
            statistics[i] = PixelStatistics.of(images[i], shape.get(0), shape.get(1), shape.get(2));
        }
        FeatureGaussians gaussian = FeatureGaussianFit.fit(statistics, new int[images.length], 1, RIDGE, manager);
        // Scaled on provisional centres and spreads: the distances do not depend on them.
        TrainedModel provisional = model.withPixelStatistics(new PixelStatistics(gaussian, 0, 1, 0, 1));
        OodScorer scorer = new OodScorer(provisional);
        double[] deep = scorer.deepMahalanobis(heldOut, manager);
        double[] pixel = scorer.pixelDistances(heldOut);
        double deepCenter = ThresholdCalibrator.quantile(deep, 0.5);
        double pixelCenter = ThresholdCalibrator.quantile(pixel, 0.5);
        return model.withPixelStatistics(new PixelStatistics(gaussian,
                deepCenter, ThresholdCalibrator.quantile(deep, PixelStatistics.DEEP_QUANTILE) - deepCenter,
                pixelCenter, ThresholdCalibrator.quantile(pixel, PixelStatistics.PIXEL_QUANTILE) - pixelCenter));
    }
}
