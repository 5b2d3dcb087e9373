package io.energysentinel.job.model;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** Flink's type information of {@link ScoringInput}: serialised by {@link ScoringInputSerializer}. */
public final class ScoringInputTypeInfo extends TypeInformation<ScoringInput> {
    private static final long serialVersionUID = 1L;

    /** What {@code @TypeInfo} on {@link ScoringInput} names, so every use of the type picks this up. */
    public static final class Factory extends TypeInfoFactory<ScoringInput> {
        @Override
        public TypeInformation<ScoringInput> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new ScoringInputTypeInfo();
        }
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
    public Class<ScoringInput> getTypeClass() {
        return ScoringInput.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<ScoringInput> createSerializer(SerializerConfig config) {
        return new ScoringInputSerializer();
    }

    @Override
    public String toString() {
        return "ScoringInput";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoringInputTypeInfo;
    }

    @Override
    public int hashCode() {
        return ScoringInputTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ScoringInputTypeInfo;
    }
}
