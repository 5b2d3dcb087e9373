package io.energysentinel.contract;

/** The kinds of energy model the trainer fits and the scoring job serves. */
public enum ModelKind {
    /** Convolutional energy net E(x) over images. */
    CONV_EBM,
    /** JEM: a classifier f(x) whose marginal energy is E(x) = -logsumexp f(x). */
    JEM,
    /** MLP energy net over numeric event vectors, with standardisation folded in. */
    MLP_EBM
}
