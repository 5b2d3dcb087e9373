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
    DSM;

    /**
     * Refuses an objective that cannot train a real model ({@code what}, e.g. "images"): DSM leaks each step's graph
     * ({@link DsmTrainer}), so it fits the toy densities only.
     *
     * @throws IllegalArgumentException for DSM, in one line a user can act on
     */
    public void requireForRealModels(String what) {
        if (this == DSM) {
            throw new IllegalArgumentException(what + " train by pcd, cd or nce; dsm leaks native memory per step (toy only)");
        }
    }
}
