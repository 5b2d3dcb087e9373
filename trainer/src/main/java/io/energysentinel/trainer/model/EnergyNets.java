package io.energysentinel.trainer.model;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.bundle.Normalization;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The three energy architectures, as specs, and freshly initialised models built from them. */
public final class EnergyNets {
    /** Images are fed in [0, 1] and mapped to [-1, 1] inside the network. */
    private static final LayerSpec.Standardize IMAGE_SCALING = new LayerSpec.Standardize(List.of(0.5), List.of(0.5));

    private EnergyNets() {}

    /**
     * The conv energy net: stride-2 4x4 convolutions with LeakyReLU(0.2), then a linear head to one energy.
     *
     * @param imageShape {@code [channels, height, width]}
     * @param channels filters per conv stage, e.g. {@code [32, 64, 128]}
     */
    public static NetworkSpec convEnergy(List<Integer> imageShape, List<Integer> channels) {
        List<LayerSpec> layers = convStack(channels);
        layers.add(new LayerSpec.Linear(1));
        return new NetworkSpec(imageShape, layers, -1);
    }

    /**
     * The JEM classifier: the conv stack, a hidden feature layer, and {@code classes} logits. Its feature
     * layer (the hidden activation) is what the Mahalanobis score reads.
     */
    public static NetworkSpec jem(List<Integer> imageShape, List<Integer> channels, int hidden, int classes) {
        List<LayerSpec> layers = convStack(channels);
        layers.add(new LayerSpec.Linear(hidden));
        layers.add(new LayerSpec.LeakyRelu(0.2));
        int featureLayer = layers.size() - 1;
        layers.add(new LayerSpec.Linear(classes));
        return new NetworkSpec(imageShape, layers, featureLayer);
    }

    /** Image scaling, then stride-2 4x4 convolutions with LeakyReLU(0.2), flattened: the shared image trunk. */
    private static List<LayerSpec> convStack(List<Integer> channels) {
        List<LayerSpec> layers = new ArrayList<>();
        layers.add(IMAGE_SCALING);
        for (int c : channels) {
            layers.add(new LayerSpec.Conv(c, 4, 2, 1));
            layers.add(new LayerSpec.LeakyRelu(0.2));
        }
        layers.add(new LayerSpec.Flatten());
        return layers;
    }

    /**
     * The MLP energy net for event vectors: standardisation learned from the training data, z-scores clamped to
     * {@code [zMin, zMax]} (the range training and SGLD use, so serving never sees inputs training could not), Swish
     * hidden layers (smooth, so SGLD gets useful gradients everywhere) and one energy.
     */
    public static NetworkSpec mlp(List<Double> mean, List<Double> std, double zMin, double zMax, List<Integer> hidden) {
        List<LayerSpec> layers = new ArrayList<>();
        layers.add(new LayerSpec.Standardize(mean, std));
        layers.add(new LayerSpec.Clamp(zMin, zMax));
        for (int h : hidden) {
            layers.add(new LayerSpec.Linear(h));
            layers.add(new LayerSpec.Swish());
        }
        int featureLayer = layers.size() - 1;
        layers.add(new LayerSpec.Linear(1));
        return new NetworkSpec(List.of(mean.size()), layers, featureLayer);
    }

    /** Per-feature mean and standard deviation (floored at 1e-6 of the scale) of {@code rows}: {@link Normalization#of}. */
    public static List<List<Double>> standardization(float[][] rows) {
        Normalization n = Normalization.of(rows);
        return List.of(n.mean(), n.std());
    }

    /** A new model of {@code kind} from {@code spec}, parameters initialised from {@code seed}. */
    public static TrainedModel initialise(ModelKind kind, NetworkSpec spec, NDManager manager, long seed) {
        Engine.getInstance().setRandomSeed((int) seed);
        Block block = NetworkBuilder.build(spec);
        long[] dims = new long[spec.inputShape().size() + 1];
        dims[0] = 1;
        for (int i = 0; i < spec.inputShape().size(); i++) {
            dims[i + 1] = spec.inputShape().get(i);
        }
        block.initialize(manager, DataType.FLOAT32, new Shape(dims));
        return new TrainedModel(kind, spec, block, Optional.empty(), Optional.empty());
    }
}
