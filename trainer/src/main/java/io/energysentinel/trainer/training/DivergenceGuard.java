package io.energysentinel.trainer.training;

/**
 * Decides whether a step shows training has diverged: a non-finite loss, energy or gradient; energies
 * beyond {@code maxAbsEnergy}; or the gap E(x-) - E(x+) beyond {@code maxGap} in either direction (the
 * model has stopped matching its own samples: negatives rejected wholesale, or preferred to data).
 *
 * @param maxAbsEnergy largest allowed |mean energy|
 * @param maxGap largest allowed |E(x-) - E(x+)|
 */
public record DivergenceGuard(double maxAbsEnergy, double maxGap) {

    /** Defaults that a healthy run with energy regularisation never reaches. */
    public static DivergenceGuard defaults() {
        return new DivergenceGuard(1e4, 1e3);
    }

    /** Why {@code s} looks diverged, or {@code null} when it looks healthy. */
    public String diagnose(StepStats s) {
        if (!Double.isFinite(s.loss()) || !Double.isFinite(s.positiveEnergy()) || !Double.isFinite(s.negativeEnergy())) {
            return "non-finite loss or energy at step " + s.step();
        }
        if (!Double.isFinite(s.gradientNorm())) {
            return "non-finite gradient at step " + s.step();
        }
        if (Math.abs(s.positiveEnergy()) > maxAbsEnergy || Math.abs(s.negativeEnergy()) > maxAbsEnergy) {
            return String.format("energies exploded at step %d: E+ %.3g, E- %.3g", s.step(), s.positiveEnergy(), s.negativeEnergy());
        }
        double gap = s.negativeEnergy() - s.positiveEnergy();
        if (Math.abs(gap) > maxGap) {
            return String.format("energy gap E- - E+ = %.3g beyond %.3g at step %d", gap, maxGap, s.step());
        }
        return null;
    }
}
