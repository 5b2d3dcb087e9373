package io.energysentinel.job.config;

import io.energysentinel.contract.scoring.ExecutionProvider;
import io.energysentinel.job.retrain.RetrainPolicy;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Everything the scoring job is configured with. Parsed once by {@link #fromArgs}; the compact
 * constructor validates; operators receive this serializable record (never the raw flags).
 *
 * @param bootstrapServers Kafka bootstrap servers
 * @param eventsTopic topic of JSON metric events
 * @param imagesTopic topic of JSON image records
 * @param modelUpdatesTopic topic of model-update announcements
 * @param alertsTopic topic alerts are written to
 * @param scoresTopic topic every score is written to, or empty for none
 * @param deadLetterTopic topic bad records are written to, with the reason
 * @param consumerGroup Kafka consumer group id
 * @param transactionalIdPrefix stable prefix of the exactly-once producer's transactional ids
 * @param transactionTimeout producer transaction timeout; must not exceed the broker's (15 min default)
 * @param bundles the model bundle directories served from start-up, at most one per record kind: an event
 *     model serves the events topic, an image model the images topic; a topic without a model is not read
 * @param score the score to alert on, or empty for each bundle's default
 * @param maxBatchSize most records per ONNX Runtime call
 * @param maxBatchWait longest a record waits for its batch to fill
 * @param shards keys the scorer spreads records over (batches form per shard)
 * @param quietRecordsToClose consecutive normal records that end an anomalous episode
 * @param maxImageBytes largest accepted image payload (decoded bytes)
 * @param maxOutOfOrderness watermark bound for out-of-order event times
 * @param provider ONNX Runtime execution provider wanted
 * @param intraOpThreads ONNX Runtime intra-op threads per session
 * @param metricsPort port of the Prometheus endpoint, 0 = off
 * @param checkpointInterval checkpoint interval (exactly-once commits happen on checkpoints)
 * @param parallelism job parallelism
 * @param bufferTimeout longest a record waits in a network buffer before it is sent on (Flink's default,
 *     100 ms, is tuned for throughput; alerts want less)
 * @param retrainInterval how often an event model is retrained on events it judged normal; zero = never
 * @param retrainDir where retrained bundles are written (a path every TaskManager can read)
 * @param retrainMinRows fewest normal events a retraining needs (at least 1,000: 10% calibrate the threshold and
 *     10% check it, 100 each at least); fewer and the interval passes without one
 * @param retrainReservoir normal events kept per interval, a uniform sample of all seen (reservoir sampling)
 * @param retrainSteps PCD steps per retraining
 * @param retrainTimeout longest one retraining may take; then it is stopped and the serving model stays
 * @param modelRoots directories model updates may point into (comma-separated); empty = the parent directories of
 *     the start-up bundles and the retraining directory
 * @param modelLoadRetry how long a subtask retries an announced bundle it cannot see yet (shared storage lagging)
 *     before it refuses it
 * @param episodeIdleTimeout how long an open episode survives without records from its source (event time, and
 *     processing time for a source that never comes back)
 * @param sourceHistoryTtl how long the job keeps a silent source's history (for an event model fed it: {@link
 *     io.energysentinel.contract.bundle.InputSpec#history()}); a source silent longer starts a new baseline, and the state
 *     of sources that stop sending is dropped, however many there were
 * @param maxEventTimeSkew how far in the future (processing time) an event time may lie; later ones are dead letters
 * @param maxMetricSources most sources with series of their own in the metrics; the rest are counted as {@code other}
 * @param startupTimeout how long the entry point waits for Kafka before it gives up with a clear message
 * @param fastAlertsTopic topic every alert also goes to at once, at-least-once (duplicates carry the same alert id);
 *     empty = none
 * @param checkpointDir local directory (path or {@code file:} URI) of durable checkpoints for the entry point run as
 *     its own process, restored from on start; empty = Flink's configuration decides (in memory for a local run)
 * @param retrainPolicy what a retrained candidate must pass, and when a promotion is reverted
 */
public record ScoringJobConfig(
        String bootstrapServers, String eventsTopic, String imagesTopic, String modelUpdatesTopic, String alertsTopic,
        String scoresTopic, String deadLetterTopic, String consumerGroup, String transactionalIdPrefix,
        Duration transactionTimeout, List<String> bundles, String score, int maxBatchSize, Duration maxBatchWait, int shards,
        int quietRecordsToClose, int maxImageBytes, Duration maxOutOfOrderness, ExecutionProvider provider,
        int intraOpThreads, int metricsPort, Duration checkpointInterval, int parallelism, Duration bufferTimeout,
        Duration retrainInterval, String retrainDir, int retrainMinRows, int retrainReservoir, int retrainSteps,
        String modelRoots, Duration modelLoadRetry, Duration episodeIdleTimeout, Duration sourceHistoryTtl, Duration maxEventTimeSkew,
        int maxMetricSources, Duration startupTimeout, String checkpointDir, String fastAlertsTopic, Duration retrainTimeout, RetrainPolicy retrainPolicy)
        implements Serializable {

    private static final long serialVersionUID = 1L;
    /** Kafka brokers refuse transaction timeouts above transaction.max.timeout.ms, 15 minutes by default. */
    public static final Duration BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);

    public ScoringJobConfig {
        bundles = List.copyOf(bundles);
        require(!bundles.isEmpty() && bundles.size() <= 2, "give one --bundle, or two (one event and one image model)");
        require(maxBatchSize >= 1 && maxBatchSize <= 4096, "max-batch-size must be 1..4096");
        require(!maxBatchWait.isNegative() && !maxBatchWait.isZero(), "max-batch-wait must be positive");
        require(shards >= 1, "shards must be >= 1");
        require(quietRecordsToClose >= 1, "quiet-records must be >= 1");
        require(maxImageBytes >= 784, "max-image-bytes must be >= 784");
        require(intraOpThreads >= 1, "intra-op-threads must be >= 1");
        require(metricsPort >= 0 && metricsPort <= 65535, "metrics-port must be 0..65535");
        require(parallelism >= 1, "parallelism must be >= 1");
        require(!bufferTimeout.isNegative(), "buffer-timeout must not be negative");
        require(transactionTimeout.compareTo(BROKER_DEFAULT_MAX_TRANSACTION_TIMEOUT) <= 0 && !transactionTimeout.isZero(),
                "transaction-timeout must be positive and at most the broker's 15 min transaction.max.timeout.ms");
        require(transactionTimeout.compareTo(checkpointInterval) > 0, "transaction-timeout must exceed checkpoint-interval");
        require(!transactionalIdPrefix.isBlank(), "transactional-id-prefix must not be blank");
        require(!modelLoadRetry.isNegative(), "model-load-retry must not be negative");
        require(!episodeIdleTimeout.isNegative() && !episodeIdleTimeout.isZero(), "episode-idle-timeout must be positive");
        require(!sourceHistoryTtl.isNegative() && !sourceHistoryTtl.isZero(), "source-history-ttl must be positive");
        require(!maxEventTimeSkew.isNegative(), "max-event-time-skew must not be negative");
        require(maxMetricSources >= 1, "max-metric-sources must be >= 1");
        require(!startupTimeout.isNegative() && !startupTimeout.isZero(), "startup-timeout must be positive");
        require(!retrainInterval.isNegative(), "retrain-interval must not be negative");
        if (!retrainInterval.isZero()) {
            require(retrainDir != null && !retrainDir.isBlank(), "retraining needs --retrain-dir");
            require(retrainMinRows >= 1000, "retrain-min-rows must be >= 1000 (10% and 10% are held out, 100 each at least)");
            require(retrainReservoir >= retrainMinRows, "retrain-reservoir must be >= retrain-min-rows");
            require(retrainSteps >= 1, "retrain-steps must be >= 1");
            require(!retrainTimeout.isNegative() && !retrainTimeout.isZero(), "retrain-timeout must be positive");
        }
    }

    /** Whether the job retrains event models on the events it judged normal. */
    public boolean retrainingEnabled() {
        return !retrainInterval.isZero();
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The start-up bundle directories. */
    public List<Path> bundlePaths() {
        return bundles.stream().map(Path::of).toList();
    }

    /** The directories model updates may point into: the configured ones, else where the job's bundles live. */
    public List<Path> modelRootPaths() {
        if (!modelRoots.isBlank()) {
            return Arrays.stream(modelRoots.split(",")).map(String::trim).filter(r -> !r.isEmpty())
                    .map(r -> Path.of(r).toAbsolutePath().normalize()).toList();
        }
        List<Path> roots = new ArrayList<>();
        for (Path b : bundlePaths()) {
            Path parent = b.toAbsolutePath().normalize().getParent();
            roots.add(parent == null ? b.toAbsolutePath().normalize() : parent);
        }
        if (retrainingEnabled()) {
            roots.add(Path.of(retrainDir).toAbsolutePath().normalize());
        }
        return roots;
    }

    /** The topic model swap outcomes go to: the model-updates topic's name plus {@code .events}. */
    public String modelEventsTopic() {
        return modelEventsTopicOf(modelUpdatesTopic);
    }

    /** The model-events topic that goes with the model-updates topic {@code modelUpdatesTopic}. */
    public static String modelEventsTopicOf(String modelUpdatesTopic) {
        return modelUpdatesTopic + ".events";
    }

    /** Whether scores are published to a topic. */
    public boolean publishScores() {
        return scoresTopic != null && !scoresTopic.isBlank();
    }

    /** Parses command-line flags ({@code --key value}); unknown flags are an error naming them. */
    public static ScoringJobConfig fromArgs(String... args) {
        Flags flags = new Flags();
        new CommandLine(flags).parseArgs(args);
        return flags.toConfig();
    }

    /**
     * Parses a command line for a {@code main}: prints usage and returns empty for {@code --help}.
     *
     * @throws CommandLine.ParameterException on a missing, unknown or malformed option
     * @throws IllegalArgumentException on values that do not fit together
     */
    public static Optional<ScoringJobConfig> fromCommandLine(String... args) {
        Flags flags = new Flags();
        CommandLine cli = new CommandLine(flags);
        cli.parseArgs(args);
        if (CommandLine.printHelpIfRequested(cli.getParseResult())) {
            return Optional.empty();
        }
        return Optional.of(flags.toConfig());
    }

    /** The flags; defaults are the documented ones (README lists them). */
    @CommandLine.Command(name = "scoring-job", mixinStandardHelpOptions = true,
            description = "The EnergySentinel scoring job: Kafka in, micro-batched ONNX Runtime scoring, alerts out.")
    static final class Flags {
        @Option(names = "--bootstrap-servers", defaultValue = "localhost:9092") String bootstrapServers;
        @Option(names = "--events-topic", defaultValue = "energysentinel.events") String eventsTopic;
        @Option(names = "--images-topic", defaultValue = "energysentinel.images") String imagesTopic;
        @Option(names = "--model-updates-topic", defaultValue = "energysentinel.model-updates") String modelUpdatesTopic;
        @Option(names = "--alerts-topic", defaultValue = "energysentinel.alerts") String alertsTopic;
        @Option(names = "--scores-topic", defaultValue = "") String scoresTopic;
        @Option(names = "--dead-letter-topic", defaultValue = "energysentinel.dead-letters") String deadLetterTopic;
        @Option(names = "--consumer-group", defaultValue = "energysentinel-scoring") String consumerGroup;
        @Option(names = "--transactional-id-prefix", defaultValue = "energysentinel-scoring") String transactionalIdPrefix;
        @Option(names = "--transaction-timeout", defaultValue = "PT10M") Duration transactionTimeout;
        @Option(names = "--bundle", required = true, description = "Model bundle directory; repeat for an event and an image model.")
        List<Path> bundles;
        @Option(names = "--score", defaultValue = "") String score;
        @Option(names = "--max-batch-size", defaultValue = "64") int maxBatchSize;
        @Option(names = "--max-batch-wait", defaultValue = "PT0.05S") Duration maxBatchWait;
        @Option(names = "--shards", defaultValue = "4") int shards;
        @Option(names = "--quiet-records", defaultValue = "3") int quietRecordsToClose;
        @Option(names = "--max-image-bytes", defaultValue = "1048576") int maxImageBytes;
        @Option(names = "--max-out-of-orderness", defaultValue = "PT5S") Duration maxOutOfOrderness;
        @Option(names = "--provider", defaultValue = "CPU") ExecutionProvider provider;
        @Option(names = "--intra-op-threads", defaultValue = "1") int intraOpThreads;
        @Option(names = "--metrics-port", defaultValue = "9464") int metricsPort;
        @Option(names = "--checkpoint-interval", defaultValue = "PT10S") Duration checkpointInterval;
        @Option(names = "--parallelism", defaultValue = "1") int parallelism;
        @Option(names = "--buffer-timeout", defaultValue = "PT0.01S") Duration bufferTimeout;
        @Option(names = "--retrain-interval", defaultValue = "PT0S") Duration retrainInterval;
        @Option(names = "--retrain-dir", defaultValue = "") String retrainDir;
        @Option(names = "--retrain-min-rows", defaultValue = "1000") int retrainMinRows;
        @Option(names = "--retrain-reservoir", defaultValue = "20000") int retrainReservoir;
        @Option(names = "--retrain-steps", defaultValue = "500") int retrainSteps;
        @Option(names = "--model-roots", defaultValue = "") String modelRoots;
        @Option(names = "--model-load-retry", defaultValue = "PT5M") Duration modelLoadRetry;
        @Option(names = "--episode-idle-timeout", defaultValue = "PT10M") Duration episodeIdleTimeout;
        @Option(names = "--source-history-ttl", defaultValue = "PT1H") Duration sourceHistoryTtl;
        @Option(names = "--max-event-time-skew", defaultValue = "PT15M") Duration maxEventTimeSkew;
        @Option(names = "--max-metric-sources", defaultValue = "200") int maxMetricSources;
        @Option(names = "--startup-timeout", defaultValue = "PT30S") Duration startupTimeout;
        @Option(names = "--checkpoint-dir", defaultValue = "") String checkpointDir;
        @Option(names = "--fast-alerts-topic", defaultValue = "") String fastAlertsTopic;
        @Option(names = "--retrain-timeout", defaultValue = "PT10M") Duration retrainTimeout;
        @Option(names = "--quarantine-records", defaultValue = "30") int quarantineRecords;
        @Option(names = "--drift-tolerance", defaultValue = "0.5") double driftTolerance;
        @Option(names = "--shadow-records", defaultValue = "5000") int shadowRecords;
        @Option(names = "--gate-fpr-tolerance", defaultValue = "0.005") double gateFprTolerance;
        @Option(names = "--gate-recall-tolerance", defaultValue = "0.05") double gateRecallTolerance;
        @Option(names = "--gate-max-threshold-move", defaultValue = "1.0") double gateMaxThresholdMove;
        @Option(names = "--revert-factor", defaultValue = "3.0") double revertFactor;
        @Option(names = "--revert-window-records", defaultValue = "2000") int revertWindowRecords;
        @Option(names = "--revert-windows", defaultValue = "2") int revertWindows;
        @Option(names = "--revert-watch-windows", defaultValue = "20") int revertWatchWindows;

        ScoringJobConfig toConfig() {
            return new ScoringJobConfig(bootstrapServers, eventsTopic, imagesTopic, modelUpdatesTopic, alertsTopic, scoresTopic,
                    deadLetterTopic, consumerGroup, transactionalIdPrefix, transactionTimeout,
                    bundles.stream().map(Path::toString).toList(), score, maxBatchSize,
                    maxBatchWait, shards, quietRecordsToClose, maxImageBytes, maxOutOfOrderness, provider, intraOpThreads,
                    metricsPort, checkpointInterval, parallelism, bufferTimeout, retrainInterval, retrainDir, retrainMinRows,
                    retrainReservoir, retrainSteps, modelRoots, modelLoadRetry, episodeIdleTimeout, sourceHistoryTtl, maxEventTimeSkew,
                    maxMetricSources, startupTimeout, checkpointDir, fastAlertsTopic, retrainTimeout, new RetrainPolicy(quarantineRecords, driftTolerance, shadowRecords,
                            gateFprTolerance, gateRecallTolerance, gateMaxThresholdMove, revertFactor, revertWindowRecords, revertWindows,
                            revertWatchWindows));
        }
    }
}
