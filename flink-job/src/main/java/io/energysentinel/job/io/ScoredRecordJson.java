package io.energysentinel.job.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.ScoredRecord;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes a {@link ScoredRecord} as the same one line of JSON the wire mapper writes ({@link Json#compact()}: same
 * fields, same order, same number text), with a {@link JsonGenerator} directly: every score goes out, and data
 * binding (introspected properties, reflective accessors, a serializer lookup per record) was a visible share of the
 * job's CPU per event. {@code ScoredRecordJsonTest} holds the two byte for byte equal.
 */
public final class ScoredRecordJson {
    private static final JsonFactory FACTORY = Json.compact().getFactory();

    private ScoredRecordJson() {}

    /** {@code r} as UTF-8 JSON. */
    public static byte[] bytes(ScoredRecord r) {
        ByteArrayBuilder out = new ByteArrayBuilder(null, 256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("recordId", r.recordId());
            g.writeStringField("source", r.source());
            g.writeNumberField("eventTime", r.eventTime());
            g.writeStringField("score", r.score());
            g.writeNumberField("value", r.value());
            g.writeNumberField("threshold", r.threshold());
            g.writeBooleanField("anomalous", r.anomalous());
            g.writeStringField("modelId", r.modelId());
            g.writeStringField("modelVersion", r.modelVersion());
            g.writeFieldName("topMetrics");
            g.writeStartArray();
            for (String metric : r.topMetrics()) {
                g.writeString(metric);
            }
            g.writeEndArray();
            g.writeBooleanField("shadow", r.shadow());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a scored record", e);
        }
        return out.toByteArray();
    }
}
