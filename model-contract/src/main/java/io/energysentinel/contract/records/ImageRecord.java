package io.energysentinel.contract.records;

/**
 * An image to score, one JSON object per Kafka message.
 *
 * @param id unique id, carried into alerts
 * @param source what emitted it (camera, line, upstream service)
 * @param eventTime event time, epoch milliseconds
 * @param encoding how {@code data} or {@code pixels} holds the image
 * @param width width in pixels (for {@link ImageEncoding#RAW_U8} and {@link ImageEncoding#FLOATS})
 * @param height height in pixels (for {@link ImageEncoding#RAW_U8} and {@link ImageEncoding#FLOATS})
 * @param data raw unsigned bytes (row-major, grey) or PNG file bytes; base64 in JSON
 * @param pixels grey values in [0, 1], row-major, for {@link ImageEncoding#FLOATS}
 */
public record ImageRecord(
        String id, String source, long eventTime, ImageEncoding encoding,
        int width, int height, byte[] data, float[] pixels) implements java.io.Serializable {}
