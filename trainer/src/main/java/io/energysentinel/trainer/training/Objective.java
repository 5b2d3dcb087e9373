package io.energysentinel.trainer.training;

/** How an energy model is fitted. */
public enum Objective {
    /** Persistent contrastive divergence: SGLD chains kept in a replay buffer ({@link PcdTrainer}). */
    PCD,
    /** CD-k: SGLD chains started from the batch's data ({@link PcdTrainer} with {@code persistent = false}). */
    CD,
    /** Noise-contrastive estimation against a Gaussian covering the data ({@link NceTrainer}). */
    NCE,
    /** Denoising score matching, a second-order backward through dE/dx ({@link DsmTrainer}). */
    DSM
}
