/** Persistent contrastive divergence: SGLD sampler, replay buffer, Adam, the PCD/JEM loop and its safeguards. */
package io.energysentinel.trainer.training;
