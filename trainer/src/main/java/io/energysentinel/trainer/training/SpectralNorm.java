package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps weight matrices at spectral norm at most one by power iteration, applied after each update.
 *
 * <p>Rescaling the stored weights (rather than normalising on the fly in the forward pass) means the
 * exported graph needs no extra layer: what is trained is what is exported. Biases are left alone.
 */
public final class SpectralNorm {
    private final List<NDArray> weights = new ArrayList<>();
    private final List<NDArray> u = new ArrayList<>();

    /** Tracks every parameter of rank 2 or more in {@code params}; vectors live in {@code manager}. */
    public SpectralNorm(List<NDArray> params, NDManager manager) {
        for (NDArray p : params) {
            if (p.getShape().dimension() >= 2) {
                weights.add(p);
                u.add(manager.randomNormal(new ai.djl.ndarray.types.Shape(p.getShape().get(0), 1)));
            }
        }
    }

    /** One power iteration per weight, then divides each weight by max(1, sigma). */
    public void apply() {
        for (int i = 0; i < weights.size(); i++) {
            NDArray w = weights.get(i);
            try (NDManager scope = w.getManager().newSubManager()) {
                NDArray matrix = w.stopGradient().reshape(w.getShape().get(0), -1);
                matrix.attach(scope);
                NDArray uPrev = u.get(i);
                NDArray v = matrix.transpose().matMul(uPrev);
                v = v.div(v.norm().add(1e-12f));
                NDArray uNext = matrix.matMul(v);
                uNext = uNext.div(uNext.norm().add(1e-12f));
                float sigma = uNext.transpose().matMul(matrix).matMul(v).getFloat();
                uPrev.set(uNext.toFloatArray());
                if (sigma > 1f) {
                    w.muli(1f / sigma);
                }
            }
        }
    }
}
