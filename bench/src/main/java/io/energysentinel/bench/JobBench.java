package io.energysentinel.bench;

import io.energysentinel.contract.Json;
import io.energysentinel.job.ScoringJob;
import io.energysentinel.job.ScoringJobMain;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.testing.EmbeddedKafkaCluster;
import io.energysentinel.trainer.evaluation.ProcessMemory;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole scoring job — Kafka source, parsing, micro-batched ONNX Runtime scoring, thresholds, exactly-once
 * Kafka sinks — on a local Flink against an in-process Kafka broker, measured against bare ONNX Runtime on
 * the same bundle in the same process:
 *
 * <ol>
 *   <li>raw limit: one session per subtask scoring full batches back to back;</li>
 *   <li>job throughput: a pre-filled topic drained by the job, rate taken over the second half of the scores
 *       written (start-up and JIT warm-up excluded; the whole drain's rate is reported too), median of
 *       {@code --rounds} drains after a warm-up drain;</li>
 *   <li>latency under load: traffic paced at fractions of that throughput, each record stamped with its send
 *       time as event time; latency to the score and to the alert (one anomaly every 100 records), as
 *       {@code read_uncommitted} (processing) and {@code read_committed} (what exactly-once consumers see,
 *       which includes waiting for the checkpoint that commits).</li>
 * </ol>
 * Broker, load generator and job share this machine's cores, as they would not in production: the ratios
 * are a floor.
 */
@Command(name = "job-bench", mixinStandardHelpOptions = true,
        description = "Benchmarks the scoring job (Kafka -> score -> Kafka) against raw ONNX Runtime.")
public final class JobBench implements Callable<Integer> {
    /** One anomalous record in this many: each opens an episode, so each should raise one alert. */
    private static final int ANOMALY_EVERY = 100;

    @Option(names = "--bundle", required = true, description = "Model bundle directory.")
    Path bundle;
    @Option(names = "--kind", required = true, description = "event or image: what the bundle scores.")
    String kind;
    @Option(names = "--records", defaultValue = "20000", description = "Records for the throughput run (default ${DEFAULT-VALUE}).")
    int records;
    @Option(names = "--warmup-records", defaultValue = "0", description = "Records through a first, unmeasured job (default ${DEFAULT-VALUE}).")
    int warmupRecords;
    @Option(names = "--rounds", defaultValue = "1", description = "Measured drains after the warm-up; the median counts (default ${DEFAULT-VALUE}).")
    int rounds;
    @Option(names = "--seconds", defaultValue = "20", description = "Seconds of paced traffic per load level (default ${DEFAULT-VALUE}).")
    int seconds;
    @Option(names = "--loads", defaultValue = "0.5,0.9", split = ",", description = "Load levels as fractions of job throughput (default ${DEFAULT-VALUE}).")
    List<Double> loads;
    @Option(names = "--parallelism", defaultValue = "2", description = "Job parallelism = raw sessions (default ${DEFAULT-VALUE}).")
    int parallelism;
    @Option(names = "--max-batch-size", defaultValue = "64", description = "Job micro-batch size = raw batch (default ${DEFAULT-VALUE}).")
    int maxBatchSize;
    @Option(names = "--max-batch-wait", defaultValue = "PT0.02S", description = "Job micro-batch wait (default ${DEFAULT-VALUE}).")
    Duration maxBatchWait;
    @Option(names = "--checkpoint-interval", defaultValue = "PT1S", description = "Checkpoint interval (default ${DEFAULT-VALUE}).")
    Duration checkpointInterval;
    @Option(names = "--sources", defaultValue = "16", description = "Distinct sources in the traffic (default ${DEFAULT-VALUE}).")
    int sources;
    @Option(names = "--out", description = "Write the results as JSON here.")
    Path out;

    /**
     * Job throughput counts the second half of the outputs of a run that follows a warm-up run: until then
     * the JIT is still compiling the broker's, Flink's and the job's code (20,000 compilations; the compiler
     * threads took 30% of the CPU 15 s into a run), while raw ONNX Runtime is timed after warm-up batches.
     */
    private static final double STEADY_FROM = 0.5;

    private EmbeddedKafkaCluster kafka;
    private double brokerIntake;
    private double wholeRunRate;
    private List<Double> roundRates = List.of();

    /** Runs the benchmark; see {@code --help}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new JobBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        BenchTraffic traffic = switch (kind) {
            case ScoringInput.EVENT -> BenchTraffic.events(sources, 7);
            case ScoringInput.IMAGE -> BenchTraffic.images(sources, 7);
            default -> throw new CommandLine.ParameterException(new CommandLine(this), "--kind must be event or image");
        };
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("bundle", bundle.toString());
        result.put("kind", kind);
        result.put("parallelism", parallelism);
        result.put("maxBatchSize", maxBatchSize);
        result.put("checkpointInterval", checkpointInterval.toString());
        result.put("cores", Runtime.getRuntime().availableProcessors());

        System.out.printf("[1/3] raw ONNX Runtime: %d sessions x 1 thread, batch %d ...%n", parallelism, maxBatchSize);
        double raw = RawScoringLimit.recordsPerSecond(bundle, parallelism, maxBatchSize, 8);
        result.put("rawRecordsPerSecond", raw);
        System.out.printf("      %,.0f records/s%n", raw);

        try (EmbeddedKafkaCluster cluster = EmbeddedKafkaCluster.start()) {
            kafka = cluster;
            System.out.printf("[2/3] job throughput: %,d records through Kafka -> job -> Kafka ...%n", records);
            double job = throughput(traffic);
            result.put("jobRecordsPerSecond", job);
            result.put("jobOverRaw", job / raw);
            result.put("jobRecordsPerSecondWholeRun", wholeRunRate);
            result.put("jobRecordsPerSecondRounds", roundRates);
            result.put("warmupRecords", warmupRecords);
            result.put("brokerIntakeRecordsPerSecond", brokerIntake);
            System.out.printf("      %,.0f records/s = %.3f of raw (median of %d drains, second half of each; whole drains %,.0f records/s)%n",
                    job, job / raw, rounds, wholeRunRate);

            List<Map<String, Object>> levels = new ArrayList<>();
            int level = 0;
            for (double load : loads) {
                level++;
                System.out.printf("[3/3] latency at %.0f%% of job throughput (%,.0f records/s for %d s) ...%n",
                        load * 100, load * job, seconds);
                Map<String, Object> row = latency(traffic, "l" + level, load, load * job);
                levels.add(row);
                System.out.println("      " + row);
            }
            result.put("latency", levels);
        }
        // Broker, load generator and job together: an upper bound on the job's own footprint.
        result.put("peakRssMb", ProcessMemory.peakRssMb());
        if (out != null) {
            Files.createDirectories(out.toAbsolutePath().getParent());
            Json.mapper().writeValue(out.toFile(), result);
            System.out.println("wrote " + out);
        }
        return 0;
    }

    private double throughput(BenchTraffic traffic) throws Exception {
        if (warmupRecords > 0) {
            System.out.printf("      warm-up: %,d records through a first job, so the JIT has compiled the broker, Flink and the job%n",
                    warmupRecords);
            drain(traffic, "tw", warmupRecords);
        }
        // Rates on this shared machine drift by 15% or more from one minute to the next: several drains, median.
        List<Double> steady = new ArrayList<>();
        List<Double> whole = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            LatencyProbe scores = drain(traffic, "tp" + round, records);
            steady.add(scores.outputRate(STEADY_FROM));
            whole.add(scores.outputRate(0));
            System.out.printf("      round %d: %,.0f records/s (second half), %,.0f (whole drain)%n", round, steady.get(round - 1),
                    whole.get(round - 1));
        }
        roundRates = steady;
        wholeRunRate = median(whole);
        return median(steady);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** Fills a fresh input topic with {@code count} records, runs a bounded job over it, returns its score probe. */
    private LatencyProbe drain(BenchTraffic traffic, String phase, int count) throws Exception {
        Topics t = topics(phase);
        try (PacedProducer producer = new PacedProducer(kafka.bootstrapServers(), traffic, t.input)) {
            long start = System.nanoTime();
            producer.fill(phase, count, System.currentTimeMillis());
            brokerIntake = count / ((System.nanoTime() - start) / 1e9);
            System.out.printf("      broker took the %,d input records at %,.0f records/s%n", count, brokerIntake);
        }
        try (LatencyProbe scores = LatencyProbe.counting(kafka.bootstrapServers(), t.scores)) {
            ScoringJobConfig config = config(t, phase);
            job(config, true).execute(environment(config), "bench-throughput-" + phase);
            int seen = scores.await(count, Duration.ofSeconds(60));
            if (seen != count) {
                throw new IllegalStateException("the job scored " + seen + " of " + count + " records");
            }
            return scores;
        }
    }

    private Map<String, Object> latency(BenchTraffic traffic, String phase, double load, double rate) throws Exception {
        Topics t = topics(phase);
        ScoringJobConfig config = config(t, phase);
        StreamExecutionEnvironment env = environment(config);
        job(config, false).build(env);
        JobClient client = env.executeAsync("bench-latency-" + phase);
        try (PacedProducer producer = new PacedProducer(kafka.bootstrapServers(), traffic, t.input);
             LatencyProbe warm = new LatencyProbe(kafka.bootstrapServers(), t.scores, phase + "w", false)) {
            // Until the job has scored traffic, its start-up would count as latency.
            long warmSent = producer.paced(phase + "w", Math.min(rate, 500), Duration.ofSeconds(3), 0);
            if (warm.await(warmSent, Duration.ofSeconds(90)) < warmSent) {
                throw new IllegalStateException("the job did not start scoring within 90 s");
            }
            try (LatencyProbe processed = new LatencyProbe(kafka.bootstrapServers(), t.scores, phase + "m", false);
                 LatencyProbe committed = new LatencyProbe(kafka.bootstrapServers(), t.scores, phase + "m", true);
                 LatencyProbe alerts = new LatencyProbe(kafka.bootstrapServers(), t.alerts, phase + "m", true);
                 LatencyProbe fastAlerts = new LatencyProbe(kafka.bootstrapServers(), t.fastAlerts, phase + "m", false)) {
                long sent = producer.paced(phase + "m", rate, Duration.ofSeconds(seconds), ANOMALY_EVERY);
                Duration drain = checkpointInterval.multipliedBy(3).plusSeconds(30);
                committed.await(sent, drain);
                processed.await(sent, Duration.ofSeconds(5));
                alerts.await(sent / ANOMALY_EVERY, checkpointInterval.multipliedBy(2).plusSeconds(2));
                fastAlerts.await(sent / ANOMALY_EVERY, Duration.ofSeconds(2));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("load", load);
                row.put("offeredPerSecond", rate);
                row.put("sent", sent);
                row.put("scoreProcessed", processed.summary());
                row.put("scoreCommitted", committed.summary());
                row.put("alertCommitted", alerts.summary());
                row.put("alertAtLeastOnce", fastAlerts.summary());
                return row;
            }
        } finally {
            client.cancel().get();
        }
    }

    private static StreamExecutionEnvironment environment(ScoringJobConfig config) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        ScoringJobMain.configure(env, config);
        // A failing task must fail the benchmark, not restart and blur the numbers.
        env.configure(new Configuration().set(RestartStrategyOptions.RESTART_STRATEGY, "none"));
        return env;
    }

    private static ScoringJob job(ScoringJobConfig config, boolean bounded) {
        return ScoringJobMain.kafkaJob(config, ScoringJobMain.records(config, bounded), bounded);
    }

    private ScoringJobConfig config(Topics t, String phase) throws IOException {
        boolean events = ScoringInput.EVENT.equals(kind);
        return ScoringJobConfig.fromArgs("--bootstrap-servers", kafka.bootstrapServers(),
                "--events-topic", events ? t.input : "", "--images-topic", events ? "" : t.input,
                "--alerts-topic", t.alerts, "--dead-letter-topic", t.dead, "--scores-topic", t.scores,
                "--model-updates-topic", t.updates, "--fast-alerts-topic", t.fastAlerts, "--bundle", bundle.toString(),
                "--checkpoint-interval", checkpointInterval.toString(), "--transaction-timeout", "PT2M",
                "--parallelism", String.valueOf(parallelism), "--max-batch-size", String.valueOf(maxBatchSize),
                "--max-batch-wait", maxBatchWait.toString(), "--metrics-port", String.valueOf(freePort()),
                "--consumer-group", "bench-" + phase, "--transactional-id-prefix", "bench-" + phase);
    }

    private Topics topics(String phase) throws Exception {
        Topics t = new Topics(phase + "-in", phase + "-scores", phase + "-alerts", phase + "-dead", phase + "-updates",
                phase + "-fast-alerts");
        kafka.createTopics(parallelism, t.input, t.scores, t.alerts, t.dead, t.updates, ScoringJobConfig.modelEventsTopicOf(t.updates),
                t.fastAlerts);
        return t;
    }

    private record Topics(String input, String scores, String alerts, String dead, String updates, String fastAlerts) {}

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
