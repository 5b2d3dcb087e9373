package io.energysentinel.job.functions;

import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.metrics.ScoringMetrics;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ModelHolder;
import io.energysentinel.job.model.ModelRefusal;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.model.ServedModel;
import io.energysentinel.job.model.UpdatePolicy;
import io.energysentinel.job.retrain.NormalSample;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores records in micro-batches with ONNX Runtime and swaps models without a restart.
 *
 * <p>Keyed by shard ({@link ScorerShards}: records of one source always land in one shard). Buffers records in
 * keyed list state until {@code maxBatchSize} have arrived or {@code maxBatchWait} has passed (a processing-time
 * timer), then scores each record kind with the model line serving it ({@link BatchScoring}) and emits a
 * {@link ScoredRecord} per record scored. Records that do not fit the model, score NaN or have no model go to
 * {@link DeadLetters#TAG}. The buffer and its timer are checkpointed, so no record is lost across a failure; both
 * are cleared on every flush.
 *
 * <p>The broadcast side carries {@link ModelUpdate}s (metadata only). Each passes the {@link UpdatePolicy}, then
 * the line's {@link ModelHolder} verifies and swaps it in all at once or not at all; every outcome goes to
 * {@link #MODEL_EVENTS}, the log and a metric. An accepted update is kept in broadcast state per model line, so a
 * restored job serves it again: before its first flush, a restored subtask reloads what that state names.
 */
public final class MicroBatchScorer extends KeyedBroadcastProcessFunction<Integer, ScoringInput, ModelUpdate, ScoredRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatchScorer.class);
    /** Side output of events judged normal, for retraining; only when retraining is on. */
    public static final OutputTag<NormalSample> NORMAL_SAMPLES = new OutputTag<>("normal-samples") { };
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
    private final UpdatePolicy policy;
    /** Model lines by the record kind they serve. */
    private transient Map<String, ModelHolder> lines;
    private transient boolean caughtUp;
    /** What each line's metrics say it serves. */
    private transient Map<String, ServedModel> reported;
    private transient ListState<ScoringInput> buffer;
    private transient ValueState<Integer> buffered;
    private transient ValueState<Long> timer;
    private transient ScoringMetrics metrics;

    /** A scorer serving {@code config.bundles()} until updates arrive. */
    public MicroBatchScorer(ScoringJobConfig config) {
        this.config = config;
        this.policy = new UpdatePolicy(config.modelRootPaths());
    }

    @Override
    public void open(OpenContext openContext) {
        metrics = MetricsEndpoint.acquireMetrics(config.metricsPort(), config.maxMetricSources());
        buffer = getRuntimeContext().getListState(BUFFER);
        buffered = getRuntimeContext().getState(BUFFERED);
        timer = getRuntimeContext().getState(TIMER);
        lines = new LinkedHashMap<>();
        reported = new java.util.HashMap<>();
        ScorerOptions options = new ScorerOptions(config.provider(), config.intraOpThreads(), config.maxBatchSize());
        for (Path dir : config.bundlePaths()) {
            ModelHolder line = ModelHolder.open(dir, config.score(), options, config.modelLoadRetry().toMillis());
            ModelHolder clash = lines.putIfAbsent(line.serving().kind(), line);
            if (clash != null) {
                line.close();
                throw new IllegalArgumentException("two bundles serve " + line.serving().kind() + " records: "
                        + clash.serving().uri() + " and " + dir);
            }
            inMetrics(line.serving());
        }
        caughtUp = false;
    }

    @Override
    public void processElement(ScoringInput input, ReadOnlyContext ctx, Collector<ScoredRecord> out) throws Exception {
        catchUpWithBroadcastState(ctx);
        buffer.add(input);
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
            catchUpWithBroadcastState(ctx);
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
        long now = ctx.currentProcessingTime();
        for (ModelHolder line : lines.values()) {
            report(ctx, line, line.retryPending(now));
        }
        for (Map.Entry<String, List<ScoringInput>> batch : byKind.entrySet()) {
            ModelHolder line = lines.get(batch.getKey());
            if (line == null) {
                for (ScoringInput in : batch.getValue()) {
                    deadLetter(ctx, in, DeadLetterReason.NO_MODEL, "this job serves no " + in.kind() + " model (it serves "
                            + lines.keySet() + ")");
                }
            } else {
                emit(ctx, out, line.serving(), BatchScoring.score(line.serving(), batch.getValue()));
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
        String kind = model.kind();
        metrics.batch(kind, model.bundle().scorer().providerInUse().name(), version, result.scored().size(),
                Duration.ofNanos(result.scoringNanos()));
        List<String> featureNames = model.bundle().manifest().input().featureNames();
        boolean sampleNormal = config.retrainingEnabled() && !featureNames.isEmpty();
        for (BatchScoring.Scored s : result.scored()) {
            ScoringInput in = s.input();
            boolean anomalous = s.value() > model.threshold();
            if (sampleNormal && !anomalous) {
                ctx.output(NORMAL_SAMPLES, new NormalSample(model.modelId(), featureNames, s.vector()));
            }
            metrics.score(in.source(), model.score().id(), version, s.value());
            metrics.lag(in.kind(), in.eventTime());
            out.collect(new ScoredRecord(in.id(), in.source(), in.eventTime(), model.score().id(), s.value(), model.threshold(),
                    anomalous, model.modelId(), version));
        }
    }

    private void deadLetter(ReadOnlyContext ctx, ScoringInput in, DeadLetterReason reason, String detail) {
        metrics.deadLetter(reason, in.kind());
        ctx.output(DeadLetters.TAG, DeadLetters.of(in, reason, detail));
    }

    @Override
    public void processBroadcastElement(ModelUpdate update, Context ctx, Collector<ScoredRecord> out) throws Exception {
        long now = ctx.currentProcessingTime();
        ModelHolder line = null;
        ModelEvent event;
        try {
            Path dir = policy.check(update, servedLines());
            line = lineOf(update.modelId());
            event = line.offer(update, dir, false, now);
            if (event == null ? !line.hasPending() : ModelEvent.ACCEPTED.equals(event.outcome())) {
                ctx.getBroadcastState(MODEL_STATE).put(update.modelId(), update);
            }
        } catch (ModelRefusal e) {
            event = ModelEvent.refused(update, e, now);
        }
        report(ctx, line, event);
    }

    /** After a restore, loads (once) what broadcast state says each line served. */
    private void catchUpWithBroadcastState(ReadOnlyContext ctx) throws Exception {
        if (caughtUp) {
            return;
        }
        caughtUp = true;
        ReadOnlyBroadcastState<String, ModelUpdate> state = ctx.getBroadcastState(MODEL_STATE);
        for (Map.Entry<String, ModelUpdate> entry : state.immutableEntries()) {
            ModelUpdate update = entry.getValue();
            ModelHolder line = null;
            ModelEvent event;
            try {
                Path dir = policy.check(update, servedLines());
                line = lineOf(update.modelId());
                event = line.offer(update, dir, true, ctx.currentProcessingTime());
            } catch (ModelRefusal e) {
                event = ModelEvent.refused(update, e, ctx.currentProcessingTime());
            }
            report(ctx, line, event);
        }
    }

    private void report(ReadOnlyContext ctx, ModelHolder line, ModelEvent event) {
        reportTo(event, line, e -> ctx.output(MODEL_EVENTS, e));
    }

    private void report(Context ctx, ModelHolder line, ModelEvent event) {
        reportTo(event, line, e -> ctx.output(MODEL_EVENTS, e));
    }

    private void reportTo(ModelEvent event, ModelHolder line, java.util.function.Consumer<ModelEvent> output) {
        if (event == null) {
            return;
        }
        metrics.swap(event.outcome(), event.reason());
        if (ModelEvent.REFUSED.equals(event.outcome())) {
            LOG.warn("refused model update {}/{} ({}): {}", event.modelId(), event.modelVersion(), event.reason(), event.detail());
        } else {
            LOG.info("now scoring with model {}/{} from {}", event.modelId(), event.modelVersion(), event.uri());
        }
        if (line != null && !ModelEvent.REFUSED.equals(event.outcome())) {
            inMetrics(line.serving());
        }
        output.accept(event);
    }

    /** Moves the metrics' model-in-use series to {@code now}; the previous version's series go when no subtask uses it. */
    private void inMetrics(ServedModel now) {
        ServedModel before = reported.put(now.modelId(), now);
        if (before == now) {
            return;
        }
        metrics.modelInUse(now.modelId(), now.modelVersion(), now.score().id(), now.threshold());
        if (before != null) {
            metrics.modelRetired(before.modelVersion());
        }
    }

    private List<String> servedLines() {
        List<String> ids = new ArrayList<>(lines.size());
        for (ModelHolder line : lines.values()) {
            ids.add(line.serving().modelId());
        }
        return ids;
    }

    private ModelHolder lineOf(String modelId) {
        for (ModelHolder line : lines.values()) {
            if (line.serving().modelId().equals(modelId)) {
                return line;
            }
        }
        throw new ModelRefusal(ModelRefusal.Reason.OTHER_MODEL_LINE, "this job serves " + servedLines() + ", not " + modelId);
    }

    @Override
    public void close() {
        if (lines != null) {
            for (ModelHolder line : lines.values()) {
                if (metrics != null && line.serving() != null) {
                    metrics.modelRetired(line.serving().modelVersion());
                }
                line.close();
            }
            lines = null;
        }
        if (metrics != null) {
            MetricsEndpoint.release();
            metrics = null;
        }
    }
}
