package io.energysentinel.job.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.records.ScoredRecord;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ScoredRecordSerializerTest {
    @Test
    void aScoreComesBackAsItWentIn() throws Exception {
        List<ScoredRecord> records = List.of(
                new ScoredRecord("e-1", "host-0", 1_733_000_000_000L, "energy", -12.5, 3.5, false, "events-mlp", "v1"),
                new ScoredRecord("e-2", "h\u00e9\u2603", 0, "mahalanobis", Double.NaN, Double.NEGATIVE_INFINITY, true, "jem", "v2",
                        List.of("latency_ms", "cpu_pct", "queue_depth")),
                new ScoredRecord(null, null, -1, null, -0.0, Double.MAX_VALUE, true, null, null, null, true),
                new ScoredRecord("", "", Long.MAX_VALUE, "", 0, 0, false, "", "", List.of(), true));
        TypeSerializer<ScoredRecord> serializer = ScoredRecordSerializer.TYPE.createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(16);
        for (ScoredRecord r : records) {
            serializer.serialize(r, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        for (ScoredRecord r : records) {
            assertThat(serializer.deserialize(in)).isEqualTo(r);
        }
        assertThat(in.available()).isZero();
        assertThat(serializer.copy(records.get(1))).isEqualTo(records.get(1));
    }
}
