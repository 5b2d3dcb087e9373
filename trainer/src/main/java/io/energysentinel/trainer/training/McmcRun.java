package io.energysentinel.trainer.training;

import ai.djl.ndarray.NDArray;

/**
 * The outcome of a Metropolis-adjusted chain run.
 *
 * @param samples the chains' states after the last step, shaped as the start
 * @param stepSize the step size the chains ran with after warm-up (frozen there)
 * @param acceptanceRate share of proposals accepted after warm-up, over all chains
 * @param warmupAcceptanceRate share accepted during warm-up, while the step size adapted
 */
public record McmcRun(NDArray samples, double stepSize, double acceptanceRate, double warmupAcceptanceRate) {}
