package io.energysentinel.job.io;

import io.energysentinel.contract.records.ScoredRecord;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink's serializer of {@link ScoredRecord} on the shuffle from the scorer to the alerter (every score crosses it):
 * the fields in a fixed order. {@code PojoSerializer} read each of the eleven fields by reflection and rebuilt the
 * record through a generic constructor call. The scorer's output is declared with {@link #TYPE}; records kept in
 * state (the alerter's {@code Expiry}) keep the serializer Flink derives for them, so their savepoints are unchanged.
 *
 * <p>Layout (version 1): record id, source, score, model id, model version as Flink strings ({@link StringValue},
 * {@code null} allowed), event time, value, threshold, a flags byte (anomalous, shadow), the number of top metrics
 * and each of them.
 */
public final class ScoredRecordSerializer extends TypeSerializer<ScoredRecord> {
    private static final long serialVersionUID = 1L;
    /** The type information that makes Flink use this serializer. */
    public static final TypeInformation<ScoredRecord> TYPE =
            new io.energysentinel.job.model.SerializerTypeInfo<>(ScoredRecord.class, ScoredRecordSerializer::new);
    private static final int ANOMALOUS = 1;
    private static final int SHADOW = 2;

    @Override
    public boolean isImmutableType() {
        // Immutable apart from its list of top metrics, which nothing changes after the record is built.
        return false;
    }

    @Override
    public TypeSerializer<ScoredRecord> duplicate() {
        return this;
    }

    @Override
    public ScoredRecord createInstance() {
        return null;
    }

    @Override
    public ScoredRecord copy(ScoredRecord from) {
        // The record's constructor copies the list.
        return new ScoredRecord(from.recordId(), from.source(), from.eventTime(), from.score(), from.value(), from.threshold(),
                from.anomalous(), from.modelId(), from.modelVersion(), from.topMetrics(), from.shadow());
    }

    @Override
    public ScoredRecord copy(ScoredRecord from, ScoredRecord reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ScoredRecord r, DataOutputView out) throws IOException {
        StringValue.writeString(r.recordId(), out);
        StringValue.writeString(r.source(), out);
        StringValue.writeString(r.score(), out);
        StringValue.writeString(r.modelId(), out);
        StringValue.writeString(r.modelVersion(), out);
        out.writeLong(r.eventTime());
        out.writeDouble(r.value());
        out.writeDouble(r.threshold());
        out.writeByte((r.anomalous() ? ANOMALOUS : 0) | (r.shadow() ? SHADOW : 0));
        List<String> top = r.topMetrics();
        out.writeInt(top.size());
        for (String metric : top) {
            StringValue.writeString(metric, out);
        }
    }

    @Override
    public ScoredRecord deserialize(DataInputView in) throws IOException {
        String recordId = StringValue.readString(in);
        String source = StringValue.readString(in);
        String score = StringValue.readString(in);
        String modelId = StringValue.readString(in);
        String modelVersion = StringValue.readString(in);
        long eventTime = in.readLong();
        double value = in.readDouble();
        double threshold = in.readDouble();
        int flags = in.readByte();
        int count = in.readInt();
        List<String> top = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            top.add(StringValue.readString(in));
        }
        return new ScoredRecord(recordId, source, eventTime, score, value, threshold, (flags & ANOMALOUS) != 0, modelId, modelVersion,
                top, (flags & SHADOW) != 0);
    }

    @Override
    public ScoredRecord deserialize(ScoredRecord reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoredRecordSerializer;
    }

    @Override
    public int hashCode() {
        return ScoredRecordSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ScoredRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot: no configuration, the layout is versioned by the class. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ScoredRecord> {
        public Snapshot() {
            super(ScoredRecordSerializer::new);
        }
    }
}
