package io.energysentinel.contract.bundle;

import java.util.Map;

/**
 * Where a bundle came from, so a score can be traced to the data and code that produced it.
 *
 * @param dataFingerprint SHA-256 over the training inputs, in training order
 * @param dataDescription human description, e.g. {@code fashion-mnist train 54000 images}
 * @param seed the run's random seed
 * @param steps optimiser steps taken
 * @param config training hyper-parameters by name
 * @param libraryVersions versions of DJL, PyTorch, ONNX Runtime and this project
 * @param command the command line that trained it, to train it again; {@code null} when not run from the CLI
 */
public record TrainingProvenance(
        String dataFingerprint, String dataDescription, long seed, long steps,
        Map<String, String> config, Map<String, String> libraryVersions, String command) {
    public TrainingProvenance {
        config = config == null ? Map.of() : Map.copyOf(config);
        libraryVersions = libraryVersions == null ? Map.of() : Map.copyOf(libraryVersions);
    }

    /** This provenance with the command line that produced it. */
    public TrainingProvenance withCommand(String commandLine) {
        return new TrainingProvenance(dataFingerprint, dataDescription, seed, steps, config, libraryVersions, commandLine);
    }
}
