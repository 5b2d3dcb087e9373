package io.energysentinel.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.ScoredRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScoredRecordJsonTest {
    @Test
    void writesWhatTheWireMapperWritesByteForByte() throws Exception {
        List<ScoredRecord> records = List.of(
                new ScoredRecord("e-1", "host-0", 1_733_000_000_000L, "energy", -12.345678901234, 3.5, false, "events-mlp", "v1"),
                new ScoredRecord("e-2", "host-\"1\"\n\u00e9\u2603", 0, "mahalanobis", 1e-300, 1e300, true, "jem", "v2",
                        List.of("latency_ms", "cpu_pct")),
                new ScoredRecord("e-3", "h", Long.MAX_VALUE, "energy", 0.1 + 0.2, Double.MAX_VALUE, true, "m", "v", null, true),
                new ScoredRecord("e-4", "h", 5, "energy", Double.NaN, Double.NEGATIVE_INFINITY, false, null, null, List.of(), false),
                new ScoredRecord("", "", -1, "", -0.0, 100, false, "", "", List.of("a\\b", "\u0000"), true));
        for (ScoredRecord r : records) {
            byte[] fast = ScoredRecordJson.bytes(r);
            assertThat(new String(fast, StandardCharsets.UTF_8)).isEqualTo(Json.compact().writeValueAsString(r));
            if (Double.isFinite(r.value())) {
                assertThat(Json.compact().readValue(fast, ScoredRecord.class)).isEqualTo(r);
            }
        }
    }

    @Test
    void theSinksSerialisationUsesItForScores() {
        ScoredRecord r = new ScoredRecord("e-1", "host-0", 7, "energy", 2.5, 3.5, false, "events-mlp", "v1");
        assertThat(new KafkaRecords.JsonSerialization<ScoredRecord>().serialize(r)).isEqualTo(ScoredRecordJson.bytes(r));
    }
}
