package io.energysentinel.contract.records;

/**
 * A record the job could not score, kept with the reason so nothing is lost.
 *
 * @param reason machine-readable reason
 * @param detail human-readable detail (which field, which value)
 * @param origin where it came from, e.g. {@code events-topic/2@1734}
 * @param payload the original payload, as UTF-8 text or base64 when it is not text
 * @param recordedAt processing time, epoch milliseconds
 */
public record DeadLetter(DeadLetterReason reason, String detail, String origin, String payload, long recordedAt) implements java.io.Serializable {}
