package io.energysentinel.job.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ImageRecord;
import io.energysentinel.contract.records.Outcome;
import io.energysentinel.job.model.ScoringInput;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Iterator;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Parses raw records into {@link ScoringInput}s, or says why not (the dead-letter reason). The model's input spec
 * is checked later, by the scorer, which knows the model in force.
 *
 * <p>Every check here guards the job against what a producer can send: payload size before anything is parsed,
 * strict UTF-8, JSON {@code null} and non-objects, ids and sources of bounded length (sources become state keys
 * and metric labels), event times not far in the future (a watermark pushed to the end of time would fire every
 * timer of the job), image dimensions that are positive and agree with the data, and a PNG's declared size read
 * from its header before a single pixel is decoded (a 69-byte PNG can declare 30000x30000).
 */
public final class RecordParser implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Largest accepted image side, whatever the byte budget. */
    static final int MAX_SIDE = 4096;
    /** Longest id or source accepted. */
    static final int MAX_NAME_CHARS = 256;
    /** Most features one event may carry. */
    static final int MAX_FEATURES = 1024;

    static {
        // Decode from memory only: no temporary files per image.
        ImageIO.setUseCache(false);
    }

    private final int maxImageBytes;
    private final long maxEventTimeSkewMillis;

    /** A parser refusing images above {@code maxImageBytes} (decoded bytes or pixels) and event times more than
     * {@code maxEventTimeSkewMillis} ahead of the processing clock. */
    public RecordParser(int maxImageBytes, long maxEventTimeSkewMillis) {
        this.maxImageBytes = maxImageBytes;
        this.maxEventTimeSkewMillis = maxEventTimeSkewMillis;
    }

    /** Largest payload in bytes that can hold an image of {@code maxImageBytes}: base64 or JSON floats plus slack. */
    public static long maxPayloadBytes(int maxImageBytes) {
        return 4L * maxImageBytes + 65_536;
    }

    /** Parses one raw record; never throws. */
    public Outcome<ScoringInput> parse(RawRecord raw) {
        byte[] bytes = raw.payload();
        if (bytes == null || bytes.length == 0) {
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "empty payload");
        }
        if (bytes.length > maxPayloadBytes(maxImageBytes)) {
            return Outcome.refused(DeadLetterReason.OVERSIZED, bytes.length + " bytes, limit " + maxPayloadBytes(maxImageBytes));
        }
        String text = DeadLetter.utf8(bytes);
        if (text == null) {
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "payload is not valid UTF-8");
        }
        try {
            return ScoringInput.IMAGE.equals(raw.kind()) ? image(text, raw) : event(text, raw);
        } catch (JsonProcessingException e) {
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "not a " + raw.kind() + " record: " + e.getOriginalMessage());
        } catch (RuntimeException e) {
            // Whatever a decoder throws on hostile input is that record's problem, never the job's.
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "not a " + raw.kind() + " record: " + e);
        }
    }

    private Outcome<ScoringInput> event(String text, RawRecord raw) throws JsonProcessingException {
        Event e = Json.compact().readValue(text, Event.class);
        if (e == null) {
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "payload is JSON null, not an event object");
        }
        Outcome<Boolean> header = header(e.id(), e.source(), e.eventTime());
        if (!header.ok()) {
            return header.refusal();
        }
        if (e.features() == null || e.features().isEmpty()) {
            return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "event has no features");
        }
        if (e.features().size() > MAX_FEATURES) {
            return Outcome.refused(DeadLetterReason.OVERSIZED, e.features().size() + " features, limit " + MAX_FEATURES);
        }
        for (Map.Entry<String, Double> f : e.features().entrySet()) {
            if (f.getValue() == null) {
                return Outcome.refused(DeadLetterReason.NON_FINITE, "feature '" + f.getKey() + "' is null");
            }
            if (!Double.isFinite(f.getValue())) {
                return Outcome.refused(DeadLetterReason.NON_FINITE, "feature '" + f.getKey() + "' is " + f.getValue());
            }
        }
        return Outcome.ok(new ScoringInput(e.id(), e.source(), e.eventTime(), ScoringInput.EVENT, e.features(), null, raw.origin(),
                raw.payload()));
    }

    private Outcome<Boolean> header(String id, String source, long eventTime) {
        if (id == null || id.isBlank() || source == null || source.isBlank()) {
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "a record needs a non-blank id and source");
        }
        if (id.length() > MAX_NAME_CHARS || source.length() > MAX_NAME_CHARS) {
            return Outcome.refused(DeadLetterReason.OVERSIZED, "id and source are limited to " + MAX_NAME_CHARS + " characters");
        }
        if (eventTime < 0) {
            return Outcome.refused(DeadLetterReason.OUT_OF_RANGE, "event time " + eventTime + " is negative");
        }
        long latest = System.currentTimeMillis() + maxEventTimeSkewMillis;
        if (eventTime > latest) {
            return Outcome.refused(DeadLetterReason.OUT_OF_RANGE, "event time " + eventTime + " is more than "
                    + maxEventTimeSkewMillis + " ms in the future");
        }
        return Outcome.ok(ACCEPTED);
    }

    private static final Boolean ACCEPTED = Boolean.TRUE;

    private Outcome<ScoringInput> image(String text, RawRecord raw) throws JsonProcessingException {
        ImageRecord r = Json.compact().readValue(text, ImageRecord.class);
        if (r == null) {
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "payload is JSON null, not an image object");
        }
        Outcome<Boolean> header = header(r.id(), r.source(), r.eventTime());
        if (!header.ok()) {
            return header.refusal();
        }
        if (r.encoding() == null) {
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "image needs an encoding");
        }
        Outcome<float[]> pixels = switch (r.encoding()) {
            case FLOATS -> floats(r);
            case RAW_U8 -> rawBytes(r);
            case PNG -> png(r);
        };
        if (!pixels.ok()) {
            return pixels.refusal();
        }
        return Outcome.ok(new ScoringInput(r.id(), r.source(), r.eventTime(), ScoringInput.IMAGE, null, pixels.value(), raw.origin(),
                raw.payload()));
    }

    /** Checks declared dimensions: positive, within {@link #MAX_SIDE}, and {@code count} values for them. */
    private Outcome<Boolean> dimensions(int width, int height, long count, String unit) {
        if (width <= 0 || height <= 0) {
            return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "width and height must be positive, got " + width + "x" + height);
        }
        if (width > MAX_SIDE || height > MAX_SIDE) {
            return Outcome.refused(DeadLetterReason.OVERSIZED, width + "x" + height + " exceeds " + MAX_SIDE + " per side");
        }
        if ((long) width * height != count) {
            return Outcome.refused(DeadLetterReason.WRONG_SHAPE, count + " " + unit + " for " + width + "x" + height);
        }
        return Outcome.ok(ACCEPTED);
    }

    private Outcome<float[]> floats(ImageRecord r) {
        if (r.pixels() == null) {
            return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "FLOATS image without pixels");
        }
        if (r.pixels().length > maxImageBytes) {
            return Outcome.refused(DeadLetterReason.OVERSIZED, r.pixels().length + " pixels, limit " + maxImageBytes);
        }
        Outcome<Boolean> dims = dimensions(r.width(), r.height(), r.pixels().length, "pixels");
        return dims.ok() ? Outcome.ok(r.pixels()) : dims.refusal();
    }

    /** The record's encoded bytes ({@code RAW_U8}, {@code PNG}): present and within the byte budget. */
    private Outcome<byte[]> data(ImageRecord r) {
        if (r.data() == null) {
            return Outcome.refused(DeadLetterReason.WRONG_SHAPE, r.encoding() + " image without data");
        }
        if (r.data().length > maxImageBytes) {
            return Outcome.refused(DeadLetterReason.OVERSIZED, r.data().length + " bytes, limit " + maxImageBytes);
        }
        return Outcome.ok(r.data());
    }

    private Outcome<float[]> rawBytes(ImageRecord r) {
        Outcome<byte[]> data = data(r);
        if (!data.ok()) {
            return data.refusal();
        }
        Outcome<Boolean> dims = dimensions(r.width(), r.height(), r.data().length, "bytes");
        if (!dims.ok()) {
            return dims.refusal();
        }
        float[] pixels = new float[r.data().length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (r.data()[i] & 0xFF) / 255f;
        }
        return Outcome.ok(pixels);
    }

    private Outcome<float[]> png(ImageRecord r) {
        Outcome<byte[]> data = data(r);
        if (!data.ok()) {
            return data.refusal();
        }
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(r.data()))) {
            Iterator<ImageReader> readers = in == null ? null : ImageIO.getImageReadersByFormatName("png");
            if (readers == null || !readers.hasNext()) {
                return Outcome.refused(DeadLetterReason.UNPARSEABLE, "no PNG decoder");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                // The header alone: width and height are known before any pixel is decoded.
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width > MAX_SIDE || height > MAX_SIDE || (long) width * height > maxImageBytes) {
                    return Outcome.refused(DeadLetterReason.OVERSIZED, "PNG declares " + width + "x" + height + ", limit "
                            + MAX_SIDE + " per side and " + maxImageBytes + " pixels");
                }
                if ((r.width() != 0 || r.height() != 0) && (r.width() != width || r.height() != height)) {
                    return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "record says " + r.width() + "x" + r.height()
                            + " but the PNG is " + width + "x" + height);
                }
                BufferedImage image = reader.read(0);
                return Outcome.ok(grey(image));
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "data is not a PNG image: " + e.getMessage());
        }
    }

    private static float[] grey(BufferedImage image) {
        float[] pixels = new float[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                // ITU-R BT.601 luma, the usual grey conversion.
                double grey = 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
                pixels[y * image.getWidth() + x] = (float) (grey / 255.0);
            }
        }
        return pixels;
    }
}
