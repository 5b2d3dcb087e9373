package io.energysentinel.contract.records;

/**
 * Where in its episode an {@link Alert} was raised. Every record of one episode carries the same
 * {@link Alert#alertId()}, as incident tools expect of trigger and resolve events.
 */
public enum AlertPhase {
    /** The first score above the threshold: the episode opens. This is the page. */
    OPENED,
    /** A score higher than any before in the open episode: the incident learns its worst record. */
    PEAK,
    /** The episode closed: enough normal records in a row, or its source went silent. */
    CLOSED
}
