package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Scales parameter gradients so their global L2 norm is at most a bound. */
public final class GradientClipping {
    private GradientClipping() {}

    /** Clips in place; returns the norm before clipping (NaN when a gradient is not finite). */
    public static double clipByGlobalNorm(List<NDArray> params, double maxNorm) {
        double sumSquares = 0;
        for (NDArray p : params) {
            try (NDArray g = p.getGradient(); NDArray sq = g.square(); NDArray s = sq.sum()) {
                sumSquares += s.getFloat();
            }
        }
        double norm = Math.sqrt(sumSquares);
        if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
            float scale = (float) (maxNorm / norm);
            for (NDArray p : params) {
                try (NDArray g = p.getGradient()) {
                    g.muli(scale);
                }
            }
        }
        return norm;
    }
}
