package io.energysentinel.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.AlertPhase;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.testing.EmbeddedKafkaCluster;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incidents application against a real in-process Kafka broker, exactly-once. */
class IncidentsAppIT {
    @TempDir
    Path stateDir;

    @Test
    void alertsBecomeRoutedIncidentsAndBadAlertsDeadLettersOnARealBroker() throws Exception {
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            IncidentsConfig config = IncidentsConfig.fromArgs("--bootstrap-servers", kafka.bootstrapServers(),
                    "--application-id", "incidents-it", "--critical-alerts", "3", "--route", "camera-=incidents.vision",
                    "--metrics-port", "0", "--state-dir", stateDir.toString());
            kafka.createTopics(2, config.alertsTopic(), config.incidentsTopic(), "incidents.vision", config.deadLetterTopic(),
                    config.mutesTopic());
            try (IncidentsApp app = IncidentsApp.start(config)) {
                List<Map.Entry<String, String>> records = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    records.add(alert("host-1", 1_000L * i));
                }
                records.add(alert("camera-2", 500));
                records.add(Map.entry("host-1", "{\"broken\":"));
                kafka.send(config.alertsTopic(), records);

                List<Incident> hosts = kafka.readCommitted(config.incidentsTopic(), 2, Duration.ofSeconds(60), Duration.ofSeconds(1))
                        .stream().map(v -> parse(v, Incident.class)).toList();
                assertThat(hosts).extracting(Incident::status)
                        .containsExactly(IncidentStatus.OPENED, IncidentStatus.ESCALATED);
                assertThat(hosts).extracting(Incident::incidentId).containsOnly("host-1@0");
                assertThat(kafka.readCommitted("incidents.vision", 1, Duration.ofSeconds(30), Duration.ofMillis(500)))
                        .singleElement().satisfies(v -> assertThat(parse(v, Incident.class).source()).isEqualTo("camera-2"));
                assertThat(kafka.readCommitted(config.deadLetterTopic(), 1, Duration.ofSeconds(30), Duration.ofMillis(500)))
                        .singleElement().satisfies(v -> assertThat(parse(v, DeadLetter.class).reason()).isEqualTo(DeadLetterReason.UNPARSEABLE));
                assertThat(app.state()).isEqualTo(KafkaStreams.State.RUNNING);
                assertThat(app.registry().scrape()).contains("energysentinel_incidents_total{severity=\"CRITICAL\",status=\"ESCALATED\"");
            }
        }
    }

    private static Map.Entry<String, String> alert(String source, long eventTime) throws Exception {
        return Map.entry(source, Json.compact().writeValueAsString(new Alert(source + "-" + eventTime, source, eventTime, "energy",
                1.2, 1.0, 0.2, "model", "v1", eventTime, Alert.idOf(source, eventTime), AlertPhase.OPENED)));
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (Exception e) {
            throw new AssertionError("unreadable output " + json, e);
        }
    }
}
