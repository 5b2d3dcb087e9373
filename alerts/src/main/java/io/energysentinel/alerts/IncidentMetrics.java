package io.energysentinel.alerts;

import io.energysentinel.contract.records.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counters of what the topology did with each alert; Kafka Streams' own metrics are bound separately.
 *
 * <p>Every counter, one per dead-letter reason and one per incident status, severity and routed topic, is
 * registered at zero when the topology is built. A counter created on first use starts its series at 1,
 * and Prometheus' {@code increase()} sees no increase in a series' first sample: the first dead letter would
 * never fire {@code EnergySentinelIncidentsDeadLetters}, nor show on a dashboard.
 */
final class IncidentMetrics {
    private final Map<DeadLetterReason, Counter> deadLetters = new EnumMap<>(DeadLetterReason.class);
    private final Map<String, Counter> incidents = new HashMap<>();
    private final Counter muted;
    private final Counter suppressed;

    /** Registers every counter in {@code registry}; {@code topics} are all the topics incidents may go to. */
    IncidentMetrics(MeterRegistry registry, List<String> topics) {
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(reason, Counter.builder("energysentinel.incidents.dead.letters")
                    .description("Alerts the incidents application could not read, by reason")
                    .tag("reason", reason.name()).register(registry));
        }
        for (IncidentStatus status : IncidentStatus.values()) {
            for (Severity severity : Severity.values()) {
                for (String topic : topics) {
                    incidents.put(key(status, severity, topic), Counter.builder("energysentinel.incidents")
                            .description("Incident records emitted").tag("status", status.name())
                            .tag("severity", severity.name()).tag("topic", topic).register(registry));
                }
            }
        }
        muted = Counter.builder("energysentinel.incidents.alerts.muted")
                .description("Alerts of muted sources, dropped").register(registry);
        suppressed = Counter.builder("energysentinel.incidents.alerts.suppressed")
                .description("Alerts that joined an incident without a new incident record").register(registry);
    }

    /** An alert that could not be read went to the dead-letter topic. */
    void deadLetter(DeadLetterReason reason) {
        deadLetters.get(reason).increment();
    }

    /** An alert of a muted source was dropped. */
    void muted() {
        muted.increment();
    }

    /** An alert joined an incident without changing what ops were told. */
    void suppressed() {
        suppressed.increment();
    }

    /** An incident record was emitted to {@code topic}, one of the topics given at construction. */
    void incident(Incident incident, String topic) {
        Counter counter = incidents.get(key(incident.status(), incident.severity(), topic));
        if (counter == null) {
            throw new IllegalArgumentException("incident routed to " + topic + ", not one of the routing topics");
        }
        counter.increment();
    }

    private static String key(IncidentStatus status, Severity severity, String topic) {
        return status + "|" + severity + "|" + topic;
    }
}
