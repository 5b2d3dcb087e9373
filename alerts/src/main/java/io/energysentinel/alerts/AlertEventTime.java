package io.energysentinel.alerts;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Kafka Streams timestamps of alerts: the alert's own {@code eventTime}, so incidents are windowed as the events
 * happened even when alerts arrive in a backlog or a replay. The job leaves the Kafka timestamp at send time on
 * purpose (retention works on it); this reads the one field with a streaming parser instead of building the alert.
 * An alert without a readable event time keeps the record's timestamp; the parser turns it into a dead letter.
 */
public final class AlertEventTime implements TimestampExtractor {
    private static final JsonFactory JSON = new JsonFactory();

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof String json) {
            try (JsonParser parser = JSON.createParser(json)) {
                if (parser.nextToken() == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String field = parser.currentName();
                        JsonToken value = parser.nextToken();
                        if ("eventTime".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
                            long eventTime = parser.getLongValue();
                            return eventTime >= 0 ? eventTime : record.timestamp();
                        }
                        parser.skipChildren();
                    }
                }
            } catch (IOException e) {
                // Unreadable: the parser downstream makes it a dead letter; its timestamp does not matter.
            }
        }
        return record.timestamp();
    }
}
