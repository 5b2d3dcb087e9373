package io.energysentinel.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.Event;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Chaos run against the multi-process cluster of {@code scripts/cluster.sh}: sends a bounded, seeded stream of metric
 * events with known anomalies at a fixed rate, reads scores, alerts and incidents with {@code read_committed} (noting
 * when each became visible), and, with {@code --chaos}, meanwhile kills and restarts the cluster's processes through
 * the script: {@code kill -9} of a TaskManager, {@code kill -9} of the JobManager followed by a resubmission that
 * restores the latest checkpoint, a broker restart, {@code kill -9} of the incidents application. Its outputs are
 * compared with those of an uninterrupted run of the same input ({@code --baseline}): lost, duplicated and extra
 * alerts and incidents, recovery time per disruption, and how far committed output fell behind.
 */
@Command(name = "chaos-run", mixinStandardHelpOptions = true)
public final class ChaosRun implements Callable<Integer> {
    private static final String EVENTS = "energysentinel.events";
    private static final String SCORES = "energysentinel.scores";
    private static final String ALERTS = "energysentinel.alerts";
    private static final String INCIDENTS = "energysentinel.incidents";

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:19092")
    String bootstrap;
    @Option(names = "--cluster-script", defaultValue = "scripts/cluster.sh")
    String clusterScript;
    @Option(names = "--sources", defaultValue = "8")
    int sources;
    @Option(names = "--events-per-source", defaultValue = "1500")
    int eventsPerSource;
    @Option(names = "--rate", defaultValue = "100", description = "Events per second sent.")
    double rate;
    @Option(names = "--anomaly-rate", defaultValue = "0.02")
    double anomalyRate;
    @Option(names = "--seed", defaultValue = "17")
    long seed;
    @Option(names = "--chaos", description = "Kill and restart the cluster's processes while the stream is sent.")
    boolean chaos;
    @Option(names = "--settle", defaultValue = "PT30S", description = "Output must stay unchanged this long at the end.")
    Duration settle;
    @Option(names = "--max-wait", defaultValue = "PT5M", description = "Longest wait for the outputs after the last event.")
    Duration maxWait;
    @Option(names = "--out", required = true)
    Path out;
    @Option(names = "--baseline", description = "The output directory of an uninterrupted run to compare with.")
    Path baseline;
    @Option(names = "--recovered-lag", defaultValue = "PT5S",
            description = "Committed output is back when a score is visible within this long of its event's sending.")
    Duration recoveredLag;
    @Option(names = "--min-gap", defaultValue = "PT30S", description = "Least time between two disruptions.")
    Duration minGap;

    private final Map<String, List<Seen>> seen = new ConcurrentHashMap<>();
    private final List<Map<String, Object>> disruptions = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Long> sentAt = new ConcurrentHashMap<>();
    private volatile boolean stop;
    /** Send time and visibility of the score read last. */
    private volatile long lastScoreSent;
    private volatile long lastScoreVisible;

    /** One output record and the wall-clock time a read_committed consumer first saw it. */
    record Seen(String key, String value, long visibleAt) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new ChaosRun()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Files.createDirectories(out);
        // Event time advances as fast as the stream is sent (one host's events sources/rate seconds apart): a replay
        // faster than that would turn a second of skew between two hosts' alerts into minutes of event time, more
        // than the incidents application's grace, and its results would depend on scheduling, not on the input.
        long intervalMs = Math.max(1, Math.round(1000 * sources / rate));
        List<Event> events = new SyntheticEventStream(sources, anomalyRate, intervalMs, 1_767_225_600_000L, seed)
                .generate(eventsPerSource).stream().map(LabelledEvent::event).toList();
        List<Thread> readers = new ArrayList<>();
        for (String topic : List.of(SCORES, ALERTS, INCIDENTS)) {
            seen.put(topic, Collections.synchronizedList(new ArrayList<>()));
            Thread t = new Thread(() -> read(topic), "read-" + topic);
            t.start();
            readers.add(t);
        }
        double seconds = events.size() / rate;
        Thread chaosThread = chaos ? new Thread(() -> disrupt(seconds), "chaos") : null;
        long start = System.currentTimeMillis();
        if (chaosThread != null) {
            chaosThread.start();
        }
        send(events);
        if (chaosThread != null) {
            chaosThread.join();
        }
        long sentAll = System.currentTimeMillis();
        System.out.printf("sent %d events in %.1f s%n", events.size(), (sentAll - start) / 1000.0);
        awaitQuiet(events.size());
        stop = true;
        for (Thread t : readers) {
            t.join();
        }
        Map<String, Object> summary = summarize(events, start);
        write(summary);
        if (baseline != null) {
            Map<String, Object> comparison = compare(readOutputs(baseline), readOutputs(out), Json.mapper().readTree(
                    baseline.resolve("summary.json").toFile()));
            Json.mapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("comparison.json").toFile(), comparison);
            System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(comparison));
        }
        return 0;
    }

    private void send(List<Event> events) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // Idempotent, so a broker restart never duplicates input (a duplicate would count against the job).
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "300000");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        AtomicLong refused = new AtomicLong();
        AtomicReference<Exception> firstRefusal = new AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            long begin = System.nanoTime();
            double interval = 1e9 / rate;
            for (int n = 0; n < events.size(); n++) {
                long wait = begin + (long) (n * interval) - System.nanoTime();
                if (wait > 100_000) {
                    LockSupport.parkNanos(wait);
                }
                Event e = events.get(n);
                sentAt.put(e.id(), System.currentTimeMillis());
                producer.send(new ProducerRecord<>(EVENTS, e.source(), Json.mapper().writeValueAsString(e)), (m, ex) -> {
                    if (ex != null) {
                        refused.incrementAndGet();
                        firstRefusal.compareAndSet(null, ex);
                    }
                });
            }
            producer.flush();
        }
        if (refused.get() > 0) {
            throw new IllegalStateException(refused.get() + " events refused by the broker", firstRefusal.get());
        }
    }

    private void read(String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<Seen> into = seen.get(topic);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            // Assigned, not subscribed: a group member whose coordinator restarts (the broker restart) is assigned
            // its partitions again and, with no committed offsets, would read them from the beginning a second time.
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofMinutes(1)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (!stop) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    long now = System.currentTimeMillis();
                    into.add(new Seen(r.key(), r.value(), now));
                    if (topic.equals(SCORES)) {
                        noteScore(r.value(), now);
                    }
                }
            }
        }
    }

    private void noteScore(String json, long visible) {
        int at = json.indexOf("\"recordId\"");
        if (at < 0) {
            return;
        }
        int start = json.indexOf('"', json.indexOf(':', at) + 1) + 1;
        Long sent = sentAt.get(json.substring(start, json.indexOf('"', start)));
        if (sent != null) {
            lastScoreSent = sent;
            lastScoreVisible = visible;
        }
    }

    /**
     * The four disruptions; each starts once committed output has recovered from the one before (a score visible
     * within {@code --recovered-lag} of sending) and at least {@code --min-gap} after it.
     */
    private void disrupt(double seconds) {
        try {
            long t0 = System.currentTimeMillis();
            at(t0, seconds * 0.15);
            awaitRecovered();
            disruption("kill -9 TaskManager", () -> {
                cluster("kill", "taskmanager-1");
                Thread.sleep(5_000);
                cluster("start-tm", "1");
            });
            awaitRecovered();
            disruption("kill -9 JobManager, resubmit from the latest checkpoint", () -> {
                cluster("kill", "jobmanager");
                Thread.sleep(5_000);
                cluster("start-jm");
                cluster("submit");
            });
            awaitRecovered();
            disruption("broker stopped and restarted", () -> {
                cluster("stop-one", "broker");
                Thread.sleep(5_000);
                cluster("start-broker");
            });
            awaitRecovered();
            disruption("kill -9 incidents application", () -> {
                cluster("kill", "incidents");
                Thread.sleep(5_000);
                cluster("start-incidents");
            });
        } catch (Exception e) {
            throw new IllegalStateException("a disruption failed", e);
        }
    }

    private void awaitRecovered() throws InterruptedException {
        long earliest = disruptions.isEmpty() ? 0 : (Long) disruptions.get(disruptions.size() - 1).get("at") + minGap.toMillis();
        long deadline = System.currentTimeMillis() + 300_000;
        while (System.currentTimeMillis() < deadline) {
            long now = System.currentTimeMillis();
            boolean flowing = now - lastScoreVisible < 1_000 && lastScoreVisible - lastScoreSent <= recoveredLag.toMillis();
            if (now >= earliest && flowing) {
                return;
            }
            Thread.sleep(200);
        }
        System.out.println("chaos: output did not recover within 5 minutes; disrupting anyway");
    }

    private static void at(long t0, double seconds) throws InterruptedException {
        long wait = t0 + (long) (seconds * 1000) - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    interface Action {
        void run() throws Exception;
    }

    private void disruption(String what, Action action) throws Exception {
        long at = System.currentTimeMillis();
        System.out.println("chaos: " + what);
        action.run();
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("what", what);
        d.put("at", at);
        d.put("restartedAfterMs", System.currentTimeMillis() - at);
        disruptions.add(d);
    }

    private void cluster(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(clusterScript));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    /** Waits until every event was scored and no output changed for {@code settle}, or {@code maxWait} passed. */
    private void awaitQuiet(int events) throws InterruptedException {
        long deadline = System.currentTimeMillis() + maxWait.toMillis();
        long lastChange = System.currentTimeMillis();
        int last = -1;
        while (System.currentTimeMillis() < deadline) {
            int now = seen.values().stream().mapToInt(List::size).sum();
            if (now != last) {
                last = now;
                lastChange = System.currentTimeMillis();
            }
            if (seen.get(SCORES).size() >= events && System.currentTimeMillis() - lastChange >= settle.toMillis()) {
                return;
            }
            Thread.sleep(500);
        }
        System.out.println("outputs still changing or incomplete after " + maxWait);
    }

    private Map<String, Object> summarize(List<Event> events, long start) throws IOException {
        Map<String, Long> timesScored = new HashMap<>();
        List<long[]> lags = new ArrayList<>();
        for (Seen s : seen.get(SCORES)) {
            String id = Json.mapper().readTree(s.value()).path("recordId").asText();
            timesScored.merge(id, 1L, Long::sum);
            Long sent = sentAt.get(id);
            if (sent != null) {
                lags.add(new long[] {sent, s.visibleAt() - sent});
            }
        }
        long lost = events.stream().filter(e -> !timesScored.containsKey(e.id())).count();
        long repeated = timesScored.values().stream().filter(n -> n > 1).count();
        lags.sort(Comparator.comparingLong(l -> l[0]));
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("events", events.size());
        summary.put("rate", rate);
        summary.put("chaos", chaos);
        summary.put("start", start);
        summary.put("eventTimeIntervalMsPerSource", Math.max(1, Math.round(1000 * sources / rate)));
        summary.put("recoveredLagMs", recoveredLag.toMillis());
        summary.put("scores", seen.get(SCORES).size());
        summary.put("eventsNeverScored", lost);
        summary.put("eventsScoredTwice", repeated);
        summary.put("alerts", seen.get(ALERTS).size());
        summary.put("incidents", seen.get(INCIDENTS).size());
        summary.put("committedLagMs", percentiles(lags.stream().mapToLong(l -> l[1]).sorted().toArray()));
        // Per second of send time: the largest committed lag of the events sent in it.
        Map<Long, Long> perSecond = new java.util.TreeMap<>();
        for (long[] l : lags) {
            perSecond.merge((l[0] - start) / 1000, l[1], Math::max);
        }
        summary.put("maxCommittedLagMsBySendSecond", perSecond);
        List<Map<String, Object>> ds = new ArrayList<>(disruptions);
        for (Map<String, Object> d : ds) {
            long at = (Long) d.get("at");
            d.put("atSecond", (at - start) / 1000.0);
            // Recovered: the first event sent after the disruption whose score was visible within --recovered-lag.
            lags.stream().filter(l -> l[0] >= at && l[1] <= recoveredLag.toMillis()).findFirst()
                    .ifPresent(l -> d.put("recoveryMs", l[0] + l[1] - at));
            d.put("maxCommittedLagMsAround", lags.stream().filter(l -> l[0] >= at - 10_000 && l[0] <= at + 60_000)
                    .mapToLong(l -> l[1]).max().orElse(-1));
        }
        summary.put("disruptions", ds);
        return summary;
    }

    private static Map<String, Long> percentiles(long[] sorted) {
        Map<String, Long> p = new LinkedHashMap<>();
        if (sorted.length == 0) {
            return p;
        }
        p.put("p50", sorted[sorted.length / 2]);
        p.put("p99", sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))]);
        p.put("max", sorted[sorted.length - 1]);
        return p;
    }

    private void write(Map<String, Object> summary) throws IOException {
        for (String topic : List.of(ALERTS, INCIDENTS)) {
            List<String> lines = new ArrayList<>();
            for (Seen s : seen.get(topic)) {
                ObjectNode line = Json.mapper().createObjectNode();
                line.put("key", s.key());
                line.put("visibleAt", s.visibleAt());
                line.set("value", Json.mapper().readTree(s.value()));
                lines.add(Json.compact().writeValueAsString(line));
            }
            Files.write(out.resolve(topic + ".jsonl"), lines);
        }
        Json.mapper().writerWithDefaultPrettyPrinter().writeValue(out.resolve("summary.json").toFile(), summary);
        System.out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
    }

    /** Alerts and incidents of a run as comparable strings: processing-time fields left out. */
    private static Map<String, List<String>> readOutputs(Path dir) throws IOException {
        Map<String, List<String>> outputs = new LinkedHashMap<>();
        for (String topic : List.of(ALERTS, INCIDENTS)) {
            List<String> values = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve(topic + ".jsonl"))) {
                JsonNode value = Json.mapper().readTree(line).get("value");
                if (value instanceof ObjectNode o) {
                    o.remove("detectedAt");
                }
                values.add(Json.compact().writeValueAsString(value));
            }
            outputs.put(topic, values);
        }
        return outputs;
    }

    /** Lost (fewer times than in the baseline), duplicated (more times) and extra (not in the baseline at all) outputs. */
    static Map<String, Object> compare(Map<String, List<String>> expected, Map<String, List<String>> actual, JsonNode baselineSummary) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (String topic : expected.keySet()) {
            Map<String, Long> want = expected.get(topic).stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
            Map<String, Long> got = actual.get(topic).stream().collect(Collectors.groupingBy(v -> v, Collectors.counting()));
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("baseline", expected.get(topic).size());
            r.put("run", actual.get(topic).size());
            long lost = 0;
            long duplicated = 0;
            long extra = 0;
            for (Map.Entry<String, Long> w : want.entrySet()) {
                lost += Math.max(0, w.getValue() - got.getOrDefault(w.getKey(), 0L));
            }
            for (Map.Entry<String, Long> g : got.entrySet()) {
                long wanted = want.getOrDefault(g.getKey(), 0L);
                if (wanted == 0) {
                    extra += g.getValue();
                } else {
                    duplicated += Math.max(0, g.getValue() - wanted);
                }
            }
            r.put("lost", lost);
            r.put("duplicated", duplicated);
            r.put("extra", extra);
            r.put("lostExamples", want.keySet().stream().filter(v -> !got.containsKey(v)).limit(3).toList());
            r.put("extraExamples", got.keySet().stream().filter(v -> !want.containsKey(v)).limit(3).toList());
            result.put(topic, r);
        }
        result.put("baselineCommittedLagMs", baselineSummary.get("committedLagMs"));
        return result;
    }
}
