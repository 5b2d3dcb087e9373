package io.energysentinel.alerts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.DeadLetterReason;

/** Reads an alert from its JSON, or says why it cannot be used. */
final class AlertParser {
    private static final ObjectMapper MAPPER = Json.mapper();

    /** An alert, or the dead letter that replaces it: exactly one is set. */
    record Parsed(Alert alert, DeadLetter deadLetter) {}

    private AlertParser() {}

    /**
     * Parses {@code json}, the value of a record keyed {@code key}; {@code origin} (topic/partition@offset) goes into a
     * dead letter. The key must be the alert's source: incidents are grouped by key without a repartition, so an
     * alert keyed otherwise would join another source's incident.
     */
    static Parsed parse(String key, String json, String origin, long now) {
        Parsed parsed = parse(json, origin, now);
        if (parsed.alert() != null && !parsed.alert().source().equals(key)) {
            return refused(DeadLetterReason.WRONG_SHAPE, "alert of source '" + parsed.alert().source() + "' keyed '" + key
                    + "'; the alerts topic is keyed by source", origin, json, now);
        }
        return parsed;
    }

    /** Parses {@code json}; {@code origin} (topic/partition@offset) goes into a dead letter. */
    static Parsed parse(String json, String origin, long now) {
        if (json == null || json.isBlank()) {
            return refused(DeadLetterReason.UNPARSEABLE, "empty record", origin, json, now);
        }
        Alert alert;
        try {
            alert = MAPPER.readValue(json, Alert.class);
        } catch (JsonProcessingException e) {
            return refused(DeadLetterReason.UNPARSEABLE, "not an alert: " + e.getOriginalMessage(), origin, json, now);
        }
        if (alert.source() == null || alert.source().isBlank() || alert.score() == null) {
            return refused(DeadLetterReason.UNPARSEABLE, "alert without source or score", origin, json, now);
        }
        if (!Double.isFinite(alert.value()) || !Double.isFinite(alert.threshold()) || !Double.isFinite(alert.margin())) {
            return refused(DeadLetterReason.NON_FINITE, "value, threshold and margin must be finite", origin, json, now);
        }
        return new Parsed(alert, null);
    }

    private static Parsed refused(DeadLetterReason reason, String detail, String origin, String payload, long now) {
        return new Parsed(null, DeadLetter.of(reason, detail, origin,
                payload == null ? null : payload.getBytes(java.nio.charset.StandardCharsets.UTF_8), now));
    }
}
