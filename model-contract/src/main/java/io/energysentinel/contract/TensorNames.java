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
    /**
     * Per-metric contributions, float32 [batch, features]; event MLPs only. Element j is the energy drop when metric j
     * alone is reset to its training mean (its z-score set to 0): positive where that metric pushed the energy up.
     */
    public static final String CONTRIBUTIONS = "contributions";

    private TensorNames() {}
}
