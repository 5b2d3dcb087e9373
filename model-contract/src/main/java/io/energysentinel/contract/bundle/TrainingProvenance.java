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
 */
public record TrainingProvenance(
        String dataFingerprint, String dataDescription, long seed, long steps,
        Map<String, String> config, Map<String, String> libraryVersions) {
    public TrainingProvenance {
        config = config == null ? Map.of() : Map.copyOf(config);
        libraryVersions = libraryVersions == null ? Map.of() : Map.copyOf(libraryVersions);
    }
}
