/**
 * Out-of-distribution scores of a trained model: energy, max softmax, gradient norm, energy ratio, Mahalanobis (penultimate
 * and deep), feature energy, pixel statistics and their ensemble.
 */
package io.energysentinel.trainer.scores;
