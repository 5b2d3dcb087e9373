package io.energysentinel.alerts;

/** How urgently an incident needs a person, in increasing order. */
public enum Severity {
    /** Worth a ticket. */
    WARNING,
    /** Worth a page: many alerts, or one far above its threshold. */
    CRITICAL
}
