package io.energysentinel.job;

import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.functions.EpisodeAlerter;
import io.energysentinel.job.functions.MicroBatchScorer;
import io.energysentinel.job.functions.DeadLetters;
import io.energysentinel.job.functions.ParseRecords;
import io.energysentinel.job.functions.ScorerShards;
import io.energysentinel.job.io.RawRecord;
import io.energysentinel.job.io.ScoredRecordSerializer;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.retrain.AsyncRetrainer;
import io.energysentinel.job.retrain.CleanSamples;
import io.energysentinel.job.retrain.LineTally;
import io.energysentinel.job.retrain.ModelGate;
import io.energysentinel.job.retrain.RetrainOutcome;
import io.energysentinel.job.retrain.NormalReservoir;
import io.energysentinel.job.retrain.NormalSample;
import io.energysentinel.job.retrain.RetrainRequest;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The scoring job's topology: raw records → parse → micro-batched scoring (with model updates broadcast
 * in) → per-source episode alerting → alerts; dead letters, scores and model events to their own sinks.
 *
 * <p>Sources and sinks come in through the constructor: {@link ScoringJobMain} wires Kafka, tests and the
 * embedded demo wire finite sources and collecting sinks.
 */
public final class ScoringJob {
    /** Operator uids: savepoints restore state by these, so they never change. */
    public static final String PARSE_UID = "parse-records";
    public static final String SCORER_UID = "micro-batch-scorer";
    public static final String ALERTER_UID = "episode-alerter";
    public static final String RESERVOIR_UID = "normal-reservoir";
    public static final String RETRAINER_UID = "retrainer";
    public static final String CLEAN_SAMPLES_UID = "clean-samples";
    public static final String GATE_UID = "model-gate";
    /**
     * Retrain requests in flight at once: one trains, the others complete at once as skipped, so the operator never
     * waits for room (which would block its mailbox, back-pressure the scorer and hold checkpoint barriers).
     */
    static final int RETRAIN_REQUESTS_IN_FLIGHT = 4;

    private final ScoringJobConfig config;
    private final List<Source<RawRecord, ?, ?>> records;
    private final Source<ModelUpdate, ?, ?> modelUpdates;
    private final Sink<Alert> alerts;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<ScoredRecord> scores;
    private final Sink<ModelEvent> modelEvents;
    private final Sink<ModelUpdate> retrainedModels;
    private final Sink<Alert> fastAlerts;
    private final boolean oneReader;

    /**
     * @param records sources of raw event and image records (e.g. one per topic), unioned
     * @param modelUpdates model-update announcements
     * @param alerts where alerts go
     * @param deadLetters where unscorable records go
     * @param scores where every score goes, or {@code null}
     * @param modelEvents where model swap outcomes go, or {@code null}
     */
    public ScoringJob(ScoringJobConfig config, List<Source<RawRecord, ?, ?>> records, Source<ModelUpdate, ?, ?> modelUpdates,
                      Sink<Alert> alerts, Sink<DeadLetter> deadLetters, Sink<ScoredRecord> scores, Sink<ModelEvent> modelEvents) {
        this(config, records, modelUpdates, alerts, deadLetters, scores, modelEvents, null, null, false);
    }

    private ScoringJob(ScoringJobConfig config, List<Source<RawRecord, ?, ?>> records, Source<ModelUpdate, ?, ?> modelUpdates,
                       Sink<Alert> alerts, Sink<DeadLetter> deadLetters, Sink<ScoredRecord> scores, Sink<ModelEvent> modelEvents,
                       Sink<ModelUpdate> retrainedModels, Sink<Alert> fastAlerts, boolean oneReader) {
        this.config = Objects.requireNonNull(config);
        this.records = List.copyOf(records);
        if (this.records.isEmpty()) {
            throw new IllegalArgumentException("the job needs at least one record source");
        }
        this.modelUpdates = Objects.requireNonNull(modelUpdates);
        this.alerts = Objects.requireNonNull(alerts);
        this.deadLetters = Objects.requireNonNull(deadLetters);
        this.scores = scores;
        this.modelEvents = modelEvents;
        this.retrainedModels = retrainedModels;
        this.fastAlerts = fastAlerts;
        this.oneReader = oneReader;
    }

    /**
     * This job, with models retrained on the events it judged normal announced to {@code sink}, which should
     * reach the model-updates source so the job swaps them in. Needs {@code --retrain-interval}.
     */
    public ScoringJob announceRetrainedModelsTo(Sink<ModelUpdate> sink) {
        if (!config.retrainingEnabled()) {
            throw new IllegalStateException("retraining is off: set --retrain-interval and --retrain-dir");
        }
        return new ScoringJob(config, records, modelUpdates, alerts, deadLetters, scores, modelEvents, Objects.requireNonNull(sink),
                fastAlerts, oneReader);
    }

    /**
     * This job, with every alert also sent to {@code sink} as soon as it is raised, not when a checkpoint commits:
     * at-least-once, so after a failure an alert may come twice with the same {@link Alert#alertId()}.
     */
    public ScoringJob sendAlertsAtLeastOnceTo(Sink<Alert> sink) {
        return new ScoringJob(config, records, modelUpdates, alerts, deadLetters, scores, modelEvents, retrainedModels,
                Objects.requireNonNull(sink), oneReader);
    }

    /**
     * This job, reading and parsing its records in one task, so each source's records reach the scorer in the order the
     * record sources give them. A Kafka topic keyed by source keeps a source's records in one partition, read by one
     * reader; a replay that hands out its records to readers by position does not, and the scorer would widen a source's
     * events with its history ({@code SourceHistory}) out of order.
     */
    public ScoringJob readingInOneTask() {
        return new ScoringJob(config, records, modelUpdates, alerts, deadLetters, scores, modelEvents, retrainedModels, fastAlerts, true);
    }

    /** Adds the topology to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<RawRecord> raw = null;
        for (int i = 0; i < records.size(); i++) {
            SingleOutputStreamOperator<RawRecord> one = env.fromSource(records.get(i), WatermarkStrategy.noWatermarks(), "records-" + i)
                    .uid("records-source-" + i);
            if (oneReader) {
                one.setParallelism(1);
            }
            raw = raw == null ? one : raw.union(one);
        }
        SingleOutputStreamOperator<ScoringInput> parsing = raw
                .process(new ParseRecords(config)).uid(PARSE_UID).name(PARSE_UID);
        if (oneReader) {
            // Forward edges only up to the scorer's keyBy: a rebalance to more tasks would shuffle a source's records.
            parsing.setParallelism(1);
        }

        BroadcastStream<ModelUpdate> updates = env
                .fromSource(modelUpdates, WatermarkStrategy.noWatermarks(), "model-updates")
                .broadcast(MicroBatchScorer.MODEL_STATE);
        int maxParallelism = env.getMaxParallelism() > 0 ? env.getMaxParallelism()
                : KeyGroupRangeAssignment.computeDefaultMaxParallelism(env.getParallelism());
        SingleOutputStreamOperator<ScoredRecord> scored = parsing
                .keyBy(ScorerShards.spreadOver(config.shards(), env.getParallelism(), maxParallelism))
                .connect(updates)
                .process(new MicroBatchScorer(config), ScoredRecordSerializer.TYPE).uid(SCORER_UID).name(SCORER_UID);

        // A candidate's shadow scores go out with the scores but never alert.
        // Event time starts at the scores, not the records: the scorer holds records in its batches while later ones
        // arrive, and a watermark taken from the records read would run ahead of those still waiting (minutes of event
        // time in a replay or a backlog), so the alerter's idle timers would close open episodes early and the next
        // anomalous record would open another.
        DataStream<Alert> raised = scored.filter(s -> !s.shadow()).name("serving-scores")
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<ScoredRecord>forBoundedOutOfOrderness(config.maxOutOfOrderness())
                        .withTimestampAssigner((s, ts) -> s.eventTime())
                        .withIdleness(Duration.ofSeconds(30)))
                .name("event-time")
                .keyBy(ScoredRecord::source)
                .process(new EpisodeAlerter(config)).uid(ALERTER_UID).name(ALERTER_UID);
        raised.sinkTo(alerts).uid("alerts-sink").name("alerts-sink");
        if (fastAlerts != null) {
            raised.sinkTo(fastAlerts).uid("fast-alerts-sink").name("fast-alerts-sink");
        }

        DataStream<DeadLetter> dead = parsing.getSideOutput(DeadLetters.TAG)
                .union(scored.getSideOutput(DeadLetters.TAG));
        dead.sinkTo(deadLetters).uid("dead-letters-sink").name("dead-letters-sink");
        if (scores != null) {
            // One input (serving and shadow scores alike come on the scorer's main output), so the sink is chained to
            // the scorer: a score is written where it is made, not serialised to another task first.
            scored.sinkTo(scores).uid("scores-sink").name("scores-sink");
        }
        DataStream<ModelEvent> events = scored.getSideOutput(MicroBatchScorer.MODEL_EVENTS);
        if (retrainedModels != null) {
            events = events.union(retraining(scored));
        }
        if (modelEvents != null) {
            events.sinkTo(modelEvents).uid("model-events-sink").name("model-events-sink");
        }
    }

    /**
     * The retraining lifecycle: clean samples (per source) → reservoir (per line) → fine-tuned candidate judged before
     * live traffic → shadow scoring in the scorer → the gate's promotion, rejection or revert, announced on the
     * model-updates topic the job reads. Returns every verdict.
     */
    private DataStream<ModelEvent> retraining(SingleOutputStreamOperator<ScoredRecord> scored) {
        DataStream<RetrainRequest> requests = scored.getSideOutput(MicroBatchScorer.NORMAL_SAMPLES)
                .keyBy(NormalSample::source)
                .process(new CleanSamples(config.retrainPolicy().quarantineRecords(), config.retrainPolicy().driftTolerance())).uid(CLEAN_SAMPLES_UID).name(CLEAN_SAMPLES_UID)
                .keyBy(NormalSample::modelId)
                .process(new NormalReservoir(config.retrainInterval().toMillis(), config.retrainReservoir(), config.retrainMinRows()))
                .uid(RESERVOIR_UID).name(RESERVOIR_UID);
        // One retraining at a time per subtask (AsyncRetrainer skips requests while busy); a timeout stops it.
        SingleOutputStreamOperator<RetrainOutcome> outcomes = AsyncDataStream.unorderedWait(requests, new AsyncRetrainer(config),
                        config.retrainTimeout().toMillis(), TimeUnit.MILLISECONDS, RETRAIN_REQUESTS_IN_FLIGHT)
                .uid(RETRAINER_UID).name(RETRAINER_UID);
        SingleOutputStreamOperator<ModelUpdate> gated = scored.getSideOutput(MicroBatchScorer.TALLIES)
                .keyBy(LineTally::modelId)
                .process(new ModelGate(config)).uid(GATE_UID).name(GATE_UID);
        outcomes.filter(o -> o.shadow() != null).map(RetrainOutcome::shadow).name("candidates")
                .union(gated)
                .sinkTo(retrainedModels).uid("retrained-models-sink").name("retrained-models-sink");
        return outcomes.map(RetrainOutcome::verdict).name("retrain-verdicts").union(gated.getSideOutput(ModelGate.VERDICTS));
    }

    /** Builds the topology and runs it to completion (or until cancelled). */
    public void execute(StreamExecutionEnvironment env, String name) throws Exception {
        build(env);
        env.execute(name);
    }
}
