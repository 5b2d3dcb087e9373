package io.energysentinel.job.functions;

import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleRejectedException;
import io.energysentinel.contract.bundle.InputValidator;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.contract.scoring.ModelOutputs;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.contract.scoring.ScoringException;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.metrics.ScoringMetrics;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.model.SharedBundles;
import io.energysentinel.job.retrain.NormalSample;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores records in micro-batches with ONNX Runtime and swaps models without a restart.
 *
 * <p>Keyed by shard ({@link ScorerShards}: records of one source always land in one shard). Buffers records
 * in keyed list state until {@code maxBatchSize} have arrived or {@code maxBatchWait} has passed (a
 * processing-time timer), then validates each against the model's input spec (bad ones go to {@link ParseRecords#DEAD_LETTERS}),
 * scores the rest in one call and emits a {@link ScoredRecord} per record in arrival order. The buffer and
 * its timer are checkpointed, so no record is lost across a failure; both are cleared on every flush.
 *
 * <p>The broadcast side carries {@link ModelUpdate}s (metadata only). Each subtask verifies the announced
 * bundle; if it passes, it replaces the model and is kept in broadcast state (so a restored job reloads
 * it), else the current model stays and a refusal goes to {@link #MODEL_EVENTS}, the log and a metric.
 */
public final class MicroBatchScorer extends KeyedBroadcastProcessFunction<Integer, ScoringInput, ModelUpdate, ScoredRecord> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(MicroBatchScorer.class);
    /** Side output of events judged normal, for retraining; only when retraining is on. */
    public static final OutputTag<NormalSample> NORMAL_SAMPLES = new OutputTag<>("normal-samples") { };
    /** Side output of model swap outcomes. */
    public static final OutputTag<ModelEvent> MODEL_EVENTS = new OutputTag<>("model-events") { };
    /** Broadcast state: the last accepted model update, under key {@link #CURRENT}. */
    public static final MapStateDescriptor<String, ModelUpdate> MODEL_STATE =
            new MapStateDescriptor<>("model", Types.STRING, Types.POJO(ModelUpdate.class));
    static final String CURRENT = "current";
    /** Event-time timer that only the final watermark of a bounded input reaches. */
    static final long END_OF_INPUT = Long.MAX_VALUE - 1;
    static final ListStateDescriptor<ScoringInput> BUFFER = new ListStateDescriptor<>("buffer", ScoringInput.class);
    static final ValueStateDescriptor<Integer> BUFFERED = new ValueStateDescriptor<>("buffered", Types.INT);
    static final ValueStateDescriptor<Long> TIMER = new ValueStateDescriptor<>("flush-timer", Types.LONG);

    private final ScoringJobConfig config;
    private transient ModelBundle bundle;
    private transient String bundleUri;
    private transient ScoreName score;
    private transient InputValidator validator;
    private transient ListState<ScoringInput> buffer;
    private transient ValueState<Integer> buffered;
    private transient ValueState<Long> timer;
    private transient ScoringMetrics metrics;

    /** A scorer serving {@code config.bundle()} until an update arrives. */
    public MicroBatchScorer(ScoringJobConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        metrics = MetricsEndpoint.acquireMetrics(config.metricsPort());
        buffer = getRuntimeContext().getListState(BUFFER);
        buffered = getRuntimeContext().getState(BUFFERED);
        timer = getRuntimeContext().getState(TIMER);
        use(SharedBundles.acquire(config.bundlePath(), null, scorerOptions()), config.bundlePath().toUri().toString());
    }

    private ScorerOptions scorerOptions() {
        // Fixed batch shapes keep ONNX Runtime's arena from growing with every new batch size.
        return new ScorerOptions(config.provider(), config.intraOpThreads(), config.maxBatchSize());
    }

    private void use(ModelBundle next, String uri) {
        ModelBundle previous = bundle;
        bundle = next;
        bundleUri = uri;
        score = config.score().isBlank() ? next.manifest().defaultScore() : ScoreName.fromId(config.score());
        validator = new InputValidator(next.manifest().input());
        metrics.modelInUse(next.manifest().modelId(), next.manifest().modelVersion(), score.id(), next.threshold(score).threshold());
        if (previous != null && previous != next) {
            SharedBundles.release(previous);
        }
    }

    @Override
    public void processElement(ScoringInput input, ReadOnlyContext ctx, Collector<ScoredRecord> out) throws Exception {
        catchUpWithBroadcastState(ctx.getBroadcastState(MODEL_STATE));
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
        boolean endOfInput = ctx.timeDomain() == org.apache.flink.streaming.api.TimeDomain.EVENT_TIME;
        if (endOfInput || (timer.value() != null && timer.value() == timestamp)) {
            flush(ctx, out);
        }
    }

    private void flush(ReadOnlyContext ctx, Collector<ScoredRecord> out) throws Exception {
        List<ScoringInput> valid = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        for (ScoringInput in : buffer.get()) {
            InputValidator.Result r = in.features() != null ? validator.check(in.features()) : validator.check(in.pixels());
            if (r.valid()) {
                valid.add(in);
                inputs.add(r.input());
            } else {
                deadLetter(ctx, in, r.violation().reason(), r.violation().detail());
            }
        }
        buffer.clear();
        buffered.clear();
        if (timer.value() != null) {
            ctx.timerService().deleteProcessingTimeTimer(timer.value());
            timer.clear();
        }
        ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
        if (valid.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        float[] values;
        try {
            ModelOutputs outputs = bundle.score(inputs.toArray(new float[0][]));
            values = outputs.column(score.id());
        } catch (ScoringException e) {
            for (ScoringInput in : valid) {
                deadLetter(ctx, in, DeadLetterReason.SCORING_FAILED, e.getMessage());
            }
            return;
        }
        String version = bundle.manifest().modelVersion();
        metrics.batch(valid.get(0).kind(), bundle.scorer().providerInUse().name(), version, valid.size(),
                Duration.ofNanos(System.nanoTime() - start));
        double threshold = bundle.threshold(score).threshold();
        List<String> featureNames = bundle.manifest().input().featureNames();
        boolean sampleNormal = config.retrainingEnabled() && !featureNames.isEmpty();
        for (int i = 0; i < valid.size(); i++) {
            ScoringInput in = valid.get(i);
            if (sampleNormal && values[i] <= threshold) {
                ctx.output(NORMAL_SAMPLES, new NormalSample(bundle.manifest().modelId(), featureNames, inputs.get(i)));
            }
            metrics.score(in.source(), score.id(), version, values[i]);
            metrics.lag(in.kind(), in.eventTime());
            out.collect(new ScoredRecord(in.id(), in.source(), in.eventTime(), score.id(), values[i], threshold,
                    values[i] > threshold, bundle.manifest().modelId(), version));
        }
    }

    private void deadLetter(ReadOnlyContext ctx, ScoringInput in, DeadLetterReason reason, String detail) {
        metrics.deadLetter(reason, in.kind());
        String payload = in.features() != null ? String.valueOf(in.features())
                : "image " + in.id() + " with " + (in.pixels() == null ? 0 : in.pixels().length) + " pixels";
        ctx.output(ParseRecords.DEAD_LETTERS, new DeadLetter(reason, detail, in.origin(), payload, System.currentTimeMillis()));
    }

    @Override
    public void processBroadcastElement(ModelUpdate update, Context ctx, Collector<ScoredRecord> out) throws Exception {
        BroadcastState<String, ModelUpdate> state = ctx.getBroadcastState(MODEL_STATE);
        try {
            ModelBundle next = SharedBundles.acquire(bundlePath(update), update.sha256(), scorerOptions());
            if (!next.manifest().modelVersion().equals(update.modelVersion())) {
                SharedBundles.release(next);
                throw new BundleRejectedException(BundleRejectedException.Reason.CORRUPT_MANIFEST, bundlePath(update),
                        "announced version " + update.modelVersion() + " but the bundle is " + next.manifest().modelVersion());
            }
            use(next, update.uri());
            state.put(CURRENT, update);
            metrics.swap(ModelEvent.ACCEPTED, update.modelVersion());
            LOG.info("now scoring with model {}/{} from {}", update.modelId(), update.modelVersion(), update.uri());
            ctx.output(MODEL_EVENTS, new ModelEvent(update.modelId(), update.modelVersion(), update.uri(), ModelEvent.ACCEPTED,
                    "serving " + score.id() + " threshold " + bundle.threshold(score).threshold(), System.currentTimeMillis()));
        } catch (BundleRejectedException | IllegalArgumentException e) {
            metrics.swap(ModelEvent.REFUSED, update.modelVersion());
            LOG.warn("refused model update {}/{}: {}; still serving {}", update.modelId(), update.modelVersion(), e.getMessage(),
                    bundle.manifest().modelVersion());
            ctx.output(MODEL_EVENTS, new ModelEvent(update.modelId(), update.modelVersion(), update.uri(), ModelEvent.REFUSED,
                    e.getMessage(), System.currentTimeMillis()));
        }
    }

    private void catchUpWithBroadcastState(ReadOnlyBroadcastState<String, ModelUpdate> state) throws Exception {
        ModelUpdate current = state.get(CURRENT);
        // After a restore, broadcast state names the model that was serving; load it before scoring.
        if (current != null && !current.uri().equals(bundleUri)) {
            try {
                use(SharedBundles.acquire(bundlePath(current), current.sha256(), scorerOptions()), current.uri());
            } catch (BundleRejectedException e) {
                LOG.error("cannot reload model {} from restored state, keeping {}: {}", current.uri(), bundleUri, e.getMessage());
                bundleUri = current.uri();
            }
        }
    }

    private static Path bundlePath(ModelUpdate update) {
        URI uri = URI.create(update.uri());
        return uri.getScheme() == null ? Path.of(update.uri()) : Path.of(uri);
    }

    @Override
    public void close() {
        SharedBundles.release(bundle);
        bundle = null;
        if (metrics != null) {
            MetricsEndpoint.release();
            metrics = null;
        }
    }
}
