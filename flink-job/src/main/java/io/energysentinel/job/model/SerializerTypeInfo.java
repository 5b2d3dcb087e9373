package io.energysentinel.job.model;

import java.io.Serializable;
import java.util.function.Supplier;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * Flink's type information for a class with a serializer of our own: an atomic type (no fields Flink looks into, not a
 * key) whose records {@code serializer} writes. One class for all of them, so each type only names its serializer.
 *
 * @param <T> the record type
 */
public final class SerializerTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    /** Makes the serializer; serializable because type information travels with the job graph. */
    public interface SerializerFactory<T> extends Supplier<TypeSerializer<T>>, Serializable {}

    private final Class<T> type;
    private final SerializerFactory<T> serializer;

    /** Type information of {@code type}, serialised by what {@code serializer} makes. */
    public SerializerTypeInfo(Class<T> type, SerializerFactory<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer.get();
    }

    @Override
    public String toString() {
        return type.getSimpleName();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SerializerTypeInfo<?> other && other.type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof SerializerTypeInfo<?>;
    }
}
