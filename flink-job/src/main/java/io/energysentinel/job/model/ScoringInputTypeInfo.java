package io.energysentinel.job.model;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;

/** Flink's type information of {@link ScoringInput}: serialised by {@link ScoringInputSerializer}. */
public final class ScoringInputTypeInfo {
    private ScoringInputTypeInfo() {}

    /** What {@code @TypeInfo} on {@link ScoringInput} names, so every use of the type picks this up. */
    public static final class Factory extends TypeInfoFactory<ScoringInput> {
        @Override
        public TypeInformation<ScoringInput> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new SerializerTypeInfo<>(ScoringInput.class, ScoringInputSerializer::new);
        }
    }
}
