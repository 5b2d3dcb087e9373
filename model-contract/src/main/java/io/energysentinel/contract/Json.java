package io.energysentinel.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/** The one configured Jackson mapper for manifests and wire records. */
public final class Json {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private static final ObjectMapper COMPACT = MAPPER.copy().disable(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    /** Pretty-printing mapper, for files people read (manifests, reports). */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** Single-line mapper, for records on the wire (one JSON object per Kafka message or line). */
    public static ObjectMapper compact() {
        return COMPACT;
    }
}
