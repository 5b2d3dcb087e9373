package io.energysentinel.job.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink's serializer of {@link ScoringInput}, on the shuffle to the scorer and in its buffer state: the fields in a fixed
 * order, the vector and the raw bytes in bulk. Flink's {@code PojoSerializer} read each field by reflection, built the
 * record through a generic constructor call and wrote a float array one float at a time (784 calls per image each way).
 *
 * <p>Layout (version 1): id, source, kind, origin as Flink strings ({@link StringValue}, {@code null} allowed), event
 * time as a long, the vector as its length (-1 for {@code null}) and big-endian floats, the raw bytes as their length
 * (-1 for {@code null}) and the bytes. Not thread-safe (a scratch buffer): {@link #duplicate()} gives each user its own.
 */
public final class ScoringInputSerializer extends TypeSerializer<ScoringInput> {
    private static final long serialVersionUID = 1L;
    private transient byte[] scratch;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<ScoringInput> duplicate() {
        return new ScoringInputSerializer();
    }

    @Override
    public ScoringInput createInstance() {
        return null;
    }

    @Override
    public ScoringInput copy(ScoringInput from) {
        return new ScoringInput(from.id(), from.source(), from.eventTime(), from.kind(),
                from.values() == null ? null : from.values().clone(), from.origin(), from.raw() == null ? null : from.raw().clone());
    }

    @Override
    public ScoringInput copy(ScoringInput from, ScoringInput reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(ScoringInput record, DataOutputView out) throws IOException {
        StringValue.writeString(record.id(), out);
        StringValue.writeString(record.source(), out);
        StringValue.writeString(record.kind(), out);
        StringValue.writeString(record.origin(), out);
        out.writeLong(record.eventTime());
        float[] values = record.values();
        if (values == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(values.length);
            byte[] bytes = scratch(values.length * Float.BYTES);
            ByteBuffer.wrap(bytes).asFloatBuffer().put(values);
            out.write(bytes, 0, values.length * Float.BYTES);
        }
        byte[] raw = record.raw();
        out.writeInt(raw == null ? -1 : raw.length);
        if (raw != null) {
            out.write(raw);
        }
    }

    @Override
    public ScoringInput deserialize(DataInputView in) throws IOException {
        String id = StringValue.readString(in);
        String source = StringValue.readString(in);
        String kind = StringValue.readString(in);
        String origin = StringValue.readString(in);
        long eventTime = in.readLong();
        int count = in.readInt();
        float[] values = null;
        if (count >= 0) {
            values = new float[count];
            byte[] bytes = scratch(count * Float.BYTES);
            in.readFully(bytes, 0, count * Float.BYTES);
            ByteBuffer.wrap(bytes, 0, count * Float.BYTES).asFloatBuffer().get(values);
        }
        int rawLength = in.readInt();
        byte[] raw = null;
        if (rawLength >= 0) {
            raw = new byte[rawLength];
            in.readFully(raw);
        }
        return new ScoringInput(id, source, eventTime, kind, values, origin, raw);
    }

    @Override
    public ScoringInput deserialize(ScoringInput reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView in, DataOutputView out) throws IOException {
        serialize(deserialize(in), out);
    }

    private byte[] scratch(int size) {
        if (scratch == null || scratch.length < size) {
            scratch = new byte[Math.max(size, 256)];
        }
        return scratch;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoringInputSerializer;
    }

    @Override
    public int hashCode() {
        return ScoringInputSerializer.class.hashCode();
    }

    @Override
    public TypeSerializerSnapshot<ScoringInput> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot: no configuration, the layout is versioned by the class. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ScoringInput> {
        public Snapshot() {
            super(ScoringInputSerializer::new);
        }
    }
}
