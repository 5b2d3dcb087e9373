package io.energysentinel.trainer.scores;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.energysentinel.trainer.model.DeepFeatureGaussians;
import io.energysentinel.trainer.model.FeatureGaussians;
import io.energysentinel.trainer.model.LayerSpec;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.training.TrainingData;
import java.util.List;
import java.util.Optional;

/**
 * Fits {@link DeepFeatureGaussians} for a model that has its penultimate {@link FeatureGaussians}: the tap is the last
 * layer before the network flattens (the last convolution block's activation), its Gaussians are fitted on the same
 * labelled training images, and both distances are scaled on held-out training images.
 */
public final class DeepFeatureFit {
    /** Ridge on the pooled activations' covariance, relative to their mean variance (their scale varies by model). */
    static final double RELATIVE_RIDGE = 1e-3;
    private static final int BATCH = 256;

    private DeepFeatureFit() {}

    /** The layer pooled for the deep score: the last one before the first flatten, or -1 when there is none. */
    public static int tapLayer(NetworkSpec spec) {
        List<LayerSpec> layers = spec.layers();
        for (int i = 0; i < layers.size(); i++) {
            if (layers.get(i) instanceof LayerSpec.Flatten) {
                return i - 1;
            }
        }
        return -1;
    }

    /**
     * Fits the deep Gaussians, or nothing when {@code model} has no feature Gaussians or no convolution block.
     *
     * @param images labelled training images (the ones the feature Gaussians were fitted on)
     * @param labels their classes
     * @param classes number of classes
     * @param heldOut held-out training images, to put the two distances on one scale
     */
    public static Optional<DeepFeatureGaussians> fit(TrainedModel model, float[][] images, int[] labels, int classes,
                                                     float[][] heldOut, NDManager manager) {
        int tap = tapLayer(model.spec());
        if (model.featureGaussians().isEmpty() || tap < 0) {
            return Optional.empty();
        }
        if (heldOut.length < 2) {
            throw new IllegalArgumentException("need at least 2 held-out images to scale the deep score, got " + heldOut.length);
        }
        OodScorer scorer = new OodScorer(model);
        float[][] pooled = scorer.pooledActivations(images, tap, manager);
        FeatureGaussians tapGaussians = FeatureGaussianFit.fit(pooled, labels, classes, RELATIVE_RIDGE * meanVariance(pooled), manager);
        double[] tapDistance = new double[heldOut.length];
        double[] featureDistance = new double[heldOut.length];
        ParameterStore ps = new ParameterStore(manager, false);
        List<Integer> shape = model.spec().inputShape();
        for (int start = 0; start < heldOut.length; start += BATCH) {
            int n = Math.min(BATCH, heldOut.length - start);
            try (NDManager scope = manager.newSubManager()) {
                int[] idx = java.util.stream.IntStream.range(start, start + n).toArray();
                NDArray x = TrainingData.batch(heldOut, idx, new ai.djl.ndarray.types.Shape(
                        shape.stream().mapToLong(Integer::longValue).toArray()), scope);
                OodScorer.copy(OodScorer.mahalanobis(OodScorer.pooledActivations(model, ps, x, tap), tapGaussians), tapDistance, start);
                OodScorer.copy(OodScorer.mahalanobis(OodScorer.features(model, ps, x), model.featureGaussians().get()), featureDistance, start);
            }
        }
        return Optional.of(new DeepFeatureGaussians(tap, tapGaussians, mean(tapDistance), std(tapDistance),
                mean(featureDistance), std(featureDistance)));
    }

    private static double meanVariance(float[][] rows) {
        int d = rows[0].length;
        double total = 0;
        for (int j = 0; j < d; j++) {
            double sum = 0;
            double squares = 0;
            for (float[] r : rows) {
                sum += r[j];
                squares += (double) r[j] * r[j];
            }
            double m = sum / rows.length;
            total += squares / rows.length - m * m;
        }
        return Math.max(total / d, 1e-12);
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(double[] v) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / (v.length - 1));
    }
}
