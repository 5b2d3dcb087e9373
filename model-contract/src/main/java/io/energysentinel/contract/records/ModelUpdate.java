package io.energysentinel.contract.records;

/**
 * Announces a new model bundle to the scoring job. Carries metadata only, never the bytes.
 *
 * <p>The job accepts an update only for the model line it serves, only from a directory under its configured
 * model roots, only with the graph's SHA-256, and only for a newer version than the one in force, unless
 * {@code rollback} says the older version is wanted on purpose.
 *
 * @param modelId model line
 * @param modelVersion bundle version
 * @param uri where the bundle directory is: {@code file:///models/fashion-conv/v7} or an absolute path
 * @param sha256 SHA-256 of the bundle's ONNX file (64 hex digits); required
 * @param rollback whether an older version than the serving one is wanted on purpose
 * @param stage what the job should do with the bundle; absent means {@link UpdateStage#SERVE}
 */
public record ModelUpdate(String modelId, String modelVersion, String uri, String sha256, boolean rollback, UpdateStage stage)
        implements java.io.Serializable {
    public ModelUpdate {
        stage = stage == null ? UpdateStage.SERVE : stage;
    }

    /** An update to serve a newer version. */
    public ModelUpdate(String modelId, String modelVersion, String uri, String sha256) {
        this(modelId, modelVersion, uri, sha256, false, UpdateStage.SERVE);
    }

    /** An update to serve, older on purpose when {@code rollback}. */
    public ModelUpdate(String modelId, String modelVersion, String uri, String sha256, boolean rollback) {
        this(modelId, modelVersion, uri, sha256, rollback, UpdateStage.SERVE);
    }

    /** This update at {@code newStage}. */
    public ModelUpdate at(UpdateStage newStage) {
        return new ModelUpdate(modelId, modelVersion, uri, sha256, rollback, newStage);
    }
}
