package io.energysentinel.job;

import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.functions.EpisodeAlerter;
import io.energysentinel.job.functions.MicroBatchScorer;
import io.energysentinel.job.functions.ParseRecords;
import io.energysentinel.job.io.RawRecord;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ScoringInput;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
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

    private final ScoringJobConfig config;
    private final List<Source<RawRecord, ?, ?>> records;
    private final Source<ModelUpdate, ?, ?> modelUpdates;
    private final Sink<Alert> alerts;
    private final Sink<DeadLetter> deadLetters;
    private final Sink<ScoredRecord> scores;
    private final Sink<ModelEvent> modelEvents;

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
    }

    /** Adds the topology to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        DataStream<RawRecord> raw = null;
        for (int i = 0; i < records.size(); i++) {
            DataStream<RawRecord> one = env.fromSource(records.get(i), WatermarkStrategy.noWatermarks(), "records-" + i)
                    .uid("records-source-" + i);
            raw = raw == null ? one : raw.union(one);
        }
        SingleOutputStreamOperator<ScoringInput> parsing = raw
                .process(new ParseRecords(config)).uid(PARSE_UID).name(PARSE_UID);
        DataStream<ScoringInput> parsed = parsing
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<ScoringInput>forBoundedOutOfOrderness(config.maxOutOfOrderness())
                        .withTimestampAssigner((in, ts) -> in.eventTime())
                        .withIdleness(Duration.ofSeconds(30)))
                .name("event-time");

        BroadcastStream<ModelUpdate> updates = env
                .fromSource(modelUpdates, WatermarkStrategy.noWatermarks(), "model-updates")
                .broadcast(MicroBatchScorer.MODEL_STATE);
        int shards = config.shards();
        SingleOutputStreamOperator<ScoredRecord> scored = parsed
                .keyBy(in -> Math.floorMod(in.source().hashCode(), shards))
                .connect(updates)
                .process(new MicroBatchScorer(config)).uid(SCORER_UID).name(SCORER_UID);

        scored.keyBy(ScoredRecord::source)
                .process(new EpisodeAlerter(config.quietRecordsToClose(), config.metricsPort())).uid(ALERTER_UID).name(ALERTER_UID)
                .sinkTo(alerts).uid("alerts-sink").name("alerts-sink");

        DataStream<DeadLetter> dead = parsing.getSideOutput(ParseRecords.DEAD_LETTERS)
                .union(scored.getSideOutput(ParseRecords.DEAD_LETTERS));
        dead.sinkTo(deadLetters).uid("dead-letters-sink").name("dead-letters-sink");
        if (scores != null) {
            scored.sinkTo(scores).uid("scores-sink").name("scores-sink");
        }
        if (modelEvents != null) {
            scored.getSideOutput(MicroBatchScorer.MODEL_EVENTS).sinkTo(modelEvents).uid("model-events-sink").name("model-events-sink");
        }
    }

    /** Builds the topology and runs it to completion (or until cancelled). */
    public void execute(StreamExecutionEnvironment env, String name) throws Exception {
        build(env);
        env.execute(name);
    }
}
