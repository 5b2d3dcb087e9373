package io.energysentinel.job.functions;

import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.AlertPhase;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.metrics.ScoringMetrics;
import java.io.Serializable;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.TimeDomain;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns scores into alerts with hysteresis. Keyed by source. Emits the lifecycle of each anomalous episode as
 * {@link Alert}s sharing one {@link Alert#alertId()}: {@link AlertPhase#OPENED} on the first score above threshold,
 * {@link AlertPhase#PEAK} on each higher score while it is open, {@link AlertPhase#CLOSED} when it closes. Keeps an
 * {@link EpisodeTracker.Episode} and its expiry (timers and the last record seen) in state while the episode is open,
 * and clears both when it closes: after {@code quietRecords} normal records, or when the source has sent nothing for
 * the idle timeout: in the source's own event time (its next record comes more than the timeout after its last one), in
 * processing time (a source that never comes back), or at the end of a bounded input. So a quiet source holds no state,
 * and a source that went silent mid-episode alerts again on its next anomaly.
 *
 * <p>Other sources' event time never closes an episode. A watermark is the minimum over the scorer's subtasks, but each
 * subtask flushes its shards' batches in its own order: after a restore, in a backlog, one shard's later records (other
 * sources, minutes ahead in event time) can pass another's, and a watermark-driven expiry then closed open episodes that
 * an uninterrupted run keeps (an extra alert in {@code ScoringJobMainCrashIT}). The event-time timer is therefore
 * registered only for the end of the input ({@link Long#MAX_VALUE}).
 */
public final class EpisodeAlerter extends KeyedProcessFunction<String, ScoredRecord, Alert> {
    private static final long serialVersionUID = 1L;
    /** State: the open episode of this source, absent when none. */
    static final ValueStateDescriptor<EpisodeTracker.Episode> EPISODE =
            new ValueStateDescriptor<>("episode", EpisodeTracker.Episode.class);
    /** The event-time timer of an open episode: the final watermark of a bounded input. */
    private static final long END_OF_INPUT = Long.MAX_VALUE;
    /** State: the expiry timers of the open episode, absent when none. */
    static final ValueStateDescriptor<Expiry> EXPIRY = new ValueStateDescriptor<>("episode-expiry", Expiry.class);

    /**
     * When an open episode expires, in its source's event time (a later record of the source past it closes the episode
     * first) and in processing time, and the last record seen in it (what the closing alert of an expired episode
     * reports).
     */
    public record Expiry(long eventTime, long processingTime, ScoredRecord last) implements Serializable {}

    private final int quietRecords;
    private final long idleMillis;
    private final int metricsPort;
    private final int maxMetricSources;
    private transient EpisodeTracker tracker;
    private transient ValueState<EpisodeTracker.Episode> episode;
    private transient ValueState<Expiry> expiry;
    private transient ScoringMetrics metrics;

    /** An alerter configured by {@code config} (quiet records, idle timeout, metrics). */
    public EpisodeAlerter(ScoringJobConfig config) {
        this.quietRecords = config.quietRecordsToClose();
        this.idleMillis = config.episodeIdleTimeout().toMillis();
        this.metricsPort = config.metricsPort();
        this.maxMetricSources = config.maxMetricSources();
    }

    @Override
    public void open(OpenContext openContext) {
        tracker = new EpisodeTracker(quietRecords);
        episode = getRuntimeContext().getState(EPISODE);
        expiry = getRuntimeContext().getState(EXPIRY);
        metrics = MetricsEndpoint.acquireMetrics(metricsPort, maxMetricSources);
    }

    @Override
    public void processElement(ScoredRecord scored, Context ctx, Collector<Alert> out) throws Exception {
        EpisodeTracker.Episode open = episode.value();
        Expiry previous = expiry.value();
        if (open != null && previous != null && scored.eventTime() > previous.eventTime()) {
            // The source itself was silent past the idle timeout: its episode ended before this record.
            cancelExpiry(ctx);
            episode.clear();
            metrics.episodeExpired();
            out.collect(alert(previous.last(), AlertPhase.CLOSED, open.start()));
            open = null;
        }
        EpisodeTracker.Step step = tracker.observe(open, scored.value(), scored.threshold(), scored.eventTime());
        cancelExpiry(ctx);
        if (step.next() == null) {
            episode.clear();
        } else {
            episode.update(step.next());
            Expiry at = new Expiry(saturatedAdd(scored.eventTime(), idleMillis),
                    saturatedAdd(ctx.timerService().currentProcessingTime(), idleMillis), scored);
            ctx.timerService().registerEventTimeTimer(END_OF_INPUT);
            ctx.timerService().registerProcessingTimeTimer(at.processingTime());
            expiry.update(at);
        }
        if (step.phase() != null) {
            if (step.alert()) {
                metrics.alert(scored.source(), scored.score(), scored.modelVersion());
            }
            out.collect(alert(scored, step.phase(), step.episodeStart()));
        }
    }

    private static Alert alert(ScoredRecord scored, AlertPhase phase, long episodeStart) {
        return new Alert(scored.recordId(), scored.source(), scored.eventTime(), scored.score(), scored.value(),
                scored.threshold(), scored.value() - scored.threshold(), scored.modelId(), scored.modelVersion(),
                System.currentTimeMillis(), Alert.idOf(scored.source(), episodeStart), phase, scored.topMetrics());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Alert> out) throws Exception {
        Expiry at = expiry.value();
        if (at == null) {
            return;
        }
        boolean due = ctx.timeDomain() == TimeDomain.EVENT_TIME ? timestamp == END_OF_INPUT : timestamp == at.processingTime();
        if (due) {
            EpisodeTracker.Episode open = episode.value();
            cancelExpiry(ctx);
            episode.clear();
            metrics.episodeExpired();
            if (open != null) {
                out.collect(alert(at.last(), AlertPhase.CLOSED, open.start()));
            }
        }
    }

    private void cancelExpiry(Context ctx) throws Exception {
        Expiry at = expiry.value();
        if (at != null) {
            ctx.timerService().deleteEventTimeTimer(END_OF_INPUT);
            ctx.timerService().deleteProcessingTimeTimer(at.processingTime());
            expiry.clear();
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    @Override
    public void close() {
        metrics = MetricsEndpoint.release(metrics);
    }
}
