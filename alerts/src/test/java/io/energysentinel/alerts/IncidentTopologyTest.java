package io.energysentinel.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.AlertPhase;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.testing.DeployedQueries;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The incident topology on Kafka Streams' test driver: grouping, suppression, severity, muting, routing. */
class IncidentTopologyTest {
    private static final long SECOND = 1000;
    private static final long GAP = 60 * SECOND;

    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, String> alerts;
    private TestInputTopic<String, String> mutes;
    private TestOutputTopic<String, String> incidents;
    private TestOutputTopic<String, String> vision;
    private TestOutputTopic<String, String> deadLetters;
    private PrometheusMeterRegistry registry;

    @BeforeEach
    void start() {
        IncidentsConfig config = IncidentsConfig.fromArgs("--inactivity-gap", "PT60S", "--grace", "PT0S",
                "--critical-alerts", "3", "--critical-margin-ratio", "1.0", "--route", "camera-=incidents.vision",
                "--metrics-port", "0", "--state-dir", stateDir.toString());
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        Properties props = IncidentsApp.properties(config);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        driver = new TopologyTestDriver(IncidentTopology.build(config, registry), props);
        alerts = driver.createInputTopic(config.alertsTopic(), new StringSerializer(), new StringSerializer());
        mutes = driver.createInputTopic(config.mutesTopic(), new StringSerializer(), new StringSerializer());
        incidents = driver.createOutputTopic(config.incidentsTopic(), new StringDeserializer(), new StringDeserializer());
        vision = driver.createOutputTopic("incidents.vision", new StringDeserializer(), new StringDeserializer());
        deadLetters = driver.createOutputTopic(config.deadLetterTopic(), new StringDeserializer(), new StringDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
        registry.close();
    }

    @Test
    void repeatedAlertsMakeOneIncidentThatOpensEscalatesAndResolves() throws Exception {
        send("host-1", 0, 1.2, 1.0);
        send("host-1", 10 * SECOND, 1.3, 1.0);
        send("host-1", 20 * SECOND, 1.1, 1.0); // third alert: critical
        send("host-1", 30 * SECOND, 1.4, 1.0);
        // Another source's alert inside host-1's gap moves stream time but must not end host-1's incident.
        send("host-2", 30 * SECOND + GAP - SECOND, 1.2, 1.0);
        List<Incident> early = read(incidents);
        assertThat(early).extracting(Incident::source, Incident::status, Incident::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple("host-1", IncidentStatus.OPENED, Severity.WARNING),
                org.assertj.core.groups.Tuple.tuple("host-1", IncidentStatus.ESCALATED, Severity.CRITICAL),
                org.assertj.core.groups.Tuple.tuple("host-2", IncidentStatus.OPENED, Severity.WARNING));
        assertThat(early.get(1).alerts()).isEqualTo(3);
        assertThat(registry.counter("energysentinel.incidents.alerts.suppressed").count()).isEqualTo(2);

        // Past host-1's last alert + gap: it ends, with everything it grouped.
        send("host-2", 30 * SECOND + GAP + SECOND, 1.2, 1.0);
        List<Incident> later = read(incidents);
        Incident resolved = later.stream().filter(i -> i.status() == IncidentStatus.RESOLVED).findFirst().orElseThrow();
        assertThat(resolved.source()).isEqualTo("host-1");
        assertThat(resolved.incidentId()).isEqualTo(early.get(0).incidentId()).isEqualTo("host-1@0");
        assertThat(resolved.alerts()).isEqualTo(4);
        assertThat(resolved.lastAlertTime()).isEqualTo(30 * SECOND);
        assertThat(resolved.maxValue()).isEqualTo(1.4);
        assertThat(resolved.firstRecordId()).isEqualTo("host-1-0");
        assertThat(resolved.latestRecordId()).isEqualTo("host-1-" + 30 * SECOND);
    }

    @Test
    void oneAlertFarAboveItsThresholdOpensACriticalIncident() throws Exception {
        send("host-3", 0, 250.0, 100.0); // margin 150 = 1.5 x |threshold|
        assertThat(read(incidents)).singleElement().satisfies(i -> {
            assertThat(i.status()).isEqualTo(IncidentStatus.OPENED);
            assertThat(i.severity()).isEqualTo(Severity.CRITICAL);
            assertThat(i.maxMarginRatio()).isEqualTo(1.5);
        });
    }

    @Test
    void anIncidentNamesTheMetricsItsAlertsBlamedInOrderOfAppearance() throws Exception {
        Alert first = new Alert("r1", "host-6", 0, "energy", 1.2, 1.0, 0.2, "model", "v1", 5, Alert.idOf("host-6", 0),
                AlertPhase.OPENED, List.of("cpu_pct", "latency_ms"));
        Alert peak = new Alert("r2", "host-6", SECOND, "energy", 3.5, 1.0, 2.5, "model", "v1", 6, Alert.idOf("host-6", 0),
                AlertPhase.PEAK, List.of("queue_depth", "cpu_pct"));
        alerts.pipeInput("host-6", Json.compact().writeValueAsString(first), Instant.ofEpochMilli(0));
        alerts.pipeInput("host-6", Json.compact().writeValueAsString(peak), Instant.ofEpochMilli(SECOND));
        assertThat(read(incidents)).last().extracting(Incident::topMetrics)
                .isEqualTo(List.of("cpu_pct", "latency_ms", "queue_depth"));
    }

    @Test
    void incidentsGoToTheTopicOfTheLongestMatchingPrefix() throws Exception {
        send("camera-7", 0, 1.2, 1.0);
        send("host-4", SECOND, 1.2, 1.0);
        assertThat(read(vision)).extracting(Incident::source).containsExactly("camera-7");
        assertThat(read(incidents)).extracting(Incident::source).containsExactly("host-4");
    }

    @Test
    void mutedSourcesRaiseNoIncidentUntilTheMuteEnds() throws Exception {
        mutes.pipeInput("host-9", Json.compact().writeValueAsString(new Mute(100 * SECOND, "disk swap")), Instant.ofEpochMilli(0));
        send("host-9", 50 * SECOND, 5.0, 1.0);
        assertThat(read(incidents)).isEmpty();
        assertThat(registry.counter("energysentinel.incidents.alerts.muted").count()).isEqualTo(1);

        send("host-9", 150 * SECOND, 1.2, 1.0);
        assertThat(read(incidents)).extracting(Incident::status).containsExactly(IncidentStatus.OPENED);
    }

    @Test
    void unreadableAlertsGoToTheDeadLetterTopicWithTheReasonAndTheRestGoesOn() throws Exception {
        alerts.pipeInput("x", "{not json", Instant.ofEpochMilli(0));
        alerts.pipeInput("x", "{\"recordId\":\"r\",\"score\":\"energy\",\"value\":1.0}", Instant.ofEpochMilli(0));
        alerts.pipeInput("x", "{\"recordId\":\"r\",\"source\":\"host-5\",\"eventTime\":0,\"score\":\"energy\",\"value\":\"NaN\","
                + "\"threshold\":1.0,\"margin\":0.1,\"modelId\":\"m\",\"modelVersion\":\"v1\",\"detectedAt\":0}", Instant.ofEpochMilli(0));
        send("host-5", SECOND, 1.2, 1.0);

        List<DeadLetter> dead = deadLetters.readValuesToList().stream().map(v -> parse(v, DeadLetter.class)).toList();
        assertThat(dead).extracting(DeadLetter::reason).containsExactly(
                DeadLetterReason.UNPARSEABLE, DeadLetterReason.UNPARSEABLE, DeadLetterReason.NON_FINITE);
        assertThat(dead.get(0).origin()).isEqualTo("energysentinel.alerts/0@0");
        assertThat(dead.get(0).payload()).isEqualTo("{not json");
        assertThat(registry.counter("energysentinel.incidents.dead.letters", "reason", "UNPARSEABLE").count()).isEqualTo(2);
        assertThat(read(incidents)).extracting(Incident::source).containsExactly("host-5");
    }

    @Test
    void everyCounterIsExportedAtZeroBeforeTheFirstAlert() {
        // Prometheus' increase() sees nothing in a series' first sample: a counter that appeared at 1 with the
        // first dead letter would never fire EnergySentinelIncidentsDeadLetters.
        String scrape = registry.scrape();
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            assertThat(scrape).contains("energysentinel_incidents_dead_letters_total{reason=\"" + reason + "\"} 0.0");
        }
        for (IncidentStatus status : IncidentStatus.values()) {
            for (Severity severity : Severity.values()) {
                for (String topic : List.of("energysentinel.incidents", "incidents.vision")) {
                    assertThat(scrape).contains("energysentinel_incidents_total{severity=\"" + severity + "\",status=\""
                            + status + "\",topic=\"" + topic + "\"} 0.0");
                }
            }
        }
        assertThat(scrape).contains("energysentinel_incidents_alerts_muted_total 0.0",
                "energysentinel_incidents_alerts_suppressed_total 0.0");
    }

    @Test
    void everyIncidentMetricTheRulesAndDashboardsQueryIsExported() throws Exception {
        mutes.pipeInput("host-8", Json.compact().writeValueAsString(new Mute(10 * SECOND, "test")), Instant.ofEpochMilli(0));
        send("host-8", 0, 1.2, 1.0);
        send("host-7", 0, 1.2, 1.0);
        send("host-7", SECOND, 1.2, 1.0);
        alerts.pipeInput("x", "{not json", Instant.ofEpochMilli(SECOND));

        assertThat(DeployedQueries.metricNames("energysentinel_incidents")).isNotEmpty()
                .isSubsetOf(DeployedQueries.exported(registry.scrape()));
    }

    @Test
    void anEpisodesPeakEscalatesItsIncidentAndItsCloseIsNoNewAlert() throws Exception {
        send("host-3", 0, 1.2, 1.0, AlertPhase.OPENED, 0);
        send("host-3", 5 * SECOND, 1.5, 1.0, AlertPhase.PEAK, 0);
        send("host-3", 10 * SECOND, 2.5, 1.0, AlertPhase.PEAK, 0); // margin 1.5 x threshold: critical
        send("host-3", 20 * SECOND, 0.2, 1.0, AlertPhase.CLOSED, 0);
        List<Incident> out = read(incidents);
        assertThat(out).extracting(Incident::status, Incident::severity).containsExactly(
                org.assertj.core.groups.Tuple.tuple(IncidentStatus.OPENED, Severity.WARNING),
                org.assertj.core.groups.Tuple.tuple(IncidentStatus.ESCALATED, Severity.CRITICAL));
        assertThat(out.get(1).maxValue()).as("the incident knows the episode's worst record").isEqualTo(2.5);
        assertThat(out.get(1).alerts()).as("one episode, one alert").isEqualTo(1);
    }

    @Test
    void anAlertNotKeyedByItsSourceIsADeadLetterAndNoRepartitionTopicExists() throws Exception {
        Alert alert = new Alert("r", "host-4", 0, "energy", 1.2, 1.0, 0.2, "model", "v1", 5, Alert.idOf("host-4", 0), AlertPhase.OPENED);
        alerts.pipeInput("someone-else", Json.compact().writeValueAsString(alert), Instant.ofEpochMilli(0));
        assertThat(read(incidents)).isEmpty();
        assertThat(deadLetters.readValuesToList()).singleElement().asString().contains("keyed 'someone-else'");
        IncidentsConfig config = IncidentsConfig.fromArgs("--metrics-port", "0", "--state-dir", stateDir.toString());
        assertThat(IncidentTopology.build(config, registry).describe().toString()).doesNotContain("repartition");
    }

    @Test
    void incidentsFollowTheAlertsEventTimeNotWhenTheyArrived() throws Exception {
        // A backlog: two alerts an hour apart in event time arrive one millisecond apart. One incident would be wrong.
        long hour = 3_600 * SECOND;
        Alert first = new Alert("r1", "host-5", 0, "energy", 1.2, 1.0, 0.2, "model", "v1", 5, Alert.idOf("host-5", 0), AlertPhase.OPENED);
        Alert later = new Alert("r2", "host-5", hour, "energy", 1.2, 1.0, 0.2, "model", "v1", 6, Alert.idOf("host-5", hour),
                AlertPhase.OPENED);
        alerts.pipeInput("host-5", Json.compact().writeValueAsString(first), Instant.ofEpochMilli(10 * hour));
        alerts.pipeInput("host-5", Json.compact().writeValueAsString(later), Instant.ofEpochMilli(10 * hour + 1));
        assertThat(read(incidents)).extracting(Incident::status, Incident::firstAlertTime).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple(IncidentStatus.OPENED, 0L),
                org.assertj.core.groups.Tuple.tuple(IncidentStatus.RESOLVED, 0L),
                org.assertj.core.groups.Tuple.tuple(IncidentStatus.OPENED, hour));
    }

    private void send(String source, long eventTime, double value, double threshold) throws Exception {
        send(source, eventTime, value, threshold, AlertPhase.OPENED, eventTime);
    }

    private void send(String source, long eventTime, double value, double threshold, AlertPhase phase, long episodeStart)
            throws Exception {
        Alert alert = new Alert(source + "-" + eventTime, source, eventTime, "energy", value, threshold, value - threshold,
                "model", "v1", eventTime + 5, Alert.idOf(source, episodeStart), phase);
        alerts.pipeInput(source, Json.compact().writeValueAsString(alert), Instant.ofEpochMilli(eventTime));
    }

    private static List<Incident> read(TestOutputTopic<String, String> topic) {
        return topic.readValuesToList().stream().map(v -> parse(v, Incident.class)).toList();
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (Exception e) {
            throw new AssertionError("unreadable output " + json, e);
        }
    }
}
