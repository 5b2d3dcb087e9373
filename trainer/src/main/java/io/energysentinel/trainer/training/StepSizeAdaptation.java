package io.energysentinel.trainer.training;

/**
 * Robbins-Monro adaptation of a step size toward a target acceptance rate:
 * {@code log eps += (accepted - target) / (t + 10)^0.6} after warm-up step t (a decreasing gain, as in
 * Andrieu and Thoms 2008, section 4). Used during warm-up only; the sampler then freezes the step size, since
 * a chain whose kernel keeps changing with its own history is not a valid Markov chain for the target.
 */
final class StepSizeAdaptation {
    private final double target;
    private double logStepSize;
    private int t;

    StepSizeAdaptation(double initialStepSize, double target) {
        if (!(initialStepSize > 0) || !(target > 0 && target < 1)) {
            throw new IllegalArgumentException("step size must be positive and the target acceptance in (0, 1)");
        }
        this.target = target;
        this.logStepSize = Math.log(initialStepSize);
    }

    double stepSize() {
        return Math.exp(logStepSize);
    }

    /** Moves the step size after a step whose chains accepted {@code acceptedShare} of their proposals. */
    void update(double acceptedShare) {
        logStepSize += (acceptedShare - target) / Math.pow(t + 10, 0.6);
        t++;
    }
}
