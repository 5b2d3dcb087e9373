package io.energysentinel.job.functions;

import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.metrics.ScoringMetrics;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns scores into alerts with hysteresis. Keyed by source. Emits one {@link Alert} when a source's
 * episode opens (first score above threshold); keeps an {@link EpisodeTracker.Episode} in state while the
 * episode is open and clears it when the episode closes, so a quiet source holds no state.
 */
public final class EpisodeAlerter extends KeyedProcessFunction<String, ScoredRecord, Alert> {
    private static final long serialVersionUID = 1L;
    /** State: the open episode of this source, absent when none. */
    static final ValueStateDescriptor<EpisodeTracker.Episode> EPISODE =
            new ValueStateDescriptor<>("episode", EpisodeTracker.Episode.class);

    private final int quietRecords;
    private final int metricsPort;
    private transient EpisodeTracker tracker;
    private transient ValueState<EpisodeTracker.Episode> episode;
    private transient ScoringMetrics metrics;

    /** An alerter closing episodes after {@code quietRecords} normal records. */
    public EpisodeAlerter(int quietRecords, int metricsPort) {
        this.quietRecords = quietRecords;
        this.metricsPort = metricsPort;
    }

    @Override
    public void open(OpenContext openContext) {
        tracker = new EpisodeTracker(quietRecords);
        episode = getRuntimeContext().getState(EPISODE);
        metrics = MetricsEndpoint.acquireMetrics(metricsPort);
    }

    @Override
    public void processElement(ScoredRecord scored, Context ctx, Collector<Alert> out) throws Exception {
        EpisodeTracker.Step step = tracker.observe(episode.value(), scored.value(), scored.threshold());
        if (step.next() == null) {
            episode.clear();
        } else {
            episode.update(step.next());
        }
        if (step.alert()) {
            metrics.alert(scored.source(), scored.score(), scored.modelVersion());
            out.collect(new Alert(scored.recordId(), scored.source(), scored.eventTime(), scored.score(), scored.value(),
                    scored.threshold(), scored.value() - scored.threshold(), scored.modelId(), scored.modelVersion(),
                    System.currentTimeMillis()));
        }
    }

    @Override
    public void close() {
        if (metrics != null) {
            MetricsEndpoint.release();
            metrics = null;
        }
    }
}
