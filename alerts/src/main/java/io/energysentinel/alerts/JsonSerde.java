package io.energysentinel.alerts;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.energysentinel.contract.Json;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

/** JSON serdes for the contract's records and our own, with the contract's mapper. */
final class JsonSerde {
    private JsonSerde() {}

    /** A serde of {@code type} as compact JSON; null stays null (tombstones). */
    static <T> Serde<T> of(Class<T> type) {
        ObjectMapper mapper = Json.compact();
        Serializer<T> serializer = (topic, value) -> {
            try {
                return value == null ? null : mapper.writeValueAsBytes(value);
            } catch (IOException e) {
                throw new SerializationException("cannot write " + type.getSimpleName() + " for " + topic, e);
            }
        };
        Deserializer<T> deserializer = (topic, bytes) -> {
            try {
                return bytes == null ? null : mapper.readValue(bytes, type);
            } catch (IOException e) {
                throw new SerializationException("not a " + type.getSimpleName() + " on " + topic + ": " + e.getMessage(), e);
            }
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
