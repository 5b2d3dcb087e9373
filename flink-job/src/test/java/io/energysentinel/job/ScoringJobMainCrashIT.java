package io.energysentinel.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.Event;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.testing.EmbeddedKafkaCluster;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of {@link ScoringJobMain} run as its own process, mid-stream, then a restart with the same flags:
 * with {@code --checkpoint-dir} it restores the latest checkpoint, so every record is scored exactly once and every
 * episode alerts exactly once, as in an uninterrupted run (read with {@code read_committed}), and every score is the one
 * an uninterrupted run gives, source history included. The broker runs in the test's JVM, the job in a child JVM.
 */
class ScoringJobMainCrashIT {
    private static final int SOURCES = 6;
    private static final int PER_SOURCE = 150;

    @TempDir
    static Path dir;
    @RegisterExtension
    static final EmbeddedKafkaCluster kafka = EmbeddedKafkaCluster.perTestClass();

    @BeforeAll
    static void start() throws Exception {
        // A model fed each source's history: the scorer's keyed history state must survive the crash as its buffer does.
        TestBundles.historyEventBundle(dir, "v1", 1);
    }

    @Test
    void aKilledJobRestoresItsCheckpointAndNeitherLosesNorRepeatsAnything() throws Exception {
        kafka.createTopics(2, "crash-events", "crash-scores", "crash-alerts", "crash-dead", "crash-updates",
                ScoringJobConfig.modelEventsTopicOf("crash-updates"));
        // Anomalous bursts early, across the crash and late in each source's stream.
        Map<String, List<Event>> sent = TestBundles.streams(PER_SOURCE, SOURCES, 41, 20, 21, 70, 71, 72, 120);
        List<String> expectedAlerts = TestBundles.expectedAlerts(dir.resolve("v1"), sent, 3);
        Map<String, Float> expectedScores = TestBundles.expectedScores(dir.resolve("v1"), sent);
        List<List<Map.Entry<String, String>>> rounds = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            rounds.add(TestBundles.records(sent, round * PER_SOURCE / 3, (round + 1) * PER_SOURCE / 3));
        }
        int total = SOURCES * PER_SOURCE;

        Process first = startJob("first");
        kafka.send("crash-events", rounds.get(0));
        assertThat(kafka.readCommitted("crash-scores", total / 3, Duration.ofSeconds(120), Duration.ZERO))
                .as("the first third scored before the crash").hasSizeGreaterThanOrEqualTo(total / 3);
        kafka.send("crash-events", rounds.get(1));
        Thread.sleep(1_500);
        first.destroyForcibly().waitFor();

        Process second = startJob("second");
        try {
            kafka.send("crash-events", rounds.get(2));
            List<ScoredRecord> scores = kafka.readCommitted("crash-scores", total, Duration.ofSeconds(180), Duration.ofSeconds(5))
                    .stream().map(json -> parse(json, ScoredRecord.class)).toList();
            List<Alert> alerts = kafka.readCommitted("crash-alerts", expectedAlerts.size(), Duration.ofSeconds(30), Duration.ofSeconds(3))
                    .stream().map(json -> parse(json, Alert.class)).filter(Alert::opensEpisode).toList();
            assertThat(Files.readString(Path.of("target", "crash-it", "job-second.log"))).contains("restoring from checkpoint");

            Map<String, Long> timesScored = scores.stream().collect(Collectors.groupingBy(ScoredRecord::recordId, Collectors.counting()));
            List<String> lost = sent.values().stream().flatMap(List::stream).map(Event::id).filter(id -> !timesScored.containsKey(id)).toList();
            List<String> repeated = timesScored.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            System.out.println("ScoringJobMainCrashIT: " + total + " records, scored " + scores.size() + ", lost " + lost.size()
                    + ", repeated " + repeated.size() + "; alerts " + alerts.size() + " of " + expectedAlerts.size() + " expected");
            assertThat(lost).as("records never scored").isEmpty();
            assertThat(repeated).as("records scored twice").isEmpty();
            List<String> otherScore = scores.stream()
                    .filter(s -> Math.abs(s.value() - expectedScores.get(s.recordId())) > 1e-4 * Math.max(1, Math.abs(s.value())))
                    .map(ScoredRecord::recordId).toList();
            assertThat(otherScore).as("records scored otherwise than an uninterrupted run (history lost or repeated)").isEmpty();
            assertThat(alerts).extracting(Alert::recordId).as("one alert per episode, as an uninterrupted run raises")
                    .containsExactlyInAnyOrderElementsOf(expectedAlerts);
        } finally {
            second.destroyForcibly().waitFor();
        }
    }

    /** {@link ScoringJobMain} in a child JVM; its classpath goes in an argument file (ONNX Runtime and long command lines). */
    private static Process startJob(String name) throws IOException {
        Path args = dir.resolve("job-" + name + ".args");
        Files.writeString(args, "-cp " + quoted(System.getProperty("java.class.path")) + "\n");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Dai.djl.offline=true", "-Dlog4j2.configurationFile=log4j2.xml", "@" + args, ScoringJobMain.class.getName(),
                "--bootstrap-servers", kafka.bootstrapServers(), "--events-topic", "crash-events", "--scores-topic", "crash-scores",
                "--alerts-topic", "crash-alerts", "--dead-letter-topic", "crash-dead", "--model-updates-topic", "crash-updates",
                "--bundle", dir.resolve("v1").toString(), "--checkpoint-interval", "PT0.5S", "--transaction-timeout", "PT1M",
                "--checkpoint-dir", dir.resolve("checkpoints").toString(), "--parallelism", "2", "--metrics-port", "0",
                "--consumer-group", "crash-it", "--transactional-id-prefix", "crash-it"));
        // The logs stay under target/ for a failed run to be read.
        Path log = Files.createDirectories(Path.of("target", "crash-it")).resolve("job-" + name + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static String quoted(String classpath) {
        return "\"" + classpath.replace(File.pathSeparator, File.pathSeparator).replace("\\", "\\\\") + "\"";
    }

    private static <T> T parse(String json, Class<T> type) {
        try {
            return Json.mapper().readValue(json, type);
        } catch (IOException e) {
            throw new AssertionError("unreadable output " + json, e);
        }
    }
}
