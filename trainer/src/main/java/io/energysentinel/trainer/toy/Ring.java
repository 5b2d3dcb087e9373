package io.energysentinel.trainer.toy;

import ai.djl.ndarray.NDArray;
import java.util.Random;

/**
 * A ring in the plane: {@code p(x) = exp(-(|x| - radius)^2 / (2 width^2)) / Z}, uniform in angle.
 *
 * <p>{@code Z = 2 pi (w^2 exp(-r^2 / 2w^2) + r w sqrt(2 pi) Phi(r / w))}, the radial integral of
 * {@code rho exp(-(rho - r)^2 / 2w^2)} over {@code rho >= 0} times the full angle.
 *
 * @param radius ring radius r
 * @param width radial standard deviation w
 */
public record Ring(double radius, double width) implements ToyDensity {

    public Ring {
        if (!(radius > 0) || !(width > 0)) {
            throw new IllegalArgumentException("radius and width must be positive");
        }
    }

    /** A ring of radius 2 and width 0.3. */
    public static Ring standard() {
        return new Ring(2, 0.3);
    }

    @Override
    public int dimension() {
        return 2;
    }

    /** log Z. */
    public double logNormaliser() {
        double w = width;
        double r = radius;
        double radial = w * w * Math.exp(-r * r / (2 * w * w)) + r * w * Math.sqrt(2 * Math.PI) * normalCdf(r / w);
        return Math.log(2 * Math.PI * radial);
    }

    @Override
    public double logDensity(double[] x) {
        double rho = Math.hypot(x[0], x[1]);
        return -(rho - radius) * (rho - radius) / (2 * width * width) - logNormaliser();
    }

    @Override
    public double[] energyGradient(double[] x) {
        double rho = Math.max(Math.hypot(x[0], x[1]), 1e-12);
        double f = (rho - radius) / (width * width * rho);
        return new double[] {f * x[0], f * x[1]};
    }

    @Override
    public NDArray energy(NDArray x) {
        // The small constant keeps the gradient of |x| finite at the origin, where the density is negligible anyway.
        NDArray rho = x.square().sum(new int[] {1}).add(1e-12f).sqrt();
        return rho.sub((float) radius).square().div((float) (2 * width * width)).add((float) logNormaliser());
    }

    @Override
    public double[][] sample(int n, Random random) {
        double[][] out = new double[n][2];
        double cap = radius + 8 * width;
        for (int s = 0; s < n; s++) {
            double rho;
            // Radial density proportional to rho * N(rho; r, w) on rho >= 0: propose N(r, w), accept with rho / cap.
            do {
                rho = radius + width * random.nextGaussian();
            } while (rho <= 0 || rho > cap || random.nextDouble() * cap > rho);
            double angle = 2 * Math.PI * random.nextDouble();
            out[s][0] = rho * Math.cos(angle);
            out[s][1] = rho * Math.sin(angle);
        }
        return out;
    }

    @Override
    public double[] lower() {
        double b = radius + 7 * width;
        return new double[] {-b, -b};
    }

    @Override
    public double[] upper() {
        double b = radius + 7 * width;
        return new double[] {b, b};
    }

    @Override
    public String name() {
        return "ring";
    }

    /** Standard normal CDF. */
    static double normalCdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2));
    }

    /** erfc by Numerical Recipes' Chebyshev fit {@code erfcc} (fractional error below 1.2e-7). */
    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }
}
