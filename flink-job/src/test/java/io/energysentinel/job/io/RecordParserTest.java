package io.energysentinel.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.bundle.InputSpec;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.Outcome;
import io.energysentinel.job.model.ScoringInput;
import java.util.List;
import java.util.Map;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class RecordParserTest {
    /** An event model taking cpu and mem, in that order, and a 2x2 image model. */
    private static final Map<String, InputSpec> SPECS = Map.of(
            ScoringInput.EVENT, new InputSpec("x", List.of(2), "float32", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                    List.of("cpu", "mem"), null, null),
            ScoringInput.IMAGE, new InputSpec("x", List.of(1, 2, 2), "float32", 0, 1, List.of(), null, null));
    private final RecordParser parser = new RecordParser(4096, 3_600_000, SPECS);

    @Test
    void parsesAnEventIntoTheModelsFeatureOrder() {
        var p = parser.parse(RawRecord.ofText("event",
                "{\"id\":\"e1\",\"source\":\"h\",\"extra\":{\"a\":[1,{\"b\":null}]},\"eventTime\":5,\"features\":{\"mem\":2,\"cpu\":1.5}}",
                "t/0@1"));
        assertThat(p.ok()).isTrue();
        assertThat(p.value().values()).containsExactly(1.5f, 2f);
        assertThat(p.value().eventTime()).isEqualTo(5);
        assertThat(p.value().id()).isEqualTo("e1");
        assertThat(p.value().source()).isEqualTo("h");
        assertThat(p.value().origin()).isEqualTo("t/0@1");
    }

    @Test
    void refusesEventsThatDoNotFitTheModelWithTheReason() {
        assertThat(refusal("event", event("{\"cpu\":1,\"mem\":2,\"disk\":3}")).detail()).contains("unknown feature 'disk'");
        assertThat(reason("event", event("{\"cpu\":1,\"mem\":2,\"disk\":3}"))).isEqualTo(DeadLetterReason.WRONG_SHAPE);
        assertThat(refusal("event", event("{\"cpu\":1}")).detail()).contains("missing feature 'mem'");
        assertThat(reason("event", event("{\"cpu\":1e39,\"mem\":2}"))).as("finite as a double, infinite as the model's float")
                .isEqualTo(DeadLetterReason.NON_FINITE);
        var noEventModel = new RecordParser(4096, 3_600_000, Map.of(ScoringInput.IMAGE, SPECS.get(ScoringInput.IMAGE)));
        var p = noEventModel.parse(RawRecord.ofText("event", event("{\"cpu\":1,\"mem\":2}"), "x"));
        assertThat(p.reason()).isEqualTo(DeadLetterReason.NO_MODEL);
        assertThat(p.detail()).contains("no event model");
    }

    @Test
    void refusesHostileEventsAsDeadLettersNeverWithAnException() {
        assertThat(reason("event", event("{\"cpu\":1e400,\"mem\":2}"))).as("1e400").isEqualTo(DeadLetterReason.NON_FINITE);
        assertThat(refusal("event", event("{\"cpu\":1e400,\"mem\":2}")).detail()).contains("'cpu' is Infinity");
        assertThat(reason("event", event("{\"cpu\":Infinity,\"mem\":2}"))).isEqualTo(DeadLetterReason.NON_FINITE);
        assertThat(reason("event", event("{\"cpu\":\"NaN\",\"mem\":2}"))).as("NaN as text").isEqualTo(DeadLetterReason.NON_FINITE);
        assertThat(reason("event", event("{\"cpu\":\"abc\",\"mem\":2}"))).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", event("{\"cpu\":true,\"mem\":2}"))).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", event("{\"cpu\":[1],\"mem\":2}"))).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", event("{\"cpu\":{\"a\":1},\"mem\":2}"))).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", event("[1,2]"))).as("features not an object").isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", event("null"))).isEqualTo(DeadLetterReason.WRONG_SHAPE);
        assertThat(reason("event", event("{\"cpu\":" + "1".repeat(5000) + ",\"mem\":2}"))).as("a 5000-digit number")
                .isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", event("{\"cpu\":1,\"mem\":2,\"x\":" + "[".repeat(3000) + "]".repeat(3000) + "}")))
                .as("deep nesting inside features").isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":3,\"deep\":" + "{\"a\":".repeat(3000) + "1"
                + "}".repeat(3000) + ",\"features\":{\"cpu\":1,\"mem\":2}}")).as("deep nesting in an ignored field")
                .isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "{\"id\":\"" + "x".repeat(1_000_000) + "\",\"source\":\"h\",\"eventTime\":3,\"features\":{\"cpu\":1,\"mem\":2}}"))
                .as("a huge id").isEqualTo(DeadLetterReason.OVERSIZED);
        assertThat(reason("event", "{\"id\":{\"a\":1},\"source\":\"h\",\"eventTime\":3,\"features\":{\"cpu\":1,\"mem\":2}}"))
                .as("id an object").isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":\"soon\",\"features\":{\"cpu\":1,\"mem\":2}}"))
                .as("event time not a number").isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":1e400,\"features\":{\"cpu\":1,\"mem\":2}}"))
                .as("event time 1e400").isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":99999999999999999999999,\"features\":{\"cpu\":1}}"))
                .as("event time beyond long").isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", event("{\"cpu\":1,\"mem\":2"))).as("truncated").isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "   ")).as("whitespace only").isEqualTo(DeadLetterReason.UNPARSEABLE);
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 2000; i++) {
            many.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":1");
        }
        assertThat(reason("event", event(many.append("}").toString()))).isEqualTo(DeadLetterReason.OVERSIZED);
    }

    @Test
    void readsNumbersAndIdsTheWayDataBindingDid() {
        var p = parser.parse(RawRecord.ofText("event",
                "{\"id\":17,\"source\":\"h\",\"eventTime\":\"12\",\"features\":{\"cpu\":\"1.5\",\"mem\":-2e-3,\"mem\":4}}", "x"));
        assertThat(p.ok()).isTrue();
        assertThat(p.value().id()).isEqualTo("17");
        assertThat(p.value().eventTime()).isEqualTo(12);
        assertThat(p.value().values()).as("the last of a repeated key wins").containsExactly(1.5f, 4f);
    }

    private static String event(String features) {
        return "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":3,\"features\":" + features + "}";
    }

    private Outcome<ScoringInput> refusal(String kind, String payload) {
        var p = parser.parse(RawRecord.ofText(kind, payload, "origin"));
        assertThat(p.ok()).isFalse();
        return p;
    }

    @Test
    void refusesBrokenJsonMissingIdsNullsAndNonFiniteValues() {
        assertThat(reason("event", "{\"id\":")).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "{\"source\":\"h\",\"features\":{\"cpu\":1}}")).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":3,\"features\":{\"cpu\":null}}")).isEqualTo(DeadLetterReason.NON_FINITE);
        assertThat(reason("image", "{\"id\":\"i\",\"source\":\"cam\",\"eventTime\":1,\"encoding\":\"FLOATS\",\"width\":2,\"height\":2,"
                + "\"pixels\":[0.5,2,0,0]}")).as("outside the model's range").isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":3,\"features\":{\"cpu\":NaN}}")).isEqualTo(DeadLetterReason.NON_FINITE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":3,\"features\":{\"cpu\":-Infinity}}")).isEqualTo(DeadLetterReason.NON_FINITE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":3,\"features\":{}}")).isEqualTo(DeadLetterReason.WRONG_SHAPE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"features\":{\"cpu\":1}}")).as("no event time").isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "")).isEqualTo(DeadLetterReason.UNPARSEABLE);
    }

    @Test
    void decodesRawBytesAndPngToGreyPixels() throws Exception {
        byte[] raw = new byte[4];
        raw[1] = (byte) 255;
        var p = parser.parse(RawRecord.ofText("image", image("RAW_U8", 2, 2, raw), "x"));
        assertThat(p.value().values()).containsExactly(0f, 1f, 0f, 0f);

        BufferedImage png = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        png.getRaster().setSample(2, 1, 0, 255);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(png, "png", bytes);
        var q = new RecordParser(4096, 3_600_000, Map.of(ScoringInput.IMAGE, new InputSpec("x", List.of(1, 2, 3), "float32", 0, 1,
                List.of(), null, null))).parse(RawRecord.ofText("image", image("PNG", 0, 0, bytes.toByteArray()), "x"));
        assertThat(q.value().values()).hasSize(6);
        assertThat(q.value().values()[5]).isEqualTo(1f);
        assertThat(reason("image", image("PNG", 0, 0, bytes.toByteArray()))).as("6 pixels for a 2x2 model").isEqualTo(DeadLetterReason.WRONG_SHAPE);
    }

    @Test
    void refusesOversizedMismatchedAndUndecodableImages() {
        assertThat(reason("image", image("RAW_U8", 100, 100, new byte[10_000]))).isEqualTo(DeadLetterReason.OVERSIZED);
        assertThat(reason("image", image("RAW_U8", 5000, 1, new byte[10]))).isEqualTo(DeadLetterReason.OVERSIZED);
        assertThat(reason("image", image("RAW_U8", 3, 3, new byte[4]))).isEqualTo(DeadLetterReason.WRONG_SHAPE);
        assertThat(reason("image", image("PNG", 0, 0, new byte[] {1, 2, 3}))).isEqualTo(DeadLetterReason.UNPARSEABLE);
    }

    @Test
    void refusesJsonNullAndNonObjectsInsteadOfFailing() {
        assertThat(reason("event", "null")).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("image", "null")).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "[1,2]")).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("image", "\"a string\"")).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "[".repeat(5000) + "]".repeat(5000))).as("deep nesting").isEqualTo(DeadLetterReason.UNPARSEABLE);
    }

    @Test
    void refusesImagesWhoseDimensionsAreNotPositiveOrDoNotFitTheData() {
        assertThat(reason("image", image("RAW_U8", -2, -2, new byte[4]))).as("(-2)x(-2) = 4").isEqualTo(DeadLetterReason.WRONG_SHAPE);
        assertThat(reason("image", floats(0, 0, 4))).isEqualTo(DeadLetterReason.WRONG_SHAPE);
        assertThat(reason("image", floats(-5, -7, 35))).isEqualTo(DeadLetterReason.WRONG_SHAPE);
        assertThat(reason("image", floats(3, 3, 4))).isEqualTo(DeadLetterReason.WRONG_SHAPE);
        assertThat(parser.parse(RawRecord.ofText("image", floats(2, 2, 4), "x")).ok()).isTrue();
    }

    @Test
    void refusesAPngBombFromItsHeaderBeforeDecodingAPixel() throws Exception {
        // A valid 1x1 PNG whose header is rewritten to claim 30000x30000: 69 bytes that would decode to 900 M pixels.
        BufferedImage one = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(one, "png", bytes);
        byte[] bomb = withDimensions(bytes.toByteArray(), 30_000, 30_000);
        RecordParser large = new RecordParser(1 << 20, 3_600_000, SPECS);
        long before = System.nanoTime();
        var p = large.parse(RawRecord.ofText("image", image("PNG", 0, 0, bomb), "x"));
        assertThat(p.reason()).isEqualTo(DeadLetterReason.OVERSIZED);
        assertThat(p.detail()).contains("30000x30000");
        assertThat(System.nanoTime() - before).as("refused from the header, not after decoding").isLessThan(1_000_000_000L);
        var mismatch = large.parse(RawRecord.ofText("image", image("PNG", 28, 28, bytes.toByteArray()), "x"));
        assertThat(mismatch.reason()).as("the JSON says 28x28, the PNG 1x1").isEqualTo(DeadLetterReason.WRONG_SHAPE);
    }

    @Test
    void refusesPayloadsThatAreNotUtf8AndEventTimesFarInTheFuture() {
        byte[] latin1 = "{\"id\":\"e\",\"source\":\"h\u00e9\",\"eventTime\":1,\"features\":{\"cpu\":1}}"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        var p = parser.parse(new RawRecord("event", latin1, "x"));
        assertThat(p.reason()).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(p.detail()).contains("UTF-8");
        long future = System.currentTimeMillis() + 2 * 3_600_000L;
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":" + future + ",\"features\":{\"cpu\":1}}"))
                .isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":" + Long.MAX_VALUE + ",\"features\":{\"cpu\":1}}"))
                .isEqualTo(DeadLetterReason.OUT_OF_RANGE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"" + "h".repeat(300) + "\",\"eventTime\":1,\"features\":{\"cpu\":1}}"))
                .isEqualTo(DeadLetterReason.OVERSIZED);
    }

    private static String floats(int w, int h, int n) {
        StringBuilder pixels = new StringBuilder();
        for (int i = 0; i < n; i++) {
            pixels.append(i == 0 ? "" : ",").append("0.5");
        }
        return "{\"id\":\"i\",\"source\":\"cam\",\"eventTime\":1,\"encoding\":\"FLOATS\",\"width\":" + w
                + ",\"height\":" + h + ",\"pixels\":[" + pixels + "]}";
    }

    /** The PNG with its IHDR width and height replaced and the chunk's CRC fixed, as an attacker would. */
    private static byte[] withDimensions(byte[] png, int width, int height) {
        byte[] out = png.clone();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out);
        b.putInt(16, width);
        b.putInt(20, height);
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(out, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return out;
    }

    private DeadLetterReason reason(String kind, String payload) {
        var p = parser.parse(RawRecord.ofText(kind, payload, "origin"));
        assertThat(p.ok()).isFalse();
        assertThat(p.detail()).isNotBlank();
        return p.reason();
    }

    private static String image(String encoding, int w, int h, byte[] data) {
        return "{\"id\":\"i\",\"source\":\"cam\",\"eventTime\":1,\"encoding\":\"" + encoding + "\",\"width\":" + w
                + ",\"height\":" + h + ",\"data\":\"" + Base64.getEncoder().encodeToString(data) + "\"}";
    }
}
