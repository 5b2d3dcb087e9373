package io.energysentinel.contract.records;

/** What a {@link ModelUpdate} asks of the job. */
public enum UpdateStage {
    /** Serve the bundle: alerts come from it from now on. */
    SERVE,
    /** Score beside the serving model as a candidate: shadow scores and tallies only, never alerts. */
    SHADOW,
    /** Stop shadow-scoring the named candidate: the gate rejected it. */
    END_SHADOW
}
