package io.energysentinel.job;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.ImageEncoding;
import io.energysentinel.contract.records.ImageRecord;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.io.JsonLinesReplay;
import io.energysentinel.job.io.KafkaRecords;
import io.energysentinel.job.io.LocalCollectSink;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ModelRefusal;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.model.ServedModel;
import io.energysentinel.trainer.cli.TrainerCli;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.data.ImageDataset;
import io.energysentinel.trainer.data.MnistDigitsJson;
import io.energysentinel.trainer.evaluation.Corruptions;
import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The embedded default: trains (or reuses) a JEM bundle on Fashion-MNIST, then runs the scoring job on a
 * local Flink over a replay of Fashion-MNIST test images mixed with MNIST digits, corrupted images and
 * some malformed records, prints alerts as they come and a one-screen summary at the end, with the
 * Prometheus endpoint live while it runs. Every record's event time is the wall clock when the replay emits
 * it, so the event-lag metrics measure the job. {@code --continuous} replays the mix over and over, paced,
 * until stopped: a live feed for dashboards (the endpoint stops with the job, so a bounded run's last
 * increments may never be scraped).
 */
@Command(name = "energysentinel-demo", mixinStandardHelpOptions = true,
        description = "Runs the scoring job locally on Fashion-MNIST vs MNIST and corrupted images.")
public final class EmbeddedDemo implements Callable<Integer> {
    static final String NORMAL = "fashion-mnist";
    private static final String DIGIT = "mnist-digit";
    private static final String CORRUPTED = "corrupted";
    /** Records per second of a continuous run without --rate: enough for every panel, little CPU. */
    private static final double CONTINUOUS_RATE = 100;

    @Option(names = "--bundle", defaultValue = "demo/fashion-jem-demo", description = "Bundle to serve; the repository ships it, and it is "
            + "trained here first when absent (default ${DEFAULT-VALUE}).")
    Path bundle;
    @Option(names = "--score", defaultValue = "", description = "Score to alert on, one the bundle serves (e.g. feature_energy);"
            + " default: the bundle's own.")
    String score;
    @Option(names = "--train-minutes", defaultValue = "4", description = "Training budget when the bundle is absent (default ${DEFAULT-VALUE}).")
    double trainMinutes;
    @Option(names = "--normal", defaultValue = "3000", description = "Fashion-MNIST test images replayed (default ${DEFAULT-VALUE}).")
    int normal;
    @Option(names = "--digits", defaultValue = "300", description = "MNIST digits mixed in (default ${DEFAULT-VALUE}).")
    int digits;
    @Option(names = "--corrupted", defaultValue = "150", description = "Noisy, inverted and blurred Fashion-MNIST images mixed in (default ${DEFAULT-VALUE}).")
    int corrupted;
    @Option(names = "--rate", defaultValue = "0", description = "Records per second replayed; 0 = as fast as possible, or "
            + CONTINUOUS_RATE + " with --continuous (default ${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--continuous", description = "Replay the mix over and over, paced by --rate, until stopped (Ctrl-C): a live feed for dashboards.")
    boolean continuous;
    @Option(names = "--sources", defaultValue = "8", description = "Cameras the images are spread over, or hosts with --events "
            + "(the shipped event bundle knows the first " + EventsDemo.TRAINED_HOSTS + ") (default ${DEFAULT-VALUE}).")
    int sources;
    @Option(names = "--metrics-port", defaultValue = "9464", description = "Prometheus endpoint port, 0 = off (default ${DEFAULT-VALUE}).")
    int metricsPort;
    @Option(names = "--parallelism", defaultValue = "2", description = "Flink parallelism (default ${DEFAULT-VALUE}).")
    int parallelism;
    @Option(names = "--work-dir", defaultValue = "runs/demo", description = "Where the replay file goes (default ${DEFAULT-VALUE}).")
    Path workDir;
    @Option(names = "--kafka", defaultValue = "", description = "Kafka bootstrap servers: alerts also go to the job's alerts topic "
            + "there (at-least-once), for the incidents application; empty = none (default).")
    String kafka;
    @Option(names = "--seed", defaultValue = "7", description = "Mixing seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--events", description = "Metric events instead of images: several hosts' synthetic metrics with "
            + "anomaly episodes of every kind, scored by the shipped event MLP (demo/events-mlp-demo); prints detection per kind.")
    boolean events;

    /**
     * A model-update source announcing the bundle served: the update path runs as in production, and since the
     * version already serves, the scorer takes it as a no-op.
     */
    static DataGeneratorSource<ModelUpdate> announcing(BundleManifest manifest, Path bundle) {
        ModelUpdate announce = new ModelUpdate(manifest.modelId(), manifest.modelVersion(), bundle.toAbsolutePath().toUri().toString(),
                manifest.onnx().sha256());
        return new DataGeneratorSource<>(i -> announce, 1, RateLimiterStrategy.noOp(), TypeInformation.of(ModelUpdate.class));
    }

    /** Runs the demo. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new EmbeddedDemo()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (events) {
            return EventsDemo.run(bundle.equals(Path.of("demo", "fashion-jem-demo")) ? EventsDemo.BUNDLE : bundle, sources,
                    rate, parallelism, metricsPort, workDir, seed);
        }
        DataLocator data = DataLocator.fromEnvironment();
        if (data.fashionMnist().isEmpty() || data.mnistDigits().isEmpty()) {
            System.err.println(data.missingHelp());
            return 2;
        }
        if (!Files.isRegularFile(bundle.resolve(BundleManifest.FILE_NAME))) {
            System.out.printf("No bundle at %s: training a JEM on Fashion-MNIST for %.1f minutes first.%n", bundle, trainMinutes);
            int rc = TrainerCli.run("train", "--kind", "jem", "--minutes", String.valueOf(trainMinutes), "--steps", "1000000",
                    "--lr", "1e-3", "--sgld-steps", "5", "--cosine-decay", "--background-share", "0",
                    "--out", Path.of("runs", bundle.getFileName() + "-run").toString(), "--bundle", bundle.toString(),
                    "--model-id", "fashion-jem-demo");
            if (rc != 0) {
                return rc;
            }
        }
        BundleManifest manifest = BundleLoader.readManifest(bundle);
        Files.createDirectories(workDir);
        Path replay = workDir.resolve("replay.tsv");
        Map<String, float[]> pixels = new HashMap<>();
        Map<String, String> labels = writeReplay(data, replay, pixels);

        List<String> jobArgs = new ArrayList<>(List.of("--bundle", bundle.toString(), "--metrics-port", String.valueOf(metricsPort),
                "--parallelism", String.valueOf(parallelism), "--max-batch-size", "64", "--quiet-records", "2"));
        if (!kafka.isBlank()) {
            jobArgs.addAll(List.of("--bootstrap-servers", kafka));
        }
        ScoreName served;
        try {
            // The job's own rule, checked before it starts: a score the bundle lacks is one line, not a refused model.
            served = ServedModel.scoreOf(manifest, score);
        } catch (ModelRefusal e) {
            System.err.println(e.getMessage());
            return 2;
        }
        if (!score.isBlank()) {
            jobArgs.addAll(List.of("--score", score));
        }
        ScoringJobConfig config = ScoringJobConfig.fromArgs(jobArgs.toArray(String[]::new));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJobMain.configure(env, config);
        DataGeneratorSource<ModelUpdate> updates = announcing(manifest, bundle);
        System.out.printf("Serving %s/%s (score %s, threshold %.4f). Metrics: %s%n", manifest.modelId(), manifest.modelVersion(),
                served.id(), manifest.scores().get(served).threshold(),
                metricsPort > 0 ? "http://localhost:" + metricsPort + "/metrics" : "off");
        double perSecond = continuous && rate <= 0 ? CONTINUOUS_RATE : rate;
        if (continuous) {
            System.out.printf("Continuous: %.0f records/s until stopped (Ctrl-C); no summary at the end.%n", perSecond);
        }
        long start = System.nanoTime();
        ScoringJob job = new ScoringJob(config, List.of(JsonLinesReplay.of(replay, perSecond, continuous)), updates,
                // One line per episode: its opening (peak updates and the close go to the sink too, unprinted).
                LocalCollectSink.<Alert>printing("alerts", a -> {
                    if (a.opensEpisode()) {
                        System.out.printf("ALERT %-10s %-22s %s %.3f > %.3f (%s)%n",
                                a.source(), a.recordId(), a.score(), a.value(), a.threshold(), labels.get(a.recordId()));
                    }
                }),
                LocalCollectSink.<DeadLetter>named("dead-letters"),
                // An endless run keeps no scores in memory: only the bounded run's summary reads them.
                continuous ? new DiscardingSink<>() : LocalCollectSink.<ScoredRecord>named("scores"),
                LocalCollectSink.<ModelEvent>named("model-events"))
                // The replay would hand each camera's images to two readers; in order, a camera's episodes open and close
                // where its images say, the same in every run.
                .readingInOneTask();
        if (!kafka.isBlank()) {
            System.out.printf("Alerts also go to %s on %s.%n", config.alertsTopic(), kafka);
            job = job.sendAlertsAtLeastOnceTo(KafkaRecords.<Alert>atLeastOnceJson(config, config.alertsTopic(), Alert::source));
        }
        job.execute(env, "energysentinel-embedded-demo");
        double seconds = (System.nanoTime() - start) / 1e9;
        printSummary(labels, seconds);
        Path grid = workDir.resolve("caught-and-missed.png");
        CaughtAndMissed.write(LocalCollectSink.<ScoredRecord>collected("scores"), labels, pixels,
                List.of(DIGIT, CORRUPTED, NORMAL), grid);
        System.out.printf("picture             %s (per kind: caught, then missed; for %s: false alarms, then passed)%n",
                grid, NORMAL);
        return 0;
    }

    /** Writes the replay file; returns each image's label and puts its pixels into {@code pixels}. */
    private Map<String, String> writeReplay(DataLocator data, Path file, Map<String, float[]> pixels) throws Exception {
        ImageDataset test = FashionMnist.load(data.fashionMnist().get(), FashionMnist.Split.TEST);
        ImageDataset mnist = MnistDigitsJson.load(data.mnistDigits().get());
        Random random = new Random(seed);
        List<String[]> items = new ArrayList<>();
        Map<String, String> labels = new HashMap<>();
        // The last Fashion-MNIST test images are used, so the first ones stay free for other checks.
        for (int i = 0; i < Math.min(normal, test.size()); i++) {
            pixels.put(NORMAL + "-" + i, test.pixels()[test.size() - 1 - i]);
            items.add(new String[] {NORMAL + "-" + i, NORMAL, toFloats(test.pixels()[test.size() - 1 - i])});
        }
        for (int i = 0; i < Math.min(digits, mnist.size()); i++) {
            float[] digit = mnist.pixels()[random.nextInt(mnist.size())];
            pixels.put(DIGIT + "-" + i, digit);
            items.add(new String[] {DIGIT + "-" + i, DIGIT, toFloats(digit)});
        }
        float[][] base = test.take(corrupted).pixels();
        float[][] noisy = Corruptions.gaussianNoise(base, 0.3, seed);
        float[][] inverted = Corruptions.invert(base);
        float[][] blurred = Corruptions.blur(base, test.rows(), 2);
        for (int i = 0; i < corrupted; i++) {
            // A third each: sensor noise, an inverted feed, a camera out of focus.
            float[] image = switch (i % 3) {
                case 0 -> noisy[i];
                case 1 -> inverted[i];
                default -> blurred[i];
            };
            pixels.put(CORRUPTED + "-" + i, image);
            items.add(new String[] {CORRUPTED + "-" + i, CORRUPTED, toFloats(image)});
        }
        Collections.shuffle(items, random);
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (int i = 0; i < items.size(); i++) {
                String[] item = items.get(i);
                labels.put(item[0], item[1]);
                String source = "camera-" + (i % sources);
                w.write(ScoringInput.IMAGE + "\t" + item[2].replace("@ID@", item[0]).replace("@SRC@", source));
                w.newLine();
            }
            // Records that must not be scored: each ends on the dead-letter output with its reason.
            w.write(ScoringInput.IMAGE + "\t{\"id\":\"broken\",\"source\":\"camera-0\"");
            w.newLine();
            w.write(ScoringInput.IMAGE + "\t" + withEventTimeSlot(new ImageRecord("too-small", "camera-1", 0,
                    ImageEncoding.FLOATS, 10, 10, null, new float[100])));
            w.newLine();
            float[] nan = new float[784];
            nan[400] = Float.NaN;
            w.write(ScoringInput.IMAGE + "\t" + withEventTimeSlot(new ImageRecord("nan-pixel", "camera-2", 0,
                    ImageEncoding.FLOATS, 28, 28, null, nan)));
            w.newLine();
        }
        return labels;
    }

    private static String toFloats(float[] pixels) throws Exception {
        return withEventTimeSlot(new ImageRecord("@ID@", "@SRC@", 0, ImageEncoding.FLOATS, 28, 28, null, pixels));
    }

    /** The record's JSON with its event time (0 here) left for {@link JsonLinesReplay} to fill in. */
    private static String withEventTimeSlot(ImageRecord r) throws Exception {
        return Json.compact().writeValueAsString(r).replace("\"eventTime\":0", "\"eventTime\":" + JsonLinesReplay.EVENT_TIME);
    }

    private static void printSummary(Map<String, String> labels, double seconds) {
        List<ScoredRecord> scores = LocalCollectSink.collected("scores");
        List<Alert> alerts = LocalCollectSink.collected("alerts");
        List<DeadLetter> dead = LocalCollectSink.collected("dead-letters");
        Map<String, int[]> flagged = new HashMap<>();
        for (ScoredRecord s : scores) {
            int[] c = flagged.computeIfAbsent(labels.getOrDefault(s.recordId(), "?"), k -> new int[2]);
            c[0]++;
            if (s.anomalous()) {
                c[1]++;
            }
        }
        System.out.println();
        System.out.println("==== EnergySentinel embedded run ====");
        System.out.printf("records scored      %d in %.1f s (%.0f records/s, including start-up)%n", scores.size(), seconds,
                scores.size() / seconds);
        System.out.printf("alerts (episodes)   %d%n", alerts.stream().filter(Alert::opensEpisode).count());
        System.out.printf("dead letters        %d %s%n", dead.size(), dead.stream().map(d -> d.reason().name()).sorted().toList());
        for (String label : List.of(NORMAL, DIGIT, CORRUPTED)) {
            int[] c = flagged.getOrDefault(label, new int[2]);
            String what = label.equals(NORMAL) ? "false-alarm rate" : "detection rate  ";
            System.out.printf("%-18s  %s %6.2f%%  (%d of %d above threshold)%n", label, what,
                    c[0] == 0 ? 0 : 100.0 * c[1] / c[0], c[1], c[0]);
        }
        List<ModelEvent> events = LocalCollectSink.collected("model-events");
        events.forEach(e -> System.out.printf("model %s/%s %s%n", e.modelId(), e.modelVersion(), e.outcome()));
        System.out.printf("metrics endpoint    %s%n", MetricsEndpoint.port() < 0 ? "stopped with the job" : "still up on " + MetricsEndpoint.port());
    }
}
