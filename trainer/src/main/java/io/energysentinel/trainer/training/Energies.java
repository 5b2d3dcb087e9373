package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.model.TrainedModel;

/**
 * Computes energies and logits of a {@link TrainedModel} with DJL, following the definition in its javadoc.
 */
public final class Energies {
    private Energies() {}

    /** Raw block output: {@code [B, 1]} for energy nets, logits {@code [B, C]} for JEM. */
    public static NDArray output(TrainedModel model, ParameterStore ps, NDArray x, boolean training) {
        return model.block().forward(ps, new NDList(x), training).singletonOrThrow();
    }

    /** Marginal energy {@code [B]} from a block output. */
    public static NDArray energyFromOutput(ModelKind kind, NDArray out) {
        if (kind == ModelKind.JEM) {
            return logSumExp(out).neg();
        }
        return out.reshape(-1);
    }

    /** Marginal energy E(x), shape {@code [B]}. */
    public static NDArray energy(TrainedModel model, ParameterStore ps, NDArray x, boolean training) {
        return energyFromOutput(model.kind(), output(model, ps, x, training));
    }

    /** Row-wise log-sum-exp of {@code [B, C]} logits, stabilised by the row maximum. */
    public static NDArray logSumExp(NDArray logits) {
        NDArray max = logits.max(new int[] {1}, true).stopGradient();
        return logits.sub(max).exp().sum(new int[] {1}).log().add(max.reshape(-1));
    }
}
