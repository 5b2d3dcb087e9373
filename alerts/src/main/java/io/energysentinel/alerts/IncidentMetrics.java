package io.energysentinel.alerts;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** Counters of what the topology did with each alert; Kafka Streams' own metrics are bound separately. */
final class IncidentMetrics {
    private final MeterRegistry registry;

    IncidentMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** An alert that could not be read went to the dead-letter topic. */
    void deadLetter(String reason) {
        Counter.builder("energysentinel.incidents.dead.letters").tag("reason", reason).register(registry).increment();
    }

    /** An alert of a muted source was dropped. */
    void muted() {
        Counter.builder("energysentinel.incidents.alerts.muted").register(registry).increment();
    }

    /** An alert joined an incident without changing what ops were told. */
    void suppressed() {
        Counter.builder("energysentinel.incidents.alerts.suppressed").register(registry).increment();
    }

    /** An incident record was emitted. */
    void incident(Incident incident, String topic) {
        Counter.builder("energysentinel.incidents").tag("status", incident.status().name())
                .tag("severity", incident.severity().name()).tag("topic", topic).register(registry).increment();
    }
}
