package io.energysentinel.job.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

class ScoringInputSerializerTest {
    @Test
    void flinkPicksItUpForEveryUseOfTheType() {
        TypeInformation<ScoringInput> info = TypeInformation.of(ScoringInput.class);
        assertThat(info).isInstanceOf(SerializerTypeInfo.class);
        assertThat(info.createSerializer(new SerializerConfigImpl())).isInstanceOf(ScoringInputSerializer.class);
    }

    @Test
    void aRecordComesBackAsItWentInWhateverItHolds() throws Exception {
        float[] image = new float[784];
        for (int i = 0; i < image.length; i++) {
            image[i] = i / 784f;
        }
        image[3] = Float.NaN;
        image[4] = -0f;
        ScoringInput[] records = {
            new ScoringInput("e-1", "host-0", 1_733_000_000_000L, ScoringInput.EVENT, new float[] {1.5f, -2f, Float.MAX_VALUE},
                    "events/0@17", "{\"id\":\"e-1\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)),
            new ScoringInput("i-\u00e9\u2603", "cam", 0, ScoringInput.IMAGE, image, "images/1@2", new byte[3000]),
            new ScoringInput(null, null, -1, null, null, null, null),
            new ScoringInput("", "", Long.MAX_VALUE, "", new float[0], "", new byte[0]),
        };
        TypeSerializer<ScoringInput> serializer = new ScoringInputSerializer();
        DataOutputSerializer out = new DataOutputSerializer(16);
        for (ScoringInput r : records) {
            serializer.serialize(r, out);
        }
        DataInputDeserializer in = new DataInputDeserializer(out.getCopyOfBuffer());
        TypeSerializer<ScoringInput> reader = serializer.duplicate();
        for (ScoringInput r : records) {
            ScoringInput back = reader.deserialize(in);
            assertThat(back.id()).isEqualTo(r.id());
            assertThat(back.source()).isEqualTo(r.source());
            assertThat(back.eventTime()).isEqualTo(r.eventTime());
            assertThat(back.kind()).isEqualTo(r.kind());
            assertThat(back.origin()).isEqualTo(r.origin());
            assertThat(back.values()).isEqualTo(r.values());
            assertThat(back.raw()).isEqualTo(r.raw());
        }
        assertThat(in.available()).isZero();
        ScoringInput copy = serializer.copy(records[0]);
        assertThat(copy.values()).isEqualTo(records[0].values()).isNotSameAs(records[0].values());
    }
}
