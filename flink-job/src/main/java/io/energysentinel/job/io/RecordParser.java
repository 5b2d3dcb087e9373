package io.energysentinel.job.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ImageEncoding;
import io.energysentinel.contract.records.ImageRecord;
import io.energysentinel.job.model.ScoringInput;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Parses raw JSON records into {@link ScoringInput}s, or says why not (the dead-letter reason). The model's
 * input spec is checked later, by the scorer, which knows the model in force.
 */
public final class RecordParser implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Largest accepted image side, whatever the byte budget: decoding a huge PNG is itself an attack. */
    static final int MAX_SIDE = 4096;

    private final int maxImageBytes;

    /** A parser refusing image payloads above {@code maxImageBytes}. */
    public RecordParser(int maxImageBytes) {
        this.maxImageBytes = maxImageBytes;
    }

    /** The outcome: an input, or a reason and detail. */
    public record Parsed(ScoringInput input, DeadLetterReason reason, String detail) {
        static Parsed ok(ScoringInput input) {
            return new Parsed(input, null, null);
        }

        static Parsed refused(DeadLetterReason reason, String detail) {
            return new Parsed(null, reason, detail);
        }

        /** Whether parsing succeeded. */
        public boolean ok() {
            return input != null;
        }
    }

    /** Parses one raw record. */
    public Parsed parse(RawRecord raw) {
        if (raw.payload() == null || raw.payload().isBlank()) {
            return Parsed.refused(DeadLetterReason.UNPARSEABLE, "empty payload");
        }
        if (raw.payload().length() > 4L * maxImageBytes + 65_536) {
            return Parsed.refused(DeadLetterReason.OVERSIZED, raw.payload().length() + " characters of JSON");
        }
        try {
            return ScoringInput.IMAGE.equals(raw.kind()) ? image(raw) : event(raw);
        } catch (JsonProcessingException e) {
            return Parsed.refused(DeadLetterReason.UNPARSEABLE, "not a " + raw.kind() + " record: " + e.getOriginalMessage());
        }
    }

    private Parsed event(RawRecord raw) throws JsonProcessingException {
        Event e = Json.compact().readValue(raw.payload(), Event.class);
        if (e.id() == null || e.source() == null) {
            return Parsed.refused(DeadLetterReason.UNPARSEABLE, "event needs an id and a source");
        }
        if (e.features() == null || e.features().isEmpty()) {
            return Parsed.refused(DeadLetterReason.WRONG_SHAPE, "event has no features");
        }
        for (Map.Entry<String, Double> f : e.features().entrySet()) {
            if (f.getValue() == null) {
                return Parsed.refused(DeadLetterReason.NON_FINITE, "feature '" + f.getKey() + "' is null");
            }
            if (!Double.isFinite(f.getValue())) {
                return Parsed.refused(DeadLetterReason.NON_FINITE, "feature '" + f.getKey() + "' is " + f.getValue());
            }
        }
        return Parsed.ok(new ScoringInput(e.id(), e.source(), e.eventTime(), ScoringInput.EVENT, e.features(), null, raw.origin()));
    }

    private Parsed image(RawRecord raw) throws JsonProcessingException {
        ImageRecord r = Json.compact().readValue(raw.payload(), ImageRecord.class);
        if (r.id() == null || r.source() == null || r.encoding() == null) {
            return Parsed.refused(DeadLetterReason.UNPARSEABLE, "image needs an id, a source and an encoding");
        }
        if (r.width() > MAX_SIDE || r.height() > MAX_SIDE) {
            return Parsed.refused(DeadLetterReason.OVERSIZED, r.width() + "x" + r.height() + " exceeds " + MAX_SIDE + " per side");
        }
        float[] pixels;
        if (r.encoding() == ImageEncoding.FLOATS) {
            if (r.pixels() == null) {
                return Parsed.refused(DeadLetterReason.WRONG_SHAPE, "FLOATS image without pixels");
            }
            if (r.pixels().length > maxImageBytes) {
                return Parsed.refused(DeadLetterReason.OVERSIZED, r.pixels().length + " pixels, limit " + maxImageBytes);
            }
            pixels = r.pixels();
        } else {
            if (r.data() == null) {
                return Parsed.refused(DeadLetterReason.WRONG_SHAPE, r.encoding() + " image without data");
            }
            if (r.data().length > maxImageBytes) {
                return Parsed.refused(DeadLetterReason.OVERSIZED, r.data().length + " bytes, limit " + maxImageBytes);
            }
            if (r.encoding() == ImageEncoding.RAW_U8) {
                if (r.data().length != r.width() * r.height()) {
                    return Parsed.refused(DeadLetterReason.WRONG_SHAPE, r.data().length + " bytes for " + r.width() + "x" + r.height());
                }
                pixels = new float[r.data().length];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (r.data()[i] & 0xFF) / 255f;
                }
            } else {
                Parsed png = decodePng(r.data());
                if (!png.ok() && png.reason() != null) {
                    return png;
                }
                pixels = png.input().pixels();
            }
        }
        return Parsed.ok(new ScoringInput(r.id(), r.source(), r.eventTime(), ScoringInput.IMAGE, null, pixels, raw.origin()));
    }

    private Parsed decodePng(byte[] data) {
        BufferedImage image;
        try {
            image = ImageIO.read(new ByteArrayInputStream(data));
        } catch (IOException | RuntimeException e) {
            return Parsed.refused(DeadLetterReason.UNPARSEABLE, "PNG does not decode: " + e.getMessage());
        }
        if (image == null) {
            return Parsed.refused(DeadLetterReason.UNPARSEABLE, "data is not a PNG image");
        }
        if (image.getWidth() > MAX_SIDE || image.getHeight() > MAX_SIDE) {
            return Parsed.refused(DeadLetterReason.OVERSIZED, image.getWidth() + "x" + image.getHeight());
        }
        float[] pixels = new float[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int rgb = image.getRGB(x, y);
                // ITU-R BT.601 luma, the usual grey conversion.
                double grey = 0.299 * ((rgb >> 16) & 0xFF) + 0.587 * ((rgb >> 8) & 0xFF) + 0.114 * (rgb & 0xFF);
                pixels[y * image.getWidth() + x] = (float) (grey / 255.0);
            }
        }
        return Parsed.ok(new ScoringInput(null, null, 0, ScoringInput.IMAGE, null, pixels, null));
    }
}
