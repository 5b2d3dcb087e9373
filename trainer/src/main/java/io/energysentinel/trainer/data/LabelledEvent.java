package io.energysentinel.trainer.data;

import io.energysentinel.contract.records.Event;

/**
 * A generated event with its ground truth.
 *
 * @param event the wire event
 * @param anomaly the injected anomaly, or {@code null} for a normal event
 */
public record LabelledEvent(Event event, AnomalyKind anomaly) {
    /** Whether an anomaly was injected into this event. */
    public boolean anomalous() {
        return anomaly != null;
    }
}
