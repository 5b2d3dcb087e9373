package io.energysentinel.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.records.DeadLetterReason;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.Base64;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class RecordParserTest {
    private final RecordParser parser = new RecordParser(4096);

    @Test
    void parsesAnEvent() {
        var p = parser.parse(new RawRecord("event", "{\"id\":\"e1\",\"source\":\"h\",\"eventTime\":5,\"features\":{\"cpu\":1.5}}", "t/0@1"));
        assertThat(p.ok()).isTrue();
        assertThat(p.input().features()).containsEntry("cpu", 1.5);
        assertThat(p.input().eventTime()).isEqualTo(5);
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
        var p = parser.parse(new RawRecord("image", image("RAW_U8", 2, 2, raw), "x"));
        assertThat(p.input().pixels()).containsExactly(0f, 1f, 0f, 0f);

        BufferedImage png = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        png.getRaster().setSample(2, 1, 0, 255);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageIO.write(png, "png", bytes);
        var q = parser.parse(new RawRecord("image", image("PNG", 0, 0, bytes.toByteArray()), "x"));
        assertThat(q.input().pixels()).hasSize(6);
        assertThat(q.input().pixels()[5]).isEqualTo(1f);
    }

    @Test
    void refusesOversizedMismatchedAndUndecodableImages() {
        assertThat(reason("image", image("RAW_U8", 100, 100, new byte[10_000]))).isEqualTo(DeadLetterReason.OVERSIZED);
        assertThat(reason("image", image("RAW_U8", 5000, 1, new byte[10]))).isEqualTo(DeadLetterReason.OVERSIZED);
        assertThat(reason("image", image("RAW_U8", 3, 3, new byte[4]))).isEqualTo(DeadLetterReason.WRONG_SHAPE);
        assertThat(reason("image", image("PNG", 0, 0, new byte[] {1, 2, 3}))).isEqualTo(DeadLetterReason.UNPARSEABLE);
    }

    private DeadLetterReason reason(String kind, String payload) {
        var p = parser.parse(new RawRecord(kind, payload, "origin"));
        assertThat(p.ok()).isFalse();
        assertThat(p.detail()).isNotBlank();
        return p.reason();
    }

    private static String image(String encoding, int w, int h, byte[] data) {
        return "{\"id\":\"i\",\"source\":\"cam\",\"eventTime\":1,\"encoding\":\"" + encoding + "\",\"width\":" + w
                + ",\"height\":" + h + ",\"data\":\"" + Base64.getEncoder().encodeToString(data) + "\"}";
    }
}
