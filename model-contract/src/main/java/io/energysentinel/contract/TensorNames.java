package io.energysentinel.contract;

/**
 * Names of the tensors in every exported ONNX graph.
 *
 * <p>Every score the scorer can serve is an output of the graph, so serving never re-implements
 * the maths the trainer evaluated.
 */
public final class TensorNames {
    /** The single input: float32 of shape [batch, ...input shape]. */
    public static final String INPUT = "input";
    /** Marginal energy E(x), float32 [batch]; lower is more normal. */
    public static final String ENERGY = "energy";
    /** Class logits f(x), float32 [batch, classes]; JEM only. */
    public static final String LOGITS = "logits";

    private TensorNames() {}
}
