package io.energysentinel.alerts;

import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.AlertPhase;
import java.util.ArrayList;
import java.util.List;

/**
 * The running aggregate of one source's session of alerts, kept in the session store.
 *
 * @param source the source
 * @param firstAlertTime earliest alert event time
 * @param lastAlertTime latest alert event time
 * @param alerts number of alerts
 * @param maxValue highest score
 * @param maxMarginRatio highest relative margin
 * @param scores distinct score ids, in order of appearance
 * @param modelVersions distinct model versions, in order of appearance
 * @param firstRecordId record behind the earliest alert
 * @param latestRecordId record behind the latest alert
 * @param severity severity under the policy
 * @param newsworthy whether the last change is news for ops (opened, or severity rose); otherwise suppressed
 * @param opening whether the last change opened the incident (its first episode opening)
 * @param topMetrics metrics the alerts named as raising the energy, in order of appearance ({@code null} in state
 *     written before explanations, read as none)
 */
public record IncidentState(
        String source, long firstAlertTime, long lastAlertTime, int alerts, double maxValue, double maxMarginRatio,
        List<String> scores, List<String> modelVersions, String firstRecordId, String latestRecordId,
        Severity severity, boolean newsworthy, boolean opening, List<String> topMetrics) {

    public IncidentState {
        topMetrics = topMetrics == null ? List.of() : List.copyOf(topMetrics);
    }

    /** The empty aggregate Kafka Streams starts a session from. */
    static IncidentState empty() {
        return new IncidentState(null, Long.MAX_VALUE, Long.MIN_VALUE, 0, Double.NEGATIVE_INFINITY,
                Double.NEGATIVE_INFINITY, List.of(), List.of(), null, null, null, false, false, List.of());
    }

    /**
     * This aggregate with {@code alert} added. Only an episode's opening counts as an alert; its peaks raise the
     * incident's worst score and margin (and so its severity); its close only extends the incident in time.
     */
    IncidentState add(Alert alert, SeverityPolicy policy) {
        boolean closing = alert.phase() == AlertPhase.CLOSED;
        double ratio = closing ? Double.NEGATIVE_INFINITY : SeverityPolicy.marginRatio(alert.margin(), alert.threshold());
        boolean earlier = alert.eventTime() < firstAlertTime;
        boolean later = alert.eventTime() >= lastAlertTime;
        int count = alerts + (alert.opensEpisode() ? 1 : 0);
        double maxRatio = Math.max(maxMarginRatio, ratio);
        Severity next = policy.classify(Math.max(count, 1), maxRatio);
        boolean opens = alerts == 0 && count > 0;
        boolean news = opens || (severity != null && next.compareTo(severity) > 0);
        return new IncidentState(alert.source(), Math.min(firstAlertTime, alert.eventTime()),
                Math.max(lastAlertTime, alert.eventTime()), count, closing ? maxValue : Math.max(maxValue, alert.value()), maxRatio,
                union(scores, List.of(alert.score())), union(modelVersions, List.of(alert.modelVersion())),
                earlier || firstRecordId == null ? alert.recordId() : firstRecordId,
                later || latestRecordId == null ? alert.recordId() : latestRecordId, next, news, opens,
                union(topMetrics, alert.topMetrics()));
    }

    /** Two sessions of one source joined by an alert that fell between them. */
    IncidentState merge(IncidentState other, SeverityPolicy policy) {
        if (other.alerts == 0) {
            return this;
        }
        if (alerts == 0) {
            return other;
        }
        IncidentState first = firstAlertTime <= other.firstAlertTime ? this : other;
        IncidentState last = lastAlertTime >= other.lastAlertTime ? this : other;
        int count = alerts + other.alerts;
        double maxRatio = Math.max(maxMarginRatio, other.maxMarginRatio);
        Severity merged = policy.classify(count, maxRatio);
        Severity before = severity.compareTo(other.severity) >= 0 ? severity : other.severity;
        return new IncidentState(source, first.firstAlertTime, last.lastAlertTime, count,
                Math.max(maxValue, other.maxValue), maxRatio, union(scores, other.scores),
                union(modelVersions, other.modelVersions), first.firstRecordId, last.latestRecordId, merged,
                merged.compareTo(before) > 0, false, union(first.topMetrics, (first == this ? other : this).topMetrics));
    }

    private static List<String> union(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        for (String s : b) {
            if (s != null && !out.contains(s)) {
                out.add(s);
            }
        }
        return List.copyOf(out);
    }
}
