package io.energysentinel.alerts;

import java.util.List;

/**
 * An incident as ops tools receive it (JSON on the routed topic, keyed by {@link #incidentId}).
 *
 * @param incidentId stable id: source and the event time of the first alert
 * @param status why this record was emitted
 * @param severity current severity
 * @param source the source the incident belongs to
 * @param firstAlertTime event time of the first alert, epoch milliseconds
 * @param lastAlertTime event time of the latest alert, epoch milliseconds
 * @param alerts alerts grouped into the incident so far
 * @param maxValue the highest score seen
 * @param maxMarginRatio the highest {@code margin / |threshold|} seen
 * @param scores score ids seen (e.g. {@code energy}, {@code mahalanobis})
 * @param modelVersions bundle versions that raised the alerts
 * @param firstRecordId id of the record that opened the incident
 * @param latestRecordId id of the record behind the latest alert
 * @param topMetrics metrics the alerts named as raising the energy most, in order of appearance (empty when the model
 *     does not explain its scores)
 */
public record Incident(
        String incidentId, IncidentStatus status, Severity severity, String source, long firstAlertTime,
        long lastAlertTime, int alerts, double maxValue, double maxMarginRatio, List<String> scores,
        List<String> modelVersions, String firstRecordId, String latestRecordId, List<String> topMetrics) {

    /** The incident {@code state} describes, emitted as {@code status}. */
    static Incident of(IncidentState state, IncidentStatus status) {
        return new Incident(state.source() + "@" + state.firstAlertTime(), status, state.severity(), state.source(),
                state.firstAlertTime(), state.lastAlertTime(), state.alerts(), state.maxValue(), state.maxMarginRatio(),
                state.scores(), state.modelVersions(), state.firstRecordId(), state.latestRecordId(), state.topMetrics());
    }
}
