package io.energysentinel.trainer.training;

/**
 * What one optimiser step measured.
 *
 * @param step the step's number, from 1
 * @param loss the total loss
 * @param positiveEnergy mean E(x+) over the batch
 * @param negativeEnergy mean E(x-) over the batch
 * @param crossEntropy classification loss (JEM), else 0
 * @param gradientNorm global gradient norm before clipping
 * @param learningRate learning rate used
 */
public record StepStats(long step, double loss, double positiveEnergy, double negativeEnergy, double crossEntropy,
                        double gradientNorm, double learningRate) {}
