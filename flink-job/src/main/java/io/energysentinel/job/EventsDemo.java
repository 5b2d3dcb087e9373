package io.energysentinel.job;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.io.JsonLinesReplay;
import io.energysentinel.job.io.LocalCollectSink;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.trainer.cli.TrainerCli;
import io.energysentinel.trainer.data.AnomalyKind;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The embedded default for the main use case, metric events: several hosts' synthetic metrics with labelled
 * anomaly episodes of every kind, replayed through the scoring job with an event MLP; prints each alert and, per
 * anomaly kind, the share of episodes alerted and the median delay (events from an episode's start to its alert).
 */
final class EventsDemo {
    /** The shipped event bundle; trained first, in seconds, when absent. */
    static final Path BUNDLE = Path.of("demo", "events-mlp-demo");
    /**
     * Hosts the shipped bundle is trained on, and so the hosts the demo streams by default. The synthetic host {@code i}
     * runs at a base load of {@code 300 + 150 i} requests/s: a host beyond these runs at loads the model never saw, and
     * every one of its events is an anomaly to it.
     */
    static final int TRAINED_HOSTS = 8;
    /** A host whose normal events are flagged more often than this is named in the summary: the model does not know it. */
    private static final double HOST_ALARM_LIMIT = 0.05;
    private static final int EVENTS_PER_HOST = 600;
    private static final double ANOMALY_RATE = 0.02;
    /** Where the replayed stream starts: in the past, so no event time is refused as future. */
    private static final long START = 1_767_225_600_000L;

    private EventsDemo() {}

    /** Runs the events demo; returns the exit code. */
    static int run(Path bundle, int hosts, double perSecond, int parallelism, int metricsPort, Path workDir, long seed)
            throws Exception {
        if (!Files.isRegularFile(bundle.resolve(BundleManifest.FILE_NAME))) {
            Path normal = workDir.resolve("events-train.jsonl");
            System.out.printf("No bundle at %s: training an event MLP on synthetic normal metrics first.%n", bundle);
            int rc = TrainerCli.run("generate-events", "--sources", String.valueOf(TRAINED_HOSTS), "--events", "2000",
                    "--anomaly-rate", "0", "--seed", "11", "--out", normal.toString());
            if (rc == 0) {
                // The trainer's defaults for event models: what a user gets from the same command.
                rc = TrainerCli.run("train", "--kind", "mlp", "--data", normal.toString(),
                        "--out", Path.of("runs", bundle.getFileName() + "-run").toString(), "--bundle", bundle.toString(),
                        "--model-id", "events-mlp-demo");
            }
            if (rc != 0) {
                return rc;
            }
        }
        BundleManifest manifest = BundleLoader.readManifest(bundle);
        Files.createDirectories(workDir);
        Path replay = workDir.resolve("events-replay.tsv");
        List<LabelledEvent> stream = stream(hosts, seed);
        writeReplay(stream, replay);
        Map<String, AnomalyKind> truth = new HashMap<>();
        stream.forEach(e -> truth.put(e.event().id(), e.anomaly()));
        ScoringJobConfig config = ScoringJobConfig.fromArgs("--bundle", bundle.toString(), "--metrics-port", String.valueOf(metricsPort),
                "--parallelism", String.valueOf(parallelism), "--max-batch-size", "64", "--quiet-records", "3");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJobMain.configure(env, config);
        DataGeneratorSource<ModelUpdate> updates = EmbeddedDemo.announcing(manifest, bundle);
        System.out.printf("Serving %s/%s (score %s, threshold %.4f) on %d hosts x %d events.%n", manifest.modelId(),
                manifest.modelVersion(), manifest.defaultScore().id(), manifest.scores().get(manifest.defaultScore()).threshold(),
                hosts, EVENTS_PER_HOST);
        new ScoringJob(config, List.of(JsonLinesReplay.of(replay, perSecond, false)), updates,
                LocalCollectSink.<Alert>printing("alerts", a -> {
                    if (a.opensEpisode()) {
                        AnomalyKind kind = truth.get(a.recordId());
                        System.out.printf("ALERT %-8s %-18s energy %.2f > %.2f (%s)%s%n", a.source(), a.recordId(), a.value(),
                                a.threshold(), kind == null ? "normal" : kind,
                                a.topMetrics().isEmpty() ? "" : "  top metrics: " + String.join(", ", a.topMetrics()));
                    }
                }),
                LocalCollectSink.<DeadLetter>named("dead-letters"),
                LocalCollectSink.<ScoredRecord>named("scores"),
                LocalCollectSink.<ModelEvent>named("model-events"))
                // The replay would hand each host's events to two readers; the scorer needs them in order for the history.
                .readingInOneTask()
                .execute(env, "energysentinel-events-demo");
        summary(stream, LocalCollectSink.<Alert>collected("alerts"), LocalCollectSink.<ScoredRecord>collected("scores"));
        return 0;
    }

    /** The stream the demo replays: {@code hosts} hosts' metrics with anomaly episodes of every kind. */
    static List<LabelledEvent> stream(int hosts, long seed) {
        return new SyntheticEventStream(hosts, ANOMALY_RATE, 60_000, START, seed).generate(EVENTS_PER_HOST);
    }

    /** Writes {@code stream} as a {@link JsonLinesReplay} file of events, in the stream's order. */
    static void writeReplay(List<LabelledEvent> stream, Path replay) throws IOException {
        try (BufferedWriter w = Files.newBufferedWriter(replay)) {
            for (LabelledEvent e : stream) {
                w.write(ScoringInput.EVENT + "\t" + Json.compact().writeValueAsString(e.event()));
                w.newLine();
            }
        }
    }

    /**
     * Per anomaly kind: episodes, the share alerted, and the median delay from an episode's start to its first alert;
     * for normal events both the alerts they opened and the share scored above the threshold (an alert episode that
     * stays open over many normal events opens one alert), and any host flagged on its normal events too often.
     */
    private static void summary(List<LabelledEvent> stream, List<Alert> alerts, List<ScoredRecord> scores) {
        Set<String> opened = alerts.stream().filter(Alert::opensEpisode).map(Alert::recordId).collect(Collectors.toSet());
        Set<String> flagged = scores.stream().filter(ScoredRecord::anomalous).map(ScoredRecord::recordId).collect(Collectors.toSet());
        Map<AnomalyKind, int[]> episodes = new LinkedHashMap<>();
        Map<AnomalyKind, List<Integer>> delays = new LinkedHashMap<>();
        Map<String, List<LabelledEvent>> bySource = new LinkedHashMap<>();
        stream.forEach(e -> bySource.computeIfAbsent(e.event().source(), s -> new ArrayList<>()).add(e));
        int normal = 0;
        int falseAlarms = 0;
        int normalFlagged = 0;
        List<String> unknownHosts = new ArrayList<>();
        for (Map.Entry<String, List<LabelledEvent>> host : bySource.entrySet()) {
            List<LabelledEvent> events = host.getValue();
            int hostNormal = 0;
            int hostFlagged = 0;
            for (int i = 0; i < events.size(); i++) {
                LabelledEvent e = events.get(i);
                if (!e.anomalous()) {
                    hostNormal++;
                    hostFlagged += flagged.contains(e.event().id()) ? 1 : 0;
                    falseAlarms += opened.contains(e.event().id()) ? 1 : 0;
                    continue;
                }
                if (i > 0 && events.get(i - 1).anomaly() == e.anomaly()) {
                    continue;
                }
                // An episode: this event and the following ones of the same kind.
                int end = i;
                while (end + 1 < events.size() && events.get(end + 1).anomaly() == e.anomaly()) {
                    end++;
                }
                int[] count = episodes.computeIfAbsent(e.anomaly(), k -> new int[2]);
                count[0]++;
                for (int j = i; j <= end; j++) {
                    if (flagged.contains(events.get(j).event().id())) {
                        count[1]++;
                        delays.computeIfAbsent(e.anomaly(), k -> new ArrayList<>()).add(j - i);
                        break;
                    }
                }
            }
            normal += hostNormal;
            normalFlagged += hostFlagged;
            if (hostNormal > 0 && hostFlagged > HOST_ALARM_LIMIT * hostNormal) {
                unknownHosts.add(String.format("%s %.0f%%", host.getKey(), 100.0 * hostFlagged / hostNormal));
            }
        }
        System.out.println();
        System.out.println("==== EnergySentinel embedded run: metric events ====");
        System.out.printf("events scored       %d, alerts (episodes) %d%n", scores.size(), opened.size());
        System.out.printf("normal events       %d, alerts opened on normal events %d (%.2f%%), scored above the threshold %d (%.2f%%)%n",
                normal, falseAlarms, percent(falseAlarms, normal), normalFlagged, percent(normalFlagged, normal));
        if (!unknownHosts.isEmpty()) {
            System.out.printf("hosts flagged on over %.0f%% of their normal events (loads the model never saw?): %s%n",
                    100 * HOST_ALARM_LIMIT, String.join(", ", unknownHosts));
        }
        for (Map.Entry<AnomalyKind, int[]> kind : episodes.entrySet()) {
            List<Integer> d = delays.getOrDefault(kind.getKey(), List.of()).stream().sorted().toList();
            System.out.printf("%-18s  episodes %3d  detected %6.1f%%  median delay %s events%n", kind.getKey(), kind.getValue()[0],
                    100.0 * kind.getValue()[1] / kind.getValue()[0], d.isEmpty() ? "-" : String.valueOf(d.get(d.size() / 2)));
        }
    }

    private static double percent(int part, int whole) {
        return whole == 0 ? 0 : 100.0 * part / whole;
    }
}
