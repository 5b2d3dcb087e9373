/**
 * Fitting energy models: SGLD, MALA and HMC samplers, replay buffer, Adam, the PCD/JEM loop and its safeguards, and
 * the sampling-free objectives NCE and DSM.
 */
package io.energysentinel.trainer.training;
