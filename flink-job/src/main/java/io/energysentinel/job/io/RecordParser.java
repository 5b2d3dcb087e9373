package io.energysentinel.job.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.InputSpec;
import io.energysentinel.contract.bundle.InputValidator;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.ImageRecord;
import io.energysentinel.contract.records.Outcome;
import io.energysentinel.job.model.ScoringInput;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Parses raw records into {@link ScoringInput}s, or says why not (the dead-letter reason), and checks them against
 * the input spec of the model serving their kind: the vector a record becomes is the model's input, in its order.
 * A model swap never changes a line's input (same shape, feature names and range, {@code ModelHolder} refuses any
 * other), so the start-up bundles' specs hold for the job's life; the scorer checks again all the same.
 *
 * <p>Every check here guards the job against what a producer can send: payload size before anything is parsed,
 * strict UTF-8, JSON {@code null} and non-objects, ids and sources of bounded length (sources become state keys
 * and metric labels), event times not far in the future (a watermark pushed to the end of time would fire every
 * timer of the job), image dimensions that are positive and agree with the data, and a PNG's declared size read
 * from its header before a single pixel is decoded (a 69-byte PNG can declare 30000x30000).
 *
 * <p>Events are read token by token (Jackson's {@link JsonParser}) straight into a {@code float[]} in the model's
 * feature order: no text copy of the payload, no tree, no boxed map. Jackson's stream limits still apply (nesting
 * depth 1000, number length), and what they refuse is unparseable, never an exception out of {@link #parse}.
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

    /** {@code v / 255f} for every byte value: a lookup instead of a division per pixel, the same floats. */
    private static final float[] GREY = new float[256];

    static {
        for (int v = 0; v < GREY.length; v++) {
            GREY[v] = v / 255f;
        }
    }

    private final int maxImageBytes;
    private final long maxEventTimeSkewMillis;
    /** The input spec of the model serving each record kind; a kind without one gets {@code NO_MODEL}. */
    private final Map<String, InputSpec> specs;
    private transient Map<String, Integer> featureIndex;
    private transient Map<String, InputValidator> validators;

    /**
     * A parser refusing images above {@code maxImageBytes} (decoded bytes or pixels) and event times more than
     * {@code maxEventTimeSkewMillis} ahead of the processing clock, and shaping records for the models whose input
     * specs {@code specs} holds by record kind ({@link ScoringInput#EVENT}, {@link ScoringInput#IMAGE}).
     */
    public RecordParser(int maxImageBytes, long maxEventTimeSkewMillis, Map<String, InputSpec> specs) {
        this.maxImageBytes = maxImageBytes;
        this.maxEventTimeSkewMillis = maxEventTimeSkewMillis;
        this.specs = Map.copyOf(specs);
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
        if (!isUtf8(bytes)) {
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "payload is not valid UTF-8");
        }
        try {
            return ScoringInput.IMAGE.equals(raw.kind()) ? image(bytes, raw) : event(bytes, raw);
        } catch (Refusal r) {
            return Outcome.refused(r.reason, r.detail);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "not a " + raw.kind() + " record: " + e.getOriginalMessage());
        } catch (IOException | RuntimeException e) {
            // Whatever a decoder throws on hostile input is that record's problem, never the job's.
            return Outcome.refused(DeadLetterReason.UNPARSEABLE, "not a " + raw.kind() + " record: " + e);
        }
    }

    /** Strict UTF-8: all-ASCII payloads (the usual JSON) pass at a glance; others are decoded with errors reported. */
    static boolean isUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return DeadLetter.utf8(bytes) != null;
            }
        }
        return true;
    }

    private static JsonFactory factory() {
        // The wire mapper's factory: NaN and Infinity are read (so they are refused as non-finite, not unparseable).
        return Json.compact().getFactory();
    }

    private Outcome<ScoringInput> event(byte[] bytes, RawRecord raw) throws IOException {
        try (JsonParser p = factory().createParser(bytes)) {
            // FastDoubleParser: the same correctly rounded doubles, several times faster than the JDK's parse.
            p.enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER.mappedFeature());
            JsonToken t = p.nextToken();
            if (t == JsonToken.VALUE_NULL) {
                return Outcome.refused(DeadLetterReason.UNPARSEABLE, "payload is JSON null, not an event object");
            }
            if (t != JsonToken.START_OBJECT) {
                return Outcome.refused(DeadLetterReason.UNPARSEABLE, "not a event record: expected a JSON object, got "
                        + (t == null ? "no content" : t.asString() == null ? t.name() : t.asString()));
            }
            String id = null;
            String source = null;
            Long eventTime = null;
            EventFeatures features = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "id" -> id = text(p, value, field);
                    case "source" -> source = text(p, value, field);
                    case "eventTime" -> eventTime = longValue(p, value, field);
                    case "features" -> features = value == JsonToken.VALUE_NULL ? null : features(p, value);
                    default -> p.skipChildren();
                }
            }
            if (eventTime == null) {
                return Outcome.refused(DeadLetterReason.UNPARSEABLE, "not a event record: missing eventTime");
            }
            Outcome<Boolean> header = header(id, source, eventTime);
            if (!header.ok()) {
                return header.refusal();
            }
            if (features == null || features.count == 0) {
                return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "event has no features");
            }
            if (features.count > MAX_FEATURES) {
                return Outcome.refused(DeadLetterReason.OVERSIZED, features.count + " features, limit " + MAX_FEATURES);
            }
            if (features.nonFinite != null) {
                return Outcome.refused(DeadLetterReason.NON_FINITE, features.nonFinite);
            }
            Outcome<float[]> vector = features.vector();
            if (!vector.ok()) {
                return vector.refusal();
            }
            return Outcome.ok(new ScoringInput(id, source, eventTime, ScoringInput.EVENT, vector.value(), raw.origin(), raw.payload()));
        }
    }

    /** A string field; numbers and booleans are taken as their text (as data binding did), structures are refused. */
    private static String text(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        if (t.isScalarValue()) {
            return p.getText();
        }
        throw new Refusal(DeadLetterReason.UNPARSEABLE, "not a record: '" + field + "' must be a string, got " + t);
    }

    /** An integral field; a float is truncated and a numeric string read, as data binding did. */
    private static long longValue(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return p.getLongValue();
        }
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            double d = p.getDoubleValue();
            if (Double.isFinite(d) && d >= Long.MIN_VALUE && d <= Long.MAX_VALUE) {
                return (long) d;
            }
        } else if (t == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(p.getText().trim());
            } catch (NumberFormatException e) {
                // refused below
            }
        }
        throw new Refusal(DeadLetterReason.UNPARSEABLE, "not a record: '" + field + "' must be an integer, got "
                + (t.isScalarValue() ? abbreviate(p.getText()) : t.toString()));
    }

    private EventFeatures features(JsonParser p, JsonToken t) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            throw new Refusal(DeadLetterReason.UNPARSEABLE, "not a event record: 'features' must be an object of numbers, got " + t);
        }
        InputSpec spec = specs.get(ScoringInput.EVENT);
        EventFeatures f = new EventFeatures(spec == null ? null : spec.recordFeatureNames());
        Map<String, Integer> index = featureIndex();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            f.count++;
            if (f.count > MAX_FEATURES) {
                // Counted, not kept: the refusal comes after the header checks, as for any other record.
                p.skipChildren();
                continue;
            }
            double v;
            String bad = null;
            switch (value) {
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> v = p.getDoubleValue();
                case VALUE_NULL -> {
                    v = Double.NaN;
                    bad = "null";
                }
                case VALUE_STRING -> v = numericText(p.getText(), name);
                default -> throw new Refusal(DeadLetterReason.UNPARSEABLE, "not a event record: feature '" + abbreviate(name)
                        + "' must be a number, got " + value);
            }
            if (f.nonFinite == null && (bad != null || !Double.isFinite(v))) {
                f.nonFinite = "feature '" + name + "' is " + (bad != null ? bad : Double.toString(v));
            }
            Integer i = index == null ? null : index.get(name);
            if (i == null) {
                if (f.unknown == null) {
                    f.unknown = name;
                }
            } else {
                f.values[i] = (float) v;
                f.seen[i] = true;
            }
        }
        return f;
    }

    private static double numericText(String text, String name) {
        try {
            return Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new Refusal(DeadLetterReason.UNPARSEABLE, "not a event record: feature '" + abbreviate(name) + "' is not a number: '"
                    + abbreviate(text) + "'");
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "…";
    }

    /** Name to input position of the event model's features; {@code null} when no event model is served. */
    private Map<String, Integer> featureIndex() {
        if (featureIndex == null && specs.containsKey(ScoringInput.EVENT)) {
            List<String> names = specs.get(ScoringInput.EVENT).recordFeatureNames();
            Map<String, Integer> index = new HashMap<>();
            for (int i = 0; i < names.size(); i++) {
                index.put(names.get(i), i);
            }
            featureIndex = index;
        }
        return featureIndex;
    }

    /** An event's features as read: a vector in model order and the first problem of each kind, in document order. */
    private final class EventFeatures {
        final List<String> names;
        final float[] values;
        final boolean[] seen;
        int count;
        String nonFinite;
        String unknown;

        EventFeatures(List<String> names) {
            this.names = names;
            this.values = names == null ? null : new float[names.size()];
            this.seen = names == null ? null : new boolean[names.size()];
        }

        /** The model's input vector, or why not: no event model, an unknown or missing feature, a value out of spec. */
        Outcome<float[]> vector() {
            if (names == null) {
                return noModel(ScoringInput.EVENT);
            }
            if (unknown != null) {
                return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "unknown feature '" + unknown + "'; the model takes " + names);
            }
            for (int i = 0; i < seen.length; i++) {
                if (!seen[i]) {
                    return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "missing feature '" + names.get(i) + "'");
                }
            }
            return validator(ScoringInput.EVENT).checkRecord(values);
        }
    }

    private <T> Outcome<T> noModel(String kind) {
        return Outcome.refused(DeadLetterReason.NO_MODEL, "this job serves no " + kind + " model (it serves "
                + new TreeSet<>(specs.keySet()) + ")");
    }

    private InputValidator validator(String kind) {
        if (validators == null) {
            Map<String, InputValidator> v = new HashMap<>();
            specs.forEach((k, spec) -> v.put(k, new InputValidator(spec)));
            validators = v;
        }
        return validators.get(kind);
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

    private Outcome<ScoringInput> image(byte[] bytes, RawRecord raw) throws IOException {
        ImageRecord r = Json.compact().readValue(bytes, ImageRecord.class);
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
        if (!specs.containsKey(ScoringInput.IMAGE)) {
            return noModel(ScoringInput.IMAGE);
        }
        Outcome<float[]> checked = validator(ScoringInput.IMAGE).check(pixels.value());
        if (!checked.ok()) {
            return checked.refusal();
        }
        return Outcome.ok(new ScoringInput(r.id(), r.source(), r.eventTime(), ScoringInput.IMAGE, checked.value(), raw.origin(),
                raw.payload()));
    }

    /** A refusal found deep inside a record's tokens. */
    private static final class Refusal extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final DeadLetterReason reason;
        final String detail;

        Refusal(DeadLetterReason reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
            this.detail = detail;
        }
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
        byte[] bytes = r.data();
        float[] pixels = new float[bytes.length];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = GREY[bytes[i] & 0xFF];
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
