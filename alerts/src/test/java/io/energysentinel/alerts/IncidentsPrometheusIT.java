package io.energysentinel.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.AlertPhase;
import io.energysentinel.deploy.DashboardQueries;
import io.energysentinel.deploy.PrometheusServer;
import io.energysentinel.testing.EmbeddedKafkaCluster;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The incidents application on a real broker, scraped by a real Prometheus (Debian's binary) that loads
 * deploy/prometheus/rules.yml: the incidents panels of the dashboard return data, and the first unreadable
 * alert fires {@code EnergySentinelIncidentsDeadLetters}, which needs its counter to exist at zero before.
 */
class IncidentsPrometheusIT {
    private static final Path DEPLOY = PrometheusServer.deployDir();

    @TempDir
    Path dir;

    @Test
    void theFirstUnreadableAlertFiresTheRuleAndEveryIncidentsPanelHasData() throws Exception {
        Path binary = PrometheusServer.binary();
        int metricsPort;
        try (ServerSocket s = new ServerSocket(0)) {
            metricsPort = s.getLocalPort();
        }
        try (EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.start()) {
            IncidentsConfig config = IncidentsConfig.fromArgs("--bootstrap-servers", kafka.bootstrapServers(),
                    "--application-id", "incidents-prometheus-it", "--critical-alerts", "3", "--metrics-port",
                    String.valueOf(metricsPort), "--state-dir", dir.resolve("state").toString());
            kafka.createTopics(2, config.alertsTopic(), config.incidentsTopic(), config.deadLetterTopic(), config.mutesTopic());
            try (IncidentsApp app = IncidentsApp.start(config);
                 PrometheusServer prometheus = PrometheusServer.start(binary, Files.createDirectories(dir.resolve("prometheus")),
                         "global: {scrape_interval: 1s, evaluation_interval: 1s}\n"
                                 + "rule_files: [\"" + DEPLOY.resolve("prometheus/rules.yml") + "\"]\n"
                                 + "scrape_configs:\n"
                                 + "  - job_name: energysentinel-incidents\n"
                                 + "    static_configs: [{targets: [\"127.0.0.1:" + metricsPort + "\"]}]\n")) {
                // Before anything arrives, Prometheus must have the counter at zero: that is what lets
                // increase() see the first dead letter.
                awaitNonEmpty(prometheus, "energysentinel_incidents_dead_letters_total{reason=\"UNPARSEABLE\"} == 0", 30);
                assertThat(firing(prometheus)).isEmpty();

                List<Map.Entry<String, String>> records = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    records.add(alert("host-1", 1_000L * i));
                }
                records.add(Map.entry("host-1", "{\"broken\":"));
                kafka.send(config.alertsTopic(), records);

                long deadline = System.nanoTime() + 60_000_000_000L;
                while (firing(prometheus).isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(500);
                }
                assertThat(firing(prometheus)).as("firing IncidentsDeadLetters; Prometheus log:%n%s", prometheus.log())
                        .containsExactly("UNPARSEABLE");

                Map<String, String> empty = new TreeMap<>(incidentsPanelQueries());
                assertThat(empty).isNotEmpty();
                deadline = System.nanoTime() + 60_000_000_000L;
                while (!empty.isEmpty() && System.nanoTime() < deadline) {
                    empty.values().removeIf(q -> !query(prometheus, q).path("result").isEmpty());
                    Thread.sleep(500);
                }
                assertThat(empty).as("incidents panel queries that returned nothing").isEmpty();
            }
        }
    }

    /** Reasons of the firing EnergySentinelIncidentsDeadLetters alerts. */
    private static List<String> firing(PrometheusServer prometheus) {
        List<String> reasons = new ArrayList<>();
        query(prometheus, "ALERTS{alertname=\"EnergySentinelIncidentsDeadLetters\",alertstate=\"firing\"}").path("result")
                .forEach(r -> reasons.add(r.path("metric").path("reason").asText()));
        return reasons;
    }

    private static void awaitNonEmpty(PrometheusServer prometheus, String promql, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (query(prometheus, promql).path("result").isEmpty()) {
            assertThat(System.nanoTime()).as("%s still empty after %d s; Prometheus log:%n%s", promql, seconds,
                    prometheus.log()).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    /** The dashboard's incidents queries, Grafana's variables filled in. */
    private static Map<String, String> incidentsPanelQueries() throws Exception {
        Map<String, String> queries = DashboardQueries.withVariables("15s", "energy");
        queries.values().removeIf(q -> !q.contains("energysentinel_incidents"));
        return queries;
    }

    private static JsonNode query(PrometheusServer prometheus, String promql) {
        try {
            return prometheus.query(promql);
        } catch (Exception e) {
            throw new AssertionError("query " + promql, e);
        }
    }

    private static Map.Entry<String, String> alert(String source, long eventTime) throws Exception {
        return Map.entry(source, Json.compact().writeValueAsString(new Alert(source + "-" + eventTime, source, eventTime, "energy",
                1.2, 1.0, 0.2, "model", "v1", eventTime, Alert.idOf(source, eventTime), AlertPhase.OPENED)));
    }
}
