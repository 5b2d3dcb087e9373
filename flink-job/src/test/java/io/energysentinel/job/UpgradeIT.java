package io.energysentinel.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.functions.EpisodeTracker;
import io.energysentinel.testing.EmbeddedKafkaCluster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The upgrade path: stop-with-savepoint mid-stream, then resume from the savepoint a changed job (a new model
 * version as {@code --bundle}, parallelism 2 → 1). Stable operator uids carry every piece of state across: nothing is
 * lost or scored twice, and the alerter continues open episodes instead of alerting them again.
 */
class UpgradeIT {
    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());
    private static final int SOURCES = 4;
    private static final int PER_SOURCE = 120;

    @TempDir
    static Path dir;
    @RegisterExtension
    static final EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.perTestClass();

    @BeforeAll
    static void start() throws Exception {
        TestBundles.eventBundle(dir, "v1", 1);
        TestBundles.eventBundle(dir, "v2", 2);
    }

    @Test
    void aJobResumedFromASavepointWithANewModelAndParallelismLosesAndRepeatsNothing() throws Exception {
        kafka.createTopics(2, "up-events", "up-scores", "up-alerts", "up-dead", "up-updates",
                ScoringJobConfig.modelEventsTopicOf("up-updates"));
        // One burst closes before the stop; one straddles it (open episode in the savepoint); one comes after.
        Map<String, List<Event>> sent = TestBundles.streams(PER_SOURCE, SOURCES, 51, 15, 16, 39, 40, 41, 100);
        List<List<Map.Entry<String, String>>> halves = List.of(TestBundles.records(sent, 0, 40), TestBundles.records(sent, 40, PER_SOURCE));
        int total = SOURCES * PER_SOURCE;

        JobClient before = submit("v1", 2, null);
        kafka.send("up-events", halves.get(0));
        assertThat(kafka.readCommitted("up-scores", SOURCES * 40, Duration.ofSeconds(120), Duration.ZERO))
                .hasSizeGreaterThanOrEqualTo(SOURCES * 40);
        String savepoint = before.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get();

        JobClient after = submit("v2", 1, savepoint);
        try {
            kafka.send("up-events", halves.get(1));
            List<ScoredRecord> scores = kafka.readCommitted("up-scores", total, Duration.ofSeconds(120), Duration.ofSeconds(3))
                    .stream().map(json -> parse(json, ScoredRecord.class)).toList();
            List<Alert> alerts = kafka.readCommitted("up-alerts", 1, Duration.ofSeconds(10), Duration.ofSeconds(3))
                    .stream().map(json -> parse(json, Alert.class)).filter(Alert::opensEpisode).toList();

            Map<String, Long> times = scores.stream().collect(Collectors.groupingBy(ScoredRecord::recordId, Collectors.counting()));
            assertThat(times).as("every record scored once").hasSize(total).allSatisfy((id, n) -> assertThat(n).isEqualTo(1L));
            assertThat(scores).filteredOn(s -> idIndex(s.recordId()) >= 40).as("the second half by the new model")
                    .allSatisfy(s -> assertThat(s.modelVersion()).isEqualTo("v2"));
            // The alerts an uninterrupted alerter raises on exactly these scores, in event order per source.
            List<String> expected = new ArrayList<>();
            EpisodeTracker tracker = new EpisodeTracker(3);
            scores.stream().collect(Collectors.groupingBy(ScoredRecord::source)).values().forEach(stream -> {
                EpisodeTracker.Episode state = null;
                for (ScoredRecord s : stream.stream().sorted(Comparator.comparingLong(ScoredRecord::eventTime)).toList()) {
                    EpisodeTracker.Step step = tracker.observe(state, s.value(), s.threshold(), s.eventTime());
                    state = step.next();
                    if (step.alert()) {
                        expected.add(s.recordId());
                    }
                }
            });
            System.out.println("UpgradeIT: savepoint " + savepoint + "; " + scores.size() + " scored, " + alerts.size()
                    + " alerts, " + expected.size() + " expected");
            assertThat(alerts).extracting(Alert::recordId).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(alerts).extracting(Alert::recordId).as("the episode open at the stop did not alert again")
                    .noneMatch(id -> id.matches(".*-4[01]-spike"));
        } finally {
            after.cancel().get();
        }
    }

    private static int idIndex(String recordId) {
        String[] parts = recordId.replace("-spike", "").split("-");
        return Integer.parseInt(parts[parts.length - 1]);
    }

    private static JobClient submit(String version, int parallelism, String savepoint) throws Exception {
        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bootstrap-servers", kafka.bootstrapServers(),
                "--events-topic", "up-events", "--images-topic", "", "--alerts-topic", "up-alerts", "--dead-letter-topic", "up-dead",
                "--scores-topic", "up-scores", "--model-updates-topic", "up-updates", "--bundle", dir.resolve(version).toString(),
                "--checkpoint-interval", "PT0.5S", "--transaction-timeout", "PT1M", "--parallelism", String.valueOf(parallelism),
                "--metrics-port", "0", "--consumer-group", "up-it", "--transactional-id-prefix", "up-it");
        Configuration conf = new Configuration().set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        if (savepoint != null) {
            conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        ScoringJobMain.configure(env, config);
        ScoringJobMain.kafkaJob(config, ScoringJobMain.records(config, false), false).build(env);
        return env.executeAsync("upgrade-it-" + version);
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (IOException e) {
            throw new AssertionError("unreadable output " + json, e);
        }
    }
}
