package io.energysentinel.contract.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.Json;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class DeadLetterTest {
    @Test
    void aLargePayloadIsKeptAsItsSizeHashAndABoundedPrefix() throws Exception {
        byte[] twoMegabytes = new byte[2 << 20];
        Arrays.fill(twoMegabytes, (byte) 'x');
        DeadLetter d = DeadLetter.of(DeadLetterReason.OVERSIZED, "too big", "t/0@1", twoMegabytes, 5);
        assertThat(d.payloadBytes()).isEqualTo(2 << 20);
        assertThat(d.payloadTruncated()).isTrue();
        assertThat(d.payload()).hasSize(DeadLetter.MAX_PAYLOAD_BYTES);
        assertThat(d.payloadSha256()).hasSize(64);
        assertThat(Json.compact().writeValueAsBytes(d).length).as("fits any topic's default 1 MB").isLessThan(16_384);
    }

    @Test
    void aPayloadThatIsNotUtf8IsKeptAsBase64NotWithReplacementCharacters() {
        byte[] latin1 = "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        DeadLetter d = DeadLetter.of(DeadLetterReason.UNPARSEABLE, "not UTF-8", "t/0@2", latin1, 5);
        assertThat(d.payloadEncoding()).isEqualTo(DeadLetter.BASE64);
        assertThat(Base64.getDecoder().decode(d.payload())).isEqualTo(latin1);
        DeadLetter text = DeadLetter.of(DeadLetterReason.UNPARSEABLE, "x", "o", "caf\u00e9".getBytes(StandardCharsets.UTF_8), 5);
        assertThat(text.payloadEncoding()).isEqualTo(DeadLetter.UTF_8);
        assertThat(text.payload()).isEqualTo("caf\u00e9");
        assertThat(DeadLetter.of(DeadLetterReason.UNPARSEABLE, "tombstone", "o", null, 5).payloadBytes()).isZero();
    }

    @Test
    void aTruncatedTextPrefixNeverEndsInHalfACharacter() {
        byte[] text = ("a" + "\u20ac".repeat(3000)).getBytes(StandardCharsets.UTF_8);
        DeadLetter d = DeadLetter.of(DeadLetterReason.OVERSIZED, "x", "o", text, 5);
        assertThat(d.payloadEncoding()).isEqualTo(DeadLetter.UTF_8);
        assertThat(d.payload().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(DeadLetter.MAX_PAYLOAD_BYTES);
        assertThat(d.payload()).doesNotContain("\ufffd").endsWith("\u20ac");
    }
}
