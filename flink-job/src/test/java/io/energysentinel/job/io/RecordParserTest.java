package io.energysentinel.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.records.DeadLetterReason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class RecordParserTest {
    private final RecordParser parser = new RecordParser(4096, 3_600_000);

    @Test
    void parsesAnEvent() {
        var p = parser.parse(RawRecord.ofText("event", "{\"id\":\"e1\",\"source\":\"h\",\"eventTime\":5,\"features\":{\"cpu\":1.5}}", "t/0@1"));
        assertThat(p.ok()).isTrue();
        assertThat(p.value().features()).containsEntry("cpu", 1.5);
        assertThat(p.value().eventTime()).isEqualTo(5);
    }

    @Test
    void refusesBrokenJsonMissingIdsNullsAndNonFiniteValues() {
        assertThat(reason("event", "{\"id\":")).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "{\"source\":\"h\",\"features\":{\"cpu\":1}}")).isEqualTo(DeadLetterReason.UNPARSEABLE);
        assertThat(reason("event", "{\"id\":\"a\",\"source\":\"h\",\"eventTime\":3,\"features\":{\"cpu\":null}}")).isEqualTo(DeadLetterReason.NON_FINITE);
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
        assertThat(p.value().pixels()).containsExactly(0f, 1f, 0f, 0f);

        BufferedImage png = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        png.getRaster().setSample(2, 1, 0, 255);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(png, "png", bytes);
        var q = parser.parse(RawRecord.ofText("image", image("PNG", 0, 0, bytes.toByteArray()), "x"));
        assertThat(q.value().pixels()).hasSize(6);
        assertThat(q.value().pixels()[5]).isEqualTo(1f);
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
        RecordParser large = new RecordParser(1 << 20, 3_600_000);
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
