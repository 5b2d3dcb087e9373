package io.energysentinel.trainer.model;

import java.util.List;

/**
 * What the {@code pixel_statistics} and {@code ensemble} scores need: a Gaussian over an image's low-level statistics,
 * and where {@code deep_mahalanobis} and the statistics' distance sit on held-out training images, which puts the two on
 * one scale before the ensemble takes the larger.
 *
 * <p>The statistics ({@link #of}) are what a camera or pipeline fault changes while the object stays familiar: a blur
 * or a defocus flattens the differences between neighbouring pixels and the Laplacian, an exposure fault the mean and
 * the contrast. The network's features barely move under such faults (a blurred garment is still a garment at every
 * depth of the JEM), so {@code deep_mahalanobis} alone misses them.
 *
 * <p>The ensemble gives the statistics a small share of the false-positive budget: each score is scaled so that 1 is its
 * own quantile on held-out images, {@link #DEEP_QUANTILE} for the deep score and {@link #PIXEL_QUANTILE} for the
 * statistics, and the served threshold is then calibrated on the larger of the two as on any score. A fault that
 * changes the statistics lies far beyond their 99.9% quantile, so a small share catches it, and the deep score keeps
 * nearly all of the budget for new objects.
 *
 * @param gaussian a single Gaussian ({@code 1 x }{@link #SIZE} mean) over the log statistics of the training images
 * @param deepCenter median of {@code deep_mahalanobis} on held-out training images
 * @param deepSpread its {@link #DEEP_QUANTILE} quantile there, minus the median
 * @param pixelCenter median of the statistics' distance on the same images
 * @param pixelSpread its {@link #PIXEL_QUANTILE} quantile there, minus the median
 */
public record PixelStatistics(FeatureGaussians gaussian, double deepCenter, double deepSpread,
                              double pixelCenter, double pixelSpread) {
    /** Number of statistics per image. */
    public static final int SIZE = 5;
    /** Their names, in order. */
    public static final List<String> NAMES = List.of("horizontal_difference", "vertical_difference", "laplacian", "mean", "contrast");
    /** Added before the logarithm: a blank image has no differences and no contrast. */
    public static final float FLOOR = 1e-3f;
    /** Held-out quantile that scales the deep score in the ensemble. */
    public static final double DEEP_QUANTILE = 0.99;
    /** Held-out quantile that scales the statistics' distance in the ensemble (their share of the budget is small). */
    public static final double PIXEL_QUANTILE = 0.999;

    public PixelStatistics {
        if (gaussian.classMeans().length != 1 || gaussian.dimension() != SIZE) {
            throw new IllegalArgumentException("pixel statistics need one Gaussian over " + SIZE + " statistics, got "
                    + gaussian.classMeans().length + " x " + gaussian.dimension());
        }
        if (!(deepSpread > 0) || !(pixelSpread > 0) || !Double.isFinite(deepCenter) || !Double.isFinite(pixelCenter)
                || !Double.isFinite(deepSpread) || !Double.isFinite(pixelSpread)) {
            throw new IllegalArgumentException("ensemble scales must be finite and positive, centres finite");
        }
    }

    /** Whether images of {@code inputShape} ({@code [channels, height, width]}) have these statistics. */
    public static boolean applies(List<Integer> inputShape) {
        return inputShape.size() == 3 && inputShape.get(1) >= 3 && inputShape.get(2) >= 3;
    }

    /**
     * The log statistics of one image laid out as {@code channels x height x width}, averaged over channels first: mean
     * absolute difference of horizontal neighbours, of vertical neighbours, mean absolute 4-neighbour Laplacian over the
     * interior, mean, and standard deviation; each {@code log(value + FLOOR)}. The exported graph computes the same.
     */
    public static float[] of(float[] image, int channels, int height, int width) {
        int plane = height * width;
        if (image.length != channels * plane) {
            throw new IllegalArgumentException("image has " + image.length + " values, expected " + channels * plane);
        }
        double[] g = new double[plane];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < plane; i++) {
                g[i] += image[c * plane + i] / (double) channels;
            }
        }
        double dx = 0;
        double dy = 0;
        double lap = 0;
        double sum = 0;
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                double v = g[r * width + c];
                sum += v;
                if (c + 1 < width) {
                    dx += Math.abs(g[r * width + c + 1] - v);
                }
                if (r + 1 < height) {
                    dy += Math.abs(g[(r + 1) * width + c] - v);
                }
                if (r > 0 && c > 0 && r + 1 < height && c + 1 < width) {
                    lap += Math.abs(4 * v - g[(r - 1) * width + c] - g[(r + 1) * width + c] - g[r * width + c - 1] - g[r * width + c + 1]);
                }
            }
        }
        double mean = sum / plane;
        double squares = 0;
        for (double v : g) {
            squares += (v - mean) * (v - mean);
        }
        double[] raw = {dx / (height * (width - 1.0)), dy / ((height - 1.0) * width), lap / ((height - 2.0) * (width - 2.0)),
                mean, Math.sqrt(squares / plane)};
        float[] out = new float[SIZE];
        for (int j = 0; j < SIZE; j++) {
            out[j] = (float) Math.log(raw[j] + FLOOR);
        }
        return out;
    }

    /** The squared Mahalanobis distance of statistics {@code s} to the training images' Gaussian. */
    public double distance(float[] s) {
        float[] mean = gaussian.classMeans()[0];
        float[][] precision = gaussian.precision();
        double total = 0;
        for (int a = 0; a < SIZE; a++) {
            double row = 0;
            for (int b = 0; b < SIZE; b++) {
                row += precision[a][b] * (s[b] - mean[b]);
            }
            total += row * (s[a] - mean[a]);
        }
        return total;
    }

    /** The ensemble of a {@code deep_mahalanobis} value and a statistics distance. */
    public double ensemble(double deep, double pixel) {
        return Math.max((deep - deepCenter) / deepSpread, (pixel - pixelCenter) / pixelSpread);
    }
}
