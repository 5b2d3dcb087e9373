package io.energysentinel.trainer.cli;

import io.energysentinel.trainer.training.Objective;
import io.energysentinel.trainer.training.TrainingConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/** Training hyper-parameters shared by every {@code train} kind (a picocli mixin). */
final class TrainingOptions {
    @Option(names = "--steps", defaultValue = "2000", description = "Optimiser steps (default ${DEFAULT-VALUE}).")
    long steps;
    @Option(names = "--minutes", defaultValue = "0", description = "Wall-clock budget in minutes; 0 = steps only (default ${DEFAULT-VALUE}).")
    double minutes;
    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--batch", defaultValue = "64", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch;
    @Option(names = "--lr", defaultValue = "1e-4", description = "Adam learning rate (default ${DEFAULT-VALUE}).")
    double learningRate;
    @Option(names = "--alpha", defaultValue = "0.1", description = "Energy regularisation alpha (default ${DEFAULT-VALUE}).")
    double alpha;
    @Option(names = "--sgld-steps", defaultValue = "20", description = "SGLD steps K (default ${DEFAULT-VALUE}).")
    int sgldSteps;
    @Option(names = "--sgld-step-size", defaultValue = "1.0", description = "SGLD step size (default ${DEFAULT-VALUE}).")
    double sgldStepSize;
    @Option(names = "--sgld-noise", defaultValue = "0.01", description = "SGLD noise std (default ${DEFAULT-VALUE}).")
    double sgldNoise;
    @Option(names = "--sgld-grad-clamp", defaultValue = "0.03", description = "Per-element clamp on dE/dx (default ${DEFAULT-VALUE}).")
    double sgldGradClamp;
    @Option(names = "--buffer", defaultValue = "10000", description = "Replay buffer size (default ${DEFAULT-VALUE}).")
    int buffer;
    @Option(names = "--reinit", defaultValue = "0.05", description = "Replay re-initialisation probability (default ${DEFAULT-VALUE}).")
    double reinit;
    @Option(names = "--clip", defaultValue = "1.0", description = "Global gradient-norm clip (default ${DEFAULT-VALUE}).")
    double clip;
    @Option(names = "--objective", defaultValue = "pcd", description = "pcd (persistent SGLD chains), cd (CD-k, chains from the"
            + " batch's data), nce (noise-contrastive estimation against a Gaussian 1.5 times as wide as the data; event MLP,"
            + " conv energy and toy, not a JEM) or dsm (denoising score matching at noise 0.1 of the data's standard units;"
            + " event MLP and toy) (default ${DEFAULT-VALUE}).")
    ObjectiveName objective;
    @Option(names = "--cd", description = "Same as --objective cd.")
    boolean contrastiveDivergence;
    @Option(names = "--ce-weight", defaultValue = "1.0", description = "JEM cross-entropy weight (default ${DEFAULT-VALUE}).")
    double ceWeight;
    @Option(names = "--gen-weight", defaultValue = "1.0", description = "Weight of the contrastive term (default ${DEFAULT-VALUE}).")
    double genWeight;
    @Option(names = "--cosine-decay", description = "Anneal the learning rate to zero along a half cosine over each phase's budget.")
    boolean cosineDecay;
    @Option(names = "--spectral-norm", description = "Keep weights at spectral norm <= 1.")
    boolean spectralNorm;

    /** Objectives as typed on the command line. */
    enum ObjectiveName { pcd, cd, nce, dsm }

    /**
     * The objective chosen, {@code --cd} included.
     *
     * @throws IllegalArgumentException when {@code --cd} contradicts {@code --objective}
     */
    Objective objective() {
        return objective(objective, contrastiveDivergence);
    }

    /**
     * The objective named on a command line, {@code --cd} ({@code contrastiveDivergence}) included.
     *
     * @throws IllegalArgumentException when {@code --cd} contradicts {@code named}
     */
    static Objective objective(ObjectiveName named, boolean contrastiveDivergence) {
        if (contrastiveDivergence && named != ObjectiveName.pcd && named != ObjectiveName.cd) {
            throw new IllegalArgumentException("--cd and --objective " + named + " contradict each other; use --objective cd for CD-k");
        }
        return contrastiveDivergence ? Objective.CD : Objective.valueOf(named.name().toUpperCase(java.util.Locale.ROOT));
    }

    TrainingConfig toConfig(float dataMin, float dataMax) {
        return TrainingConfig.builder().optSteps(steps)
                .optTimeBudget(minutes > 0 ? Duration.ofMillis(Math.round(minutes * 60_000)) : Duration.ZERO)
                .optSeed(seed).optBatchSize(batch).optLearningRate(learningRate).optEnergyRegularization(alpha)
                .optSgldSteps(sgldSteps).optSgldStepSize(sgldStepSize).optSgldNoise(sgldNoise).optSgldGradClamp(sgldGradClamp)
                .optBufferSize(Math.max(buffer, batch)).optReinitProbability(reinit).optGradientClipNorm(clip)
                .optPersistent(objective() != Objective.CD).optCrossEntropyWeight(ceWeight).optGenerativeWeight(genWeight)
                .optSpectralNorm(spectralNorm).optCosineDecay(cosineDecay).optDataRange(dataMin, dataMax).build();
    }
}
