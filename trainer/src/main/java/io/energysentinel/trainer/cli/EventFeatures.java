package io.energysentinel.trainer.cli;

import io.energysentinel.contract.bundle.SourceHistory;

/** What an event model is fed, as {@code train --kind mlp} and {@code evaluate-events} take it ({@code --features}). */
public enum EventFeatures {
    /** Each record's metrics alone. */
    raw,
    /** The metrics and the source's history ({@link SourceHistory}), which the scoring job keeps per source. */
    temporal;

    /** The option's description, shared by the commands that take it. */
    static final String DESCRIPTION = "raw: each event's metrics alone; temporal: also each source's history (per metric, the"
            + " deviation from the source's moving average and how long the value has not changed), which the job keeps per"
            + " source; stuck sensors need it (default ${DEFAULT-VALUE}).";

    /** Whether these features include the source's history. */
    public boolean withHistory() {
        return this == temporal;
    }
}
