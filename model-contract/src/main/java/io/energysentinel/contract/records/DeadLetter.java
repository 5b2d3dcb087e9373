package io.energysentinel.contract.records;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * A record the job could not score, kept with the reason so nothing is lost.
 *
 * <p>The payload is kept as its size, its SHA-256 and a bounded prefix, never whole: a dead letter must fit any
 * topic whatever the input topic accepts (a 2 MB image once failed the dead-letter producer with
 * {@code RecordTooLargeException} and crash-looped the job). Build one with {@link #of}.
 *
 * @param reason machine-readable reason
 * @param detail human-readable detail (which field, which value)
 * @param origin where it came from, e.g. {@code events-topic/2@1734}
 * @param payload the first at most {@link #MAX_PAYLOAD_BYTES} bytes of the original payload, as UTF-8 text when
 *     the whole payload is valid UTF-8, else as base64
 * @param payloadEncoding {@code utf-8} or {@code base64}: how {@code payload} holds the bytes
 * @param payloadBytes size of the original payload in bytes
 * @param payloadSha256 lower-case hex SHA-256 of the whole original payload
 * @param payloadTruncated whether {@code payload} is only a prefix
 * @param recordedAt processing time, epoch milliseconds
 */
public record DeadLetter(DeadLetterReason reason, String detail, String origin, String payload, String payloadEncoding,
                         long payloadBytes, String payloadSha256, boolean payloadTruncated, long recordedAt)
        implements java.io.Serializable {
    /** Most payload bytes a dead letter keeps. */
    public static final int MAX_PAYLOAD_BYTES = 4096;
    /** Most characters of {@code detail} kept: details quote record content. */
    public static final int MAX_DETAIL_CHARS = 1024;
    /** {@link #payloadEncoding()} of text payloads. */
    public static final String UTF_8 = "utf-8";
    /** {@link #payloadEncoding()} of payloads that are not valid UTF-8. */
    public static final String BASE64 = "base64";

    /** The dead letter of {@code raw} (the record's bytes as they arrived; {@code null} counts as empty). */
    public static DeadLetter of(DeadLetterReason reason, String detail, String origin, byte[] raw, long recordedAt) {
        byte[] bytes = raw == null ? new byte[0] : raw;
        boolean truncated = bytes.length > MAX_PAYLOAD_BYTES;
        String text = utf8(bytes);
        String payload;
        String encoding;
        if (text != null) {
            encoding = UTF_8;
            payload = truncated ? utf8Prefix(bytes) : text;
        } else {
            encoding = BASE64;
            payload = Base64.getEncoder().encodeToString(truncated ? Arrays.copyOf(bytes, MAX_PAYLOAD_BYTES) : bytes);
        }
        String shortDetail = detail != null && detail.length() > MAX_DETAIL_CHARS ? detail.substring(0, MAX_DETAIL_CHARS) + "…" : detail;
        return new DeadLetter(reason, shortDetail, origin, payload, encoding, bytes.length, sha256(bytes), truncated, recordedAt);
    }

    /** {@code bytes} as text when they are valid UTF-8, else {@code null}. */
    public static String utf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            return decoder.decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static String utf8Prefix(byte[] bytes) {
        // Decode at most MAX_PAYLOAD_BYTES and drop a character cut in half at the end.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(MAX_PAYLOAD_BYTES);
        decoder.decode(ByteBuffer.wrap(bytes, 0, MAX_PAYLOAD_BYTES), out, false);
        return out.flip().toString();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
