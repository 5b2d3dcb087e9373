package io.energysentinel.job;

import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.io.KafkaRecords;
import io.energysentinel.job.io.RawRecord;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.model.ServedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Production entry point: wires Kafka sources and exactly-once Kafka sinks around {@link ScoringJob}.
 *
 * <p>Before anything is submitted it verifies the bundles and waits a bounded time for Kafka; a user's mistake
 * (bad flag, bundle refused, no broker) ends with one line on stderr and exit code 2, never a stack trace or a
 * silent wait.
 */
public final class ScoringJobMain {
    private static final Logger LOG = LoggerFactory.getLogger(ScoringJobMain.class);
    /** Exit code for a user's mistake. */
    static final int USAGE = 2;

    private ScoringJobMain() {}

    /** Runs the job with flags as documented in the README. */
    public static void main(String[] args) throws Exception {
        int rc = run(args);
        if (rc != 0) {
            System.exit(rc);
        }
    }

    /** Checks, then runs the job; returns the exit code. */
    static int run(String... args) throws Exception {
        ScoringJobConfig config;
        try {
            Optional<ScoringJobConfig> parsed = ScoringJobConfig.fromCommandLine(args);
            if (parsed.isEmpty()) {
                return 0;
            }
            config = parsed.get();
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            System.err.println("scoring-job: " + e.getMessage() + " (--help lists the options)");
            return USAGE;
        }
        try {
            StartupChecks.verifyBundles(config);
            List<String> missing = StartupChecks.kafka(config, topics(config));
            if (!missing.isEmpty()) {
                LOG.warn("topics {} do not exist yet; they work only if the brokers create topics on first use", missing);
            }
        } catch (StartupChecks.Failed | IllegalArgumentException e) {
            System.err.println("scoring-job: " + e.getMessage());
            return USAGE;
        }
        StreamExecutionEnvironment env;
        if (config.checkpointDir().isBlank()) {
            env = StreamExecutionEnvironment.getExecutionEnvironment();
        } else {
            org.apache.flink.configuration.Configuration durable = DurableCheckpoints.under(config.checkpointDir());
            durable.getOptional(org.apache.flink.configuration.StateRecoveryOptions.SAVEPOINT_PATH)
                    .ifPresentOrElse(p -> LOG.info("restoring from checkpoint {}", p),
                            () -> LOG.info("no checkpoint under {}: a fresh start", config.checkpointDir()));
            env = StreamExecutionEnvironment.getExecutionEnvironment(durable);
        }
        configure(env, config);
        ScoringJob job = kafkaJob(config, records(config, false), false);
        LOG.info("submitting the scoring job: bundles {}, reading {}", config.bundles(), inputTopics(config));
        job.execute(env, "energysentinel-scoring");
        return 0;
    }

    /**
     * The job on {@code records}, wired to Kafka as in production: model updates from their topic; exactly-once alerts,
     * dead letters, scores (if configured) and model events; at-least-once alerts
     * and retrained-model announcements where configured.
     */
    public static ScoringJob kafkaJob(ScoringJobConfig config, List<Source<RawRecord, ?, ?>> records, boolean bounded) {
        ScoringJob job = new ScoringJob(config, records, KafkaRecords.modelUpdates(config, bounded),
                KafkaRecords.<Alert>exactlyOnceJson(config, config.alertsTopic(), Alert::source),
                KafkaRecords.<DeadLetter>exactlyOnceJson(config, config.deadLetterTopic(), DeadLetter::origin),
                config.publishScores()
                        ? KafkaRecords.<ScoredRecord>exactlyOnceJson(config, config.scoresTopic(), ScoredRecord::source)
                        : null,
                KafkaRecords.<ModelEvent>exactlyOnceJson(config, config.modelEventsTopic(), ModelEvent::modelId));
        if (!config.fastAlertsTopic().isBlank()) {
            job = job.sendAlertsAtLeastOnceTo(
                    KafkaRecords.<Alert>atLeastOnceJson(config, config.fastAlertsTopic(), Alert::source));
        }
        if (config.retrainingEnabled()) {
            // Retrained models are announced on the topic the job reads its model updates from.
            job = job.announceRetrainedModelsTo(
                    KafkaRecords.<ModelUpdate>exactlyOnceJson(config, config.modelUpdatesTopic(), ModelUpdate::modelId));
        }
        return job;
    }

    private static List<String> topics(ScoringJobConfig config) {
        List<String> topics = new ArrayList<>(inputTopics(config));
        topics.addAll(List.of(config.modelUpdatesTopic(), config.alertsTopic(), config.deadLetterTopic(), config.modelEventsTopic(),
                config.fastAlertsTopic()));
        if (config.publishScores()) {
            topics.add(config.scoresTopic());
        }
        return topics;
    }

    /**
     * Checkpointing (exactly-once sinks commit on checkpoints), parallelism, network buffer timeout and object reuse.
     *
     * <p>Object reuse: chained operators hand a record on by reference instead of deep-copying it through its serializer
     * at every chained step (each raw record, parsed record and score was copied so, and the copies were a visible
     * share of the job's CPU). Safe in this job: every record type is immutable and no operator changes a record after
     * emitting it; the operators that keep records in state (scorer, alerter, retraining) receive them over the
     * network, where Flink always deserialises a fresh object, and the async retrainer copies its input itself.
     */
    public static void configure(StreamExecutionEnvironment env, ScoringJobConfig config) {
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        env.setParallelism(config.parallelism());
        env.setBufferTimeout(config.bufferTimeout().toMillis());
        env.getConfig().enableObjectReuse();
    }

    /**
     * The input topics read, by the record kind they carry: the events topic when an event model is served, the
     * images topic when an image model is; a topic whose kind no model serves is not read (a default configuration
     * would otherwise dead-letter a whole topic).
     */
    private static Map<String, String> topicsByKind(ScoringJobConfig config) {
        Set<String> kinds = servedKinds(config);
        Map<String, String> topics = new LinkedHashMap<>();
        if (kinds.contains(ScoringInput.EVENT) && !config.eventsTopic().isBlank()) {
            topics.put(ScoringInput.EVENT, config.eventsTopic());
        }
        if (kinds.contains(ScoringInput.IMAGE) && !config.imagesTopic().isBlank()) {
            topics.put(ScoringInput.IMAGE, config.imagesTopic());
        }
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("no input topic is read: the bundles serve " + kinds
                    + " records and the topics for them are blank");
        }
        return topics;
    }

    /** The input topics read (see {@link #topicsByKind}). */
    public static List<String> inputTopics(ScoringJobConfig config) {
        return List.copyOf(topicsByKind(config).values());
    }

    /** Events and images from the topics of the kinds served, as one stream of raw records. */
    public static List<Source<RawRecord, ?, ?>> records(ScoringJobConfig config, boolean bounded) {
        // One source per topic: the topic says the kind, so nothing guesses it from the JSON.
        List<Source<RawRecord, ?, ?>> sources = new ArrayList<>();
        topicsByKind(config).forEach((kind, topic) -> sources.add(KafkaRecords.rawRecords(config, kind, bounded, topic)));
        return sources;
    }

    private static Set<String> servedKinds(ScoringJobConfig config) {
        Set<String> kinds = new HashSet<>();
        for (Path dir : config.bundlePaths()) {
            kinds.add(ServedModel.kindOf(BundleLoader.readManifest(dir)));
        }
        return kinds;
    }
}
