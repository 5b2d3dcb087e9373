package io.energysentinel.alerts;

/** Why an incident record was emitted. */
public enum IncidentStatus {
    /** The first alert of a source after a quiet period. */
    OPENED,
    /** A later alert of the same incident raised its severity. */
    ESCALATED,
    /** No alert for the inactivity gap: the incident is over; carries the final counts. */
    RESOLVED
}
