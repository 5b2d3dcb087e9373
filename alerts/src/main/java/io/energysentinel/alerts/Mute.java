package io.energysentinel.alerts;

/**
 * A maintenance mute, the value of a record keyed by source on the mutes topic (a tombstone lifts it):
 * alerts of that source with an event time before {@code until} raise no incident.
 *
 * @param until end of the mute, epoch milliseconds
 * @param reason why, for the people reading the log
 */
public record Mute(long until, String reason) {}
