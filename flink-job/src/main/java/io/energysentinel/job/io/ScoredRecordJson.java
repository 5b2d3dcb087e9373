package io.energysentinel.job.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
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
    // Field names encoded once: the generator copies their bytes instead of encoding each name char by char.
    private static final SerializedString RECORD_ID = new SerializedString("recordId");
    private static final SerializedString SOURCE = new SerializedString("source");
    private static final SerializedString EVENT_TIME = new SerializedString("eventTime");
    private static final SerializedString SCORE = new SerializedString("score");
    private static final SerializedString VALUE = new SerializedString("value");
    private static final SerializedString THRESHOLD = new SerializedString("threshold");
    private static final SerializedString ANOMALOUS = new SerializedString("anomalous");
    private static final SerializedString MODEL_ID = new SerializedString("modelId");
    private static final SerializedString MODEL_VERSION = new SerializedString("modelVersion");
    private static final SerializedString TOP_METRICS = new SerializedString("topMetrics");
    private static final SerializedString SHADOW = new SerializedString("shadow");

    private ScoredRecordJson() {}

    /** {@code r} as UTF-8 JSON. */
    public static byte[] bytes(ScoredRecord r) {
        ByteArrayBuilder out = new ByteArrayBuilder(null, 256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeFieldName(RECORD_ID);
            g.writeString(r.recordId());
            g.writeFieldName(SOURCE);
            g.writeString(r.source());
            g.writeFieldName(EVENT_TIME);
            g.writeNumber(r.eventTime());
            g.writeFieldName(SCORE);
            g.writeString(r.score());
            g.writeFieldName(VALUE);
            g.writeNumber(r.value());
            g.writeFieldName(THRESHOLD);
            g.writeNumber(r.threshold());
            g.writeFieldName(ANOMALOUS);
            g.writeBoolean(r.anomalous());
            g.writeFieldName(MODEL_ID);
            g.writeString(r.modelId());
            g.writeFieldName(MODEL_VERSION);
            g.writeString(r.modelVersion());
            g.writeFieldName(TOP_METRICS);
            g.writeStartArray();
            for (String metric : r.topMetrics()) {
                g.writeString(metric);
            }
            g.writeEndArray();
            g.writeFieldName(SHADOW);
            g.writeBoolean(r.shadow());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a scored record", e);
        }
        return out.toByteArray();
    }
}
