package io.energysentinel.trainer.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.LambdaBlock;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;

/**
 * Builds the DJL block for a {@link NetworkSpec}: one child block per layer, in spec order.
 *
 * <p>The exporter relies on that one-to-one order to find each layer's parameters
 * ({@code weight}, {@code bias}) in the block's children.
 */
public final class NetworkBuilder {
    private NetworkBuilder() {}

    /** A new, uninitialised block for {@code spec}. */
    public static SequentialBlock build(NetworkSpec spec) {
        SequentialBlock net = new SequentialBlock();
        for (LayerSpec layer : spec.layers()) {
            net.add(block(layer));
        }
        return net;
    }

    /** The DJL block for one layer. */
    public static Block block(LayerSpec layer) {
        if (layer instanceof LayerSpec.Conv c) {
            return Conv2d.builder()
                    .setFilters(c.filters())
                    .setKernelShape(new Shape(c.kernel(), c.kernel()))
                    .optStride(new Shape(c.stride(), c.stride()))
                    .optPadding(new Shape(c.padding(), c.padding()))
                    .build();
        } else if (layer instanceof LayerSpec.Linear l) {
            return ai.djl.nn.core.Linear.builder().setUnits(l.units()).build();
        } else if (layer instanceof LayerSpec.LeakyRelu r) {
            return Activation.leakyReluBlock((float) r.slope());
        } else if (layer instanceof LayerSpec.Swish) {
            return Activation.swishBlock(1f);
        } else if (layer instanceof LayerSpec.Flatten) {
            return Blocks.batchFlattenBlock();
        } else if (layer instanceof LayerSpec.Standardize s) {
            return standardize(s);
        } else if (layer instanceof LayerSpec.Clamp c) {
            float min = (float) c.min();
            float max = (float) c.max();
            return new LambdaBlock(inputs -> new NDList(inputs.singletonOrThrow().clip(min, max)), "clamp");
        }
        throw new IllegalArgumentException("no DJL mapping for layer " + layer);
    }

    private static Block standardize(LayerSpec.Standardize s) {
        float[] mean = toFloats(s.mean());
        float[] std = toFloats(s.std());
        return new LambdaBlock(inputs -> {
            NDArray x = inputs.singletonOrThrow();
            NDArray m = x.getManager().create(mean);
            NDArray d = x.getManager().create(std);
            if (mean.length == 1) {
                return new NDList(x.sub(mean[0]).div(std[0]));
            }
            return new NDList(x.sub(m).div(d));
        }, "standardize");
    }

    private static float[] toFloats(java.util.List<Double> values) {
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i).floatValue();
        }
        return out;
    }
}
