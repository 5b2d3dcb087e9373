package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.model.LayerSpec;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * dE/dx of an energy net built from linear layers, activations, standardisation, clamps and flattens, computed layer by
 * layer with ordinary DJL operations: the forward pass keeps each layer's input, then each layer's vector-Jacobian
 * product runs in reverse (a linear layer multiplies by its weight, LeakyReLU and the clamp by their masks, Swish by its
 * derivative at the layer's input, standardisation by 1/std), as {@code OnnxExporter}'s gradient graph does in ONNX.
 *
 * <p>The result is an array like any other, differentiable in the parameters, so a loss on dE/dx (denoising score
 * matching) takes its parameter gradient from one plain backward. Autograd's own dE/dx would need a backward that
 * creates its graph, which makes the input and its gradient a reference cycle DJL 0.35.1 cannot break: it leaked that
 * graph every step (see {@link DsmTrainer}).
 */
public final class LayerwiseInputGradient {
    private LayerwiseInputGradient() {}

    /**
     * The energy and its input gradient.
     *
     * @param energy E(x), shape {@code [B]}
     * @param gradient dE/dx, the shape of x
     */
    public record EnergyAndGradient(NDArray energy, NDArray gradient) {}

    /**
     * E(x) and dE/dx for {@code model}, an energy net (not a JEM) of the layers named above.
     *
     * @throws IllegalArgumentException for a JEM or a layer without a product here (a convolution)
     */
    public static EnergyAndGradient of(TrainedModel model, ParameterStore ps, NDArray x, boolean training) {
        if (model.kind() == ModelKind.JEM) {
            throw new IllegalArgumentException("a layerwise input gradient is for energy nets, not a JEM's -logsumexp");
        }
        requireCovered(model.spec());
        List<LayerSpec> layers = model.spec().layers();
        List<Block> blocks = model.block().getChildren().values();
        List<NDArray> inputs = new ArrayList<>(layers.size());
        NDArray current = x;
        for (int i = 0; i < layers.size(); i++) {
            inputs.add(current);
            current = blocks.get(i).forward(ps, new NDList(current), training).singletonOrThrow();
        }
        NDArray energy = current.reshape(-1);
        NDArray g = current.onesLike();
        for (int i = layers.size() - 1; i >= 0; i--) {
            g = backThrough(layers.get(i), blocks.get(i), inputs.get(i), g, ps, training);
        }
        return new EnergyAndGradient(energy, g);
    }

    /**
     * Refuses a net with a layer this class has no product for.
     *
     * @throws IllegalArgumentException naming the layer (a convolution)
     */
    public static void requireCovered(NetworkSpec spec) {
        for (LayerSpec layer : spec.layers()) {
            if (layer instanceof LayerSpec.Conv) {
                // A convolution's product is the transposed convolution, which DJL 0.35.1's PyTorch engine does not
                // implement (PtNDArrayEx.deconvolution throws "Not implemented").
                throw new IllegalArgumentException("a layerwise input gradient (DSM) covers linear layers, activations, "
                        + "standardisation, clamps and flattens; not " + layer);
            }
        }
    }

    /** The vector-Jacobian product of one layer: the gradient at its input from {@code g}, the gradient at its output. */
    private static NDArray backThrough(LayerSpec layer, Block block, NDArray input, NDArray g, ParameterStore ps, boolean training) {
        if (layer instanceof LayerSpec.Linear) {
            NDArray weight = ps.getValue(block.getParameters().get("weight"), input.getDevice(), training);
            return g.matMul(weight);
        } else if (layer instanceof LayerSpec.LeakyRelu r) {
            float slope = (float) r.slope();
            return g.mul(input.gt(0).toType(DataType.FLOAT32, false).mul(1 - slope).add(slope));
        } else if (layer instanceof LayerSpec.Swish) {
            // d/dz z s(z) = s + z s (1 - s): differentiable in z, so the second-order terms reach the parameters.
            NDArray s = Activation.sigmoid(input);
            return g.mul(s.add(input.mul(s).mul(s.neg().add(1))));
        } else if (layer instanceof LayerSpec.Standardize st) {
            float[] std = new float[st.std().size()];
            for (int j = 0; j < std.length; j++) {
                std[j] = st.std().get(j).floatValue();
            }
            return std.length == 1 ? g.div(std[0]) : g.div(g.getManager().create(std));
        } else if (layer instanceof LayerSpec.Clamp c) {
            // As torch.clamp's gradient: passed where min <= z <= max.
            return g.mul(input.gte(c.min()).logicalAnd(input.lte(c.max())).toType(DataType.FLOAT32, false));
        } else if (layer instanceof LayerSpec.Flatten) {
            return g.reshape(input.getShape());
        }
        throw new IllegalArgumentException("no input gradient for layer " + layer);
    }
}
