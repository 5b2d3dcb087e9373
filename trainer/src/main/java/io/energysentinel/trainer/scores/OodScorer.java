package io.energysentinel.trainer.scores;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.trainer.model.DeepFeatureGaussians;
import io.energysentinel.trainer.model.FeatureGaussians;
import io.energysentinel.trainer.model.PixelStatistics;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.training.Adam;
import io.energysentinel.trainer.training.Energies;
import io.energysentinel.trainer.training.TrainingData;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Computes every score a {@link TrainedModel} supports with DJL, in batches. Higher is more anomalous.
 *
 * <p>This is the trainer's reference implementation; the exported ONNX graph must reproduce the
 * servable ones (parity is tested).
 */
public final class OodScorer {
    private static final int BATCH = 256;

    private final TrainedModel model;
    private final Shape itemShape;

    /** A scorer for {@code model}. */
    public OodScorer(TrainedModel model) {
        this.model = model;
        this.itemShape = new Shape(model.spec().inputShape().stream().mapToLong(Integer::longValue).toArray());
    }

    /** The scores this model supports. */
    public List<ScoreName> available() {
        List<ScoreName> names = new ArrayList<>(List.of(ScoreName.ENERGY, ScoreName.GRAD_NORM));
        if (model.kind() == ModelKind.JEM) {
            names.add(ScoreName.NEG_MAX_SOFTMAX);
        }
        if (model.background().isPresent()) {
            names.add(ScoreName.ENERGY_RATIO);
        }
        if (model.featureGaussians().isPresent()) {
            names.add(ScoreName.MAHALANOBIS);
        }
        if (model.deepFeatures().isPresent()) {
            names.add(ScoreName.DEEP_MAHALANOBIS);
        }
        if (model.featureEnergy().isPresent()) {
            names.add(ScoreName.FEATURE_ENERGY);
        }
        if (model.pixelStatistics().isPresent()) {
            names.add(ScoreName.PIXEL_STATISTICS);
            names.add(ScoreName.ENSEMBLE);
        }
        return names;
    }

    /** Every available score for every input. */
    public Map<ScoreName, double[]> scoreAll(float[][] inputs, NDManager parent) {
        Map<ScoreName, double[]> out = new EnumMap<>(ScoreName.class);
        for (ScoreName name : available()) {
            out.put(name, new double[inputs.length]);
        }
        ParameterStore ps = new ParameterStore(parent, false);
        for (int start = 0; start < inputs.length; start += BATCH) {
            int n = Math.min(BATCH, inputs.length - start);
            try (NDManager scope = parent.newSubManager()) {
                NDArray x = batch(inputs, start, n, scope);
                NDArray output = Energies.output(model, ps, x, false);
                put(out, ScoreName.ENERGY, start, Energies.energyFromOutput(model.kind(), output));
                if (model.kind() == ModelKind.JEM) {
                    put(out, ScoreName.NEG_MAX_SOFTMAX, start, output.softmax(1).max(new int[] {1}).neg());
                }
                if (model.background().isPresent()) {
                    NDArray bg = Energies.energy(model.background().get(), ps, x, false);
                    put(out, ScoreName.ENERGY_RATIO, start, Energies.energyFromOutput(model.kind(), output).sub(bg));
                }
                // The feature layer's output, computed once for the scores that read it.
                NDArray features = model.featureGaussians().isPresent() || model.featureEnergy().isPresent()
                        ? features(model, ps, x) : null;
                if (model.featureGaussians().isPresent()) {
                    NDArray feature = mahalanobis(features, model.featureGaussians().get());
                    put(out, ScoreName.MAHALANOBIS, start, feature);
                    if (model.deepFeatures().isPresent()) {
                        put(out, ScoreName.DEEP_MAHALANOBIS, start, deepMahalanobis(model, ps, x, feature));
                    }
                }
                if (model.featureEnergy().isPresent()) {
                    put(out, ScoreName.FEATURE_ENERGY, start, Energies.energy(model.featureEnergy().get(), ps, features, false));
                }
                put(out, ScoreName.GRAD_NORM, start, gradientNorm(ps, x));
            }
        }
        model.pixelStatistics().ifPresent(pixels -> {
            double[] distance = pixelDistances(inputs);
            double[] deep = out.get(ScoreName.DEEP_MAHALANOBIS);
            double[] ensemble = new double[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                ensemble[i] = pixels.ensemble(deep[i], distance[i]);
            }
            out.put(ScoreName.PIXEL_STATISTICS, distance);
            out.put(ScoreName.ENSEMBLE, ensemble);
        });
        return out;
    }

    /** {@link ScoreName#DEEP_MAHALANOBIS} of every input (the model must have deep feature Gaussians). */
    public double[] deepMahalanobis(float[][] inputs, NDManager parent) {
        if (model.deepFeatures().isEmpty()) {
            throw new IllegalStateException("model has no deep feature Gaussians");
        }
        double[] out = new double[inputs.length];
        ParameterStore ps = new ParameterStore(parent, false);
        for (int start = 0; start < inputs.length; start += BATCH) {
            int n = Math.min(BATCH, inputs.length - start);
            try (NDManager scope = parent.newSubManager()) {
                NDArray x = batch(inputs, start, n, scope);
                NDArray feature = mahalanobis(features(model, ps, x), model.featureGaussians().orElseThrow());
                copy(deepMahalanobis(model, ps, x, feature), out, start);
            }
        }
        return out;
    }

    /**
     * The squared Mahalanobis distance of each input's {@link PixelStatistics#of statistics} to the training images'
     * Gaussian ({@link ScoreName#PIXEL_STATISTICS}; the model must have pixel statistics).
     */
    public double[] pixelDistances(float[][] inputs) {
        PixelStatistics pixels = model.pixelStatistics().orElseThrow(() -> new IllegalStateException("model has no pixel statistics"));
        List<Integer> shape = model.spec().inputShape();
        double[] out = new double[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            out[i] = pixels.distance(PixelStatistics.of(inputs[i], shape.get(0), shape.get(1), shape.get(2)));
        }
        return out;
    }

    private static NDArray deepMahalanobis(TrainedModel model, ParameterStore ps, NDArray x, NDArray featureDistance) {
        DeepFeatureGaussians deep = model.deepFeatures().orElseThrow();
        NDArray tap = mahalanobis(pooledActivations(model, ps, x, deep.tapLayer()), deep.tapGaussians());
        return tap.sub(deep.tapCenter()).div(deep.tapScale()).add(featureDistance.sub(deep.featureCenter()).div(deep.featureScale()));
    }

    /** Class predictions (argmax of the logits) of a JEM. */
    public int[] predict(float[][] inputs, NDManager parent) {
        return argmaxAndConfidence(inputs, parent).predictions();
    }

    /** Predicted classes and their softmax confidence, for accuracy and calibration. */
    public Predictions argmaxAndConfidence(float[][] inputs, NDManager parent) {
        if (model.kind() != ModelKind.JEM) {
            throw new IllegalStateException("only a JEM classifies; this is " + model.kind());
        }
        int[] predictions = new int[inputs.length];
        double[] confidence = new double[inputs.length];
        ParameterStore ps = new ParameterStore(parent, false);
        for (int start = 0; start < inputs.length; start += BATCH) {
            int n = Math.min(BATCH, inputs.length - start);
            try (NDManager scope = parent.newSubManager()) {
                NDArray probs = Energies.output(model, ps, batch(inputs, start, n, scope), false).softmax(1);
                long[] arg = probs.argMax(1).toLongArray();
                float[] max = probs.max(new int[] {1}).toFloatArray();
                for (int i = 0; i < n; i++) {
                    predictions[start + i] = (int) arg[i];
                    confidence[start + i] = max[i];
                }
            }
        }
        return new Predictions(predictions, confidence);
    }

    /** Predicted classes with the softmax probability of each prediction. */
    public record Predictions(int[] predictions, double[] confidence) {}

    /** Outputs of layer {@code spec.featureLayer()} for a batch. */
    public static NDArray features(TrainedModel model, ParameterStore ps, NDArray x) {
        int last = model.spec().featureLayer();
        if (last < 0) {
            throw new IllegalStateException("model spec has no feature layer");
        }
        NDList current = new NDList(x);
        List<Block> children = model.block().getChildren().values();
        for (int i = 0; i <= last; i++) {
            current = children.get(i).forward(ps, current, false);
        }
        return current.singletonOrThrow();
    }

    /**
     * The output of layer {@code layer} (a {@code [B, C, H, W]} activation) pooled per channel: the spatial means, then
     * the spatial standard deviations, {@code [B, 2C]}.
     */
    public static NDArray pooledActivations(TrainedModel model, ParameterStore ps, NDArray x, int layer) {
        NDList current = new NDList(x);
        List<Block> children = model.block().getChildren().values();
        for (int i = 0; i <= layer; i++) {
            current = children.get(i).forward(ps, current, false);
        }
        NDArray a = current.singletonOrThrow();
        if (a.getShape().dimension() != 4) {
            throw new IllegalStateException("layer " + layer + " gives " + a.getShape() + ", not a [B, C, H, W] activation");
        }
        NDArray flat = a.reshape(a.getShape().get(0), a.getShape().get(1), -1);
        NDArray mean = flat.mean(new int[] {2});
        NDArray std = flat.sub(mean.expandDims(2)).square().mean(new int[] {2}).sqrt();
        return mean.concat(std, 1);
    }

    /** {@link #pooledActivations} of {@code inputs}, for fitting {@link DeepFeatureGaussians}. */
    public float[][] pooledActivations(float[][] inputs, int layer, NDManager parent) {
        ParameterStore ps = new ParameterStore(parent, false);
        float[][] out = new float[inputs.length][];
        for (int start = 0; start < inputs.length; start += BATCH) {
            int n = Math.min(BATCH, inputs.length - start);
            try (NDManager scope = parent.newSubManager()) {
                rows(pooledActivations(model, ps, batch(inputs, start, n, scope), layer), out, start);
            }
        }
        return out;
    }

    private static void rows(NDArray values, float[][] out, int start) {
        int n = (int) values.getShape().get(0);
        int d = (int) values.getShape().get(1);
        float[] flat = values.toFloatArray();
        for (int i = 0; i < n; i++) {
            out[start + i] = java.util.Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
    }

    /** Feature vectors of {@code data}'s inputs, for fitting {@link FeatureGaussians}. */
    public float[][] features(float[][] inputs, NDManager parent) {
        ParameterStore ps = new ParameterStore(parent, false);
        float[][] out = new float[inputs.length][];
        for (int start = 0; start < inputs.length; start += BATCH) {
            int n = Math.min(BATCH, inputs.length - start);
            try (NDManager scope = parent.newSubManager()) {
                rows(features(model, ps, batch(inputs, start, n, scope)), out, start);
            }
        }
        return out;
    }

    /** min over classes of (f - mu_c)^T P (f - mu_c), shape {@code [B]}. */
    public static NDArray mahalanobis(NDArray features, FeatureGaussians g) {
        NDManager m = features.getManager();
        NDArray means = m.create(g.classMeans());
        NDArray precision = m.create(g.precision());
        // [B, 1, D] - [1, C, D] -> [B, C, D]
        NDArray diff = features.expandDims(1).sub(means.expandDims(0));
        NDArray projected = diff.matMul(precision);
        return projected.mul(diff).sum(new int[] {2}).min(new int[] {1});
    }

    private NDArray gradientNorm(ParameterStore ps, NDArray x) {
        NDArray input = x.duplicate();
        input.setRequiresGradient(true);
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            collector.backward(Energies.energy(model, ps, input, false).sum());
        }
        NDArray g = input.getGradient();
        NDArray norm = g.reshape(g.getShape().get(0), -1).square().sum(new int[] {1}).sqrt();
        // Backward also filled the parameter gradients; clear them so a later training step starts clean.
        Adam.zeroGradients(model.block().getParameters().values().stream().map(Parameter::getArray).toList());
        return norm;
    }

    private NDArray batch(float[][] inputs, int start, int n, NDManager scope) {
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = start + i;
        }
        return TrainingData.batch(inputs, idx, itemShape, scope);
    }

    private static void put(Map<ScoreName, double[]> out, ScoreName name, int start, NDArray values) {
        copy(values, out.get(name), start);
    }

    /** Copies a batch's {@code [B]} values into {@code target} from {@code start} on. */
    static void copy(NDArray values, double[] target, int start) {
        float[] v = values.toFloatArray();
        for (int i = 0; i < v.length; i++) {
            target[start + i] = v[i];
        }
    }
}
