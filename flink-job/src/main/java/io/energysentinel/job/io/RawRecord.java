package io.energysentinel.job.io;

/**
 * A record as it arrived, before parsing: its text and where it came from.
 *
 * @param kind {@code event} or {@code image}
 * @param payload the JSON text
 * @param origin topic/partition@offset, or file:line
 */
public record RawRecord(String kind, String payload, String origin) {}
