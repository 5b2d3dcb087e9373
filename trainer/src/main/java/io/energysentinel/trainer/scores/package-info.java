/** Out-of-distribution scores of a trained model: energy, max softmax, gradient norm, energy ratio, Mahalanobis. */
package io.energysentinel.trainer.scores;
