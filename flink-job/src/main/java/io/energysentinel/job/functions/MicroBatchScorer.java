package io.energysentinel.job.functions;

import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.contract.records.TopMetrics;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.metrics.ScoringMetrics;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ModelLines;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.model.ServedModel;
import io.energysentinel.contract.records.UpdateStage;
import io.energysentinel.job.retrain.LineTally;
import io.energysentinel.job.retrain.NormalSample;
import io.energysentinel.job.retrain.ShadowTally;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Scores records in micro-batches with ONNX Runtime and swaps models without a restart.
 *
 * <p>Keyed by shard ({@link ScorerShards}: records of one source always land in one shard). Buffers records in
 * keyed list state until {@code maxBatchSize} have arrived or {@code maxBatchWait} has passed (a processing-time
 * timer), then scores each record kind with the model line serving it ({@link BatchScoring}) and emits a
 * {@link ScoredRecord} per record scored, and one more, marked {@link ScoredRecord#shadow()}, per record a candidate
 * shadow-scored (one output for both, so the scores sink chains to this operator; alerting filters shadows out). Records that do not fit the model, score NaN or have no model go to
 * {@link DeadLetters#TAG}. The buffer and its timer are checkpointed, so no record is lost across a failure; both
 * are cleared on every flush. For an event model fed its source's history, each event is widened with it on arrival
 * ({@link SourceHistories}, keyed state with a time to live).
 *
 * <p>The broadcast side carries {@link ModelUpdate}s (metadata only), which {@link ModelLines} checks, verifies and
 * swaps in all at once or not at all; every outcome goes to {@link #MODEL_EVENTS}, the log and a metric. An accepted update is kept in broadcast state per model line, so a
 * restored job serves it again: before its first flush, a restored subtask reloads what that state names.
 */
public final class MicroBatchScorer extends KeyedBroadcastProcessFunction<Integer, ScoringInput, ModelUpdate, ScoredRecord> {
    private static final long serialVersionUID = 1L;
    /** Side output of every event scored, for retraining ({@code CleanSamples} keeps the clean ones); only when retraining is on. */
    public static final OutputTag<NormalSample> NORMAL_SAMPLES = new OutputTag<>("normal-samples") { };
    /** Side output of a tally per flush and event line, for the promotion gate; only when retraining is on. */
    public static final OutputTag<LineTally> TALLIES = new OutputTag<>("line-tallies") { };
    /** Side output of model swap outcomes. */
    public static final OutputTag<ModelEvent> MODEL_EVENTS = new OutputTag<>("model-events") { };
    /** Broadcast state: the last accepted model update of each model line, keyed by model id. */
    public static final MapStateDescriptor<String, ModelUpdate> MODEL_STATE =
            new MapStateDescriptor<>("models", Types.STRING, Types.POJO(ModelUpdate.class));
    /** Event-time timer that only the final watermark of a bounded input reaches. */
    static final long END_OF_INPUT = Long.MAX_VALUE - 1;
    static final ListStateDescriptor<ScoringInput> BUFFER = new ListStateDescriptor<>("buffer", ScoringInput.class);
    static final ValueStateDescriptor<Integer> BUFFERED = new ValueStateDescriptor<>("buffered", Types.INT);
    static final ValueStateDescriptor<Long> TIMER = new ValueStateDescriptor<>("flush-timer", Types.LONG);

    private final ScoringJobConfig config;
    private transient ModelLines lines;
    private transient boolean restored;
    private transient ListState<ScoringInput> buffer;
    private transient ValueState<Integer> buffered;
    private transient ValueState<Long> timer;
    private transient SourceHistories histories;
    private transient ScoringMetrics metrics;

    /** A scorer serving {@code config.bundles()} until updates arrive. */
    public MicroBatchScorer(ScoringJobConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        metrics = MetricsEndpoint.acquireMetrics(config.metricsPort(), config.maxMetricSources());
        buffer = getRuntimeContext().getListState(BUFFER);
        buffered = getRuntimeContext().getState(BUFFERED);
        timer = getRuntimeContext().getState(TIMER);
        lines = ModelLines.open(config, metrics);
        // A swap never changes a line's input (ModelHolder refuses it), so the start-up bundle says for the job's life
        // whether events are widened with their source's history.
        ServedModel events = lines.servingFor(ScoringInput.EVENT);
        histories = SourceHistories.of(events == null ? null : events.bundle().manifest().input().history(),
                getRuntimeContext().getMapState(SourceHistories.descriptor(config.sourceHistoryTtl())), metrics);
        restored = false;
    }

    @Override
    public void processElement(ScoringInput input, ReadOnlyContext ctx, Collector<ScoredRecord> out) throws Exception {
        restoreModels(ctx);
        buffer.add(histories.widen(input));
        int count = (buffered.value() == null ? 0 : buffered.value()) + 1;
        buffered.update(count);
        if (count >= config.maxBatchSize()) {
            flush(ctx, out);
        } else if (timer.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + config.maxBatchWait().toMillis();
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
            // Processing-time timers do not fire when a bounded input ends; the final watermark does reach
            // event-time timers, so this one flushes the last partial batch of a finite run.
            ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ScoredRecord> out) throws Exception {
        boolean endOfInput = ctx.timeDomain() == TimeDomain.EVENT_TIME;
        if (endOfInput || (timer.value() != null && timer.value() == timestamp)) {
            // A restored subtask's first timer can fire before any record: it must score with the restored model.
            restoreModels(ctx);
            flush(ctx, out);
        }
    }

    private void flush(ReadOnlyContext ctx, Collector<ScoredRecord> out) throws Exception {
        Map<String, List<ScoringInput>> byKind = new LinkedHashMap<>();
        for (ScoringInput in : buffer.get()) {
            byKind.computeIfAbsent(in.kind(), k -> new ArrayList<>()).add(in);
        }
        buffer.clear();
        buffered.clear();
        if (timer.value() != null) {
            ctx.timerService().deleteProcessingTimeTimer(timer.value());
            timer.clear();
        }
        ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
        lines.retryPending(ctx.currentProcessingTime()).forEach(e -> ctx.output(MODEL_EVENTS, e));
        for (Map.Entry<String, List<ScoringInput>> batch : byKind.entrySet()) {
            ServedModel model = lines.servingFor(batch.getKey());
            if (model == null) {
                for (ScoringInput in : batch.getValue()) {
                    deadLetter(ctx, in, DeadLetterReason.NO_MODEL, "this job serves no " + in.kind() + " model (it serves "
                            + lines.kinds() + ")");
                }
            } else {
                emit(ctx, out, model, BatchScoring.score(model, batch.getValue()));
            }
        }
    }

    private void emit(ReadOnlyContext ctx, Collector<ScoredRecord> out, ServedModel model, BatchScoring.Result result) {
        for (BatchScoring.Refused r : result.refused()) {
            deadLetter(ctx, r.input(), r.reason(), r.detail());
        }
        if (result.scored().isEmpty()) {
            return;
        }
        String version = model.modelVersion();
        metrics.batch(model.kind(), model.bundle().scorer().providerInUse().name(), version, result.scored().size(),
                Duration.ofNanos(result.scoringNanos()));
        List<String> featureNames = model.bundle().manifest().input().featureNames();
        // Contributions come per record metric (a metric with its source history, where the model takes one).
        List<String> explainedNames = model.bundle().manifest().input().recordFeatureNames();
        // Every line, event or image, feeds retraining; a line whose bundle has no anchor gets a verdict saying so.
        boolean retraining = config.retrainingEnabled();
        long anomalousCount = 0;
        ServedModel candidate = retraining ? lines.shadowFor(model.kind()) : null;
        ScoringMetrics.BatchScores meters = metrics.batchScores(model.kind(), model.score().id(), version);
        for (BatchScoring.Scored s : result.scored()) {
            ScoringInput in = s.input();
            boolean anomalous = s.value() > model.threshold();
            anomalousCount += anomalous ? 1 : 0;
            if (retraining) {
                ctx.output(NORMAL_SAMPLES, new NormalSample(model.modelId(), model.uri(), in.source(), featureNames, s.vector(), s.value(),
                        model.threshold(), model.admitCeiling(), model.referenceMedian(), candidate != null));
            }
            meters.record(in.source(), s.value(), in.eventTime());
            // Only anomalous records are explained: a normal record's contributions are noise nobody reads.
            List<String> top = anomalous && s.contributions() != null ? TopMetrics.rank(explainedNames, s.contributions()) : null;
            out.collect(new ScoredRecord(in.id(), in.source(), in.eventTime(), model.score().id(), s.value(), model.threshold(),
                    anomalous, model.modelId(), version, top));
        }
        if (retraining) {
            ShadowTally shadow = candidate == null ? ShadowTally.EMPTY : shadowScore(out, model, candidate, result.scored());
            ctx.output(TALLIES, new LineTally(model.modelId(), model.asUpdate(), model.calibratedFpr(), result.scored().size(),
                    anomalousCount, candidate == null ? null : candidate.asUpdate().at(UpdateStage.SHADOW),
                    candidate == null ? 0 : candidate.calibratedFpr(), shadow));
        }
    }

    /**
     * Scores the records the serving model scored with the candidate too: their scores go out with the others, marked
     * {@link ScoredRecord#shadow()} (the job alerts on none of them), the comparison to the tally and the metrics. Records
     * the candidate cannot score are its loss, not dead letters.
     */
    private ShadowTally shadowScore(Collector<ScoredRecord> out, ServedModel serving, ServedModel candidate,
                                    List<BatchScoring.Scored> scored) {
        List<ScoringInput> inputs = new ArrayList<>(scored.size());
        Map<ScoringInput, Boolean> servingVerdicts = new java.util.IdentityHashMap<>();
        for (BatchScoring.Scored s : scored) {
            inputs.add(s.input());
            servingVerdicts.put(s.input(), s.value() > serving.threshold());
        }
        long servingNormal = 0;
        long candidateOnly = 0;
        long servingOnly = 0;
        long both = 0;
        for (BatchScoring.Scored s : BatchScoring.score(candidate, inputs).scored()) {
            ScoringInput in = s.input();
            boolean flagged = s.value() > candidate.threshold();
            boolean servingFlagged = Boolean.TRUE.equals(servingVerdicts.get(in));
            servingNormal += servingFlagged ? 0 : 1;
            candidateOnly += flagged && !servingFlagged ? 1 : 0;
            servingOnly += !flagged && servingFlagged ? 1 : 0;
            both += flagged && servingFlagged ? 1 : 0;
            out.collect(new ScoredRecord(in.id(), in.source(), in.eventTime(), candidate.score().id(), s.value(),
                    candidate.threshold(), flagged, candidate.modelId(), candidate.modelVersion(), null, true));
        }
        ShadowTally tally = new ShadowTally(servingNormal + servingOnly + both, servingNormal, candidateOnly, servingOnly, both);
        metrics.shadow(serving.modelId(), "both_normal", servingNormal - candidateOnly);
        metrics.shadow(serving.modelId(), "candidate_only", candidateOnly);
        metrics.shadow(serving.modelId(), "serving_only", servingOnly);
        metrics.shadow(serving.modelId(), "both_anomalous", both);
        return tally;
    }

    private void deadLetter(ReadOnlyContext ctx, ScoringInput in, DeadLetterReason reason, String detail) {
        metrics.deadLetter(reason, in.kind());
        ctx.output(DeadLetters.TAG, DeadLetters.of(in, reason, detail));
    }

    @Override
    public void processBroadcastElement(ModelUpdate update, Context ctx, Collector<ScoredRecord> out) throws Exception {
        ModelLines.Offer offer = lines.offer(update, ctx.currentProcessingTime());
        if (offer.remember()) {
            ctx.getBroadcastState(MODEL_STATE).put(update.modelId(), update);
        }
        if (offer.event() != null) {
            ctx.output(MODEL_EVENTS, offer.event());
        }
    }

    /** After a restore, loads (once, before the first flush) what broadcast state says each line served. */
    private void restoreModels(ReadOnlyContext ctx) throws Exception {
        if (restored) {
            return;
        }
        restored = true;
        List<ModelUpdate> remembered = new ArrayList<>();
        for (Map.Entry<String, ModelUpdate> entry : ctx.getBroadcastState(MODEL_STATE).immutableEntries()) {
            remembered.add(entry.getValue());
        }
        lines.restore(remembered, ctx.currentProcessingTime()).forEach(e -> ctx.output(MODEL_EVENTS, e));
    }

    @Override
    public void close() {
        if (lines != null) {
            lines.close();
            lines = null;
        }
        metrics = MetricsEndpoint.release(metrics);
    }
}
