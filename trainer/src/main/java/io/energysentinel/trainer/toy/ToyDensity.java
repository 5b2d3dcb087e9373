package io.energysentinel.trainer.toy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.energysentinel.trainer.training.DifferentiableEnergy;
import java.util.Random;

/**
 * A normalised density in one or two dimensions with exact draws and an energy {@code E(x) = -log p(x)} both in
 * plain arithmetic (with its gradient, for an analytic check of autograd) and as DJL operations (for autograd).
 */
public interface ToyDensity {

    /** Dimension of x. */
    int dimension();

    /** log p(x), normalised. */
    double logDensity(double[] x);

    /** d(-log p)/dx at x. */
    double[] energyGradient(double[] x);

    /** E(x) = -log p(x) of rows {@code [B, d]} as a {@code [B]} array built from differentiable DJL operations. */
    NDArray energy(NDArray x);

    /** {@code n} exact independent draws. */
    double[][] sample(int n, Random random);

    /** Lower corner of a box holding all but a negligible share of the mass (for grids). */
    double[] lower();

    /** Upper corner of that box. */
    double[] upper();

    /** A short name for reports and file names. */
    String name();

    /** E = -log p with its closed-form gradient, computed in double precision on the host (no autograd). */
    default DifferentiableEnergy analyticEnergy() {
        return x -> {
            int d = dimension();
            float[] flat = x.toFloatArray();
            int batch = flat.length / d;
            float[] energies = new float[batch];
            float[] gradients = new float[flat.length];
            double[] point = new double[d];
            for (int b = 0; b < batch; b++) {
                for (int i = 0; i < d; i++) {
                    point[i] = flat[b * d + i];
                }
                energies[b] = (float) -logDensity(point);
                double[] g = energyGradient(point);
                for (int i = 0; i < d; i++) {
                    gradients[b * d + i] = (float) g[i];
                }
            }
            return new DifferentiableEnergy.Evaluation(x.getManager().create(energies),
                    x.getManager().create(gradients, new Shape(batch, d)));
        };
    }
}
