package io.energysentinel.trainer.training;

/** How an energy model is fitted. */
public enum Objective {
    /** Persistent contrastive divergence: SGLD chains kept in a replay buffer ({@link PcdTrainer}). */
    PCD,
    /** CD-k: SGLD chains started from the batch's data ({@link PcdTrainer} with {@code persistent = false}). */
    CD,
    /** Noise-contrastive estimation against a Gaussian covering the data ({@link NceTrainer}). */
    NCE,
    /** Denoising score matching, a loss on dE/dx ({@link DsmTrainer}); nets of linear layers only. */
    DSM;

    /**
     * Refuses an objective that cannot train the image models: DSM's dE/dx is computed layer by layer for linear layers
     * and activations, not convolutions ({@link LayerwiseInputGradient}), so it trains the event MLP and the toy densities.
     *
     * @throws IllegalArgumentException for DSM, in one line a user can act on
     */
    public void requireForImages() {
        if (this == DSM) {
            throw new IllegalArgumentException("images train by pcd, cd or nce; dsm trains nets of linear layers (--kind mlp, toy)");
        }
    }
}
