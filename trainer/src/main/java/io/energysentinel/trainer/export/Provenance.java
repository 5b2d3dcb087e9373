package io.energysentinel.trainer.export;

import ai.djl.engine.Engine;
import ai.onnxruntime.OrtEnvironment;
import io.energysentinel.contract.bundle.TrainingProvenance;
import java.util.LinkedHashMap;
import java.util.Map;

/** Builds {@link TrainingProvenance} with the versions of the libraries that produced the model. */
public final class Provenance {
    private Provenance() {}

    /** Provenance of a run over data with {@code fingerprint}. */
    public static TrainingProvenance of(String fingerprint, String description, long seed, long steps, Map<String, String> config) {
        Map<String, String> versions = new LinkedHashMap<>();
        versions.put("djl", Engine.getDjlVersion());
        versions.put("pytorch", Engine.getInstance().getVersion());
        versions.put("onnxruntime", OrtEnvironment.getEnvironment().getVersion());
        String own = Provenance.class.getPackage().getImplementationVersion();
        versions.put("energysentinel", own != null ? own : "dev");
        versions.put("java", System.getProperty("java.version"));
        return new TrainingProvenance(fingerprint, description, seed, steps, config, versions, null);
    }
}
