package io.energysentinel.job.io;

/**
 * A record as it arrived, before parsing: its bytes and where it came from. Bytes, not text: a payload that is
 * not UTF-8 must reach the dead-letter topic as it was (base64), not with its bad bytes replaced.
 *
 * @param kind {@code event} or {@code image}
 * @param payload the record's value as it arrived; {@code null} for a Kafka tombstone
 * @param origin topic/partition@offset, or file:line
 */
public record RawRecord(String kind, byte[] payload, String origin) {
    /** A record whose payload is {@code text} in UTF-8. */
    public static RawRecord ofText(String kind, String text, String origin) {
        return new RawRecord(kind, text == null ? null : text.getBytes(java.nio.charset.StandardCharsets.UTF_8), origin);
    }
}
