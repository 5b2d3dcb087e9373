package io.energysentinel.job.metrics;

import io.energysentinel.contract.MetricNames;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.job.model.ModelRefusal;
import io.energysentinel.job.model.ScoringInput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scoring job's meters, registered once per JVM in the shared registry.
 *
 * <p>Scores are recorded in a Prometheus client {@link Histogram} registered in the same registry: Micrometer's
 * distribution summaries drop negative values, and energies are often negative. Its fixed, symmetric buckets are
 * identical in every subtask, so {@code sum by (le)} aggregates across them.
 *
 * <p>Cardinality stays bounded whatever producers send: at most {@code maxSources} sources get series of their own
 * (first come, first served; the rest share {@link MetricNames#OTHER_SOURCE}), and the series of a model version
 * are removed when the last subtask in this JVM stops serving it. Counters whose first increment an alert rule
 * must see (dead letters, swaps) are registered at zero up front: a series born at 1 has no {@code increase()}.
 */
public final class ScoringMetrics {
    /** Bucket bounds for scores: symmetric, roughly logarithmic, covering energies of any sign. */
    static final double[] SCORE_BUCKETS = scoreBuckets();
    /** Bucket bounds of the event lag: up to an hour, where Micrometer's timer default stops at 30 s. */
    static final Duration[] LAG_BUCKETS = lagBuckets();
    private static final Map<PrometheusMeterRegistry, ScoringMetrics> BY_REGISTRY = new ConcurrentHashMap<>();

    private final PrometheusMeterRegistry registry;
    private final int maxSources;
    private final Set<String> sources = ConcurrentHashMap.newKeySet();
    private final Histogram scores;
    private final Map<String, AtomicInteger> versionUsers = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> thresholds = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> modelInfo = new ConcurrentHashMap<>();
    private final Counter episodesExpired;
    private final Counter historyStarts;
    private final Counter historyOutOfOrder;
    /** The event lag timer of each record kind: looked up once, not built and registered again for every record. */
    private final Map<String, Timer> lagTimers = new ConcurrentHashMap<>();

    private ScoringMetrics(PrometheusMeterRegistry registry, int maxSources) {
        this.registry = registry;
        this.maxSources = maxSources;
        this.scores = Histogram.builder().name(MetricNames.SCORE.replace('.', '_'))
                .help("Scores of scored records (energy or the configured OOD score); higher is more anomalous")
                .labelNames(MetricNames.SOURCE, MetricNames.SCORE_TAG, MetricNames.MODEL_VERSION)
                .classicUpperBounds(SCORE_BUCKETS).withoutExemplars().register(registry.getPrometheusRegistry());
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            for (String kind : List.of(ScoringInput.EVENT, ScoringInput.IMAGE)) {
                deadLetterCounter(reason, kind);
            }
        }
        swapCounter(ModelEvent.ACCEPTED, MetricNames.NO_REASON);
        swapCounter(ModelEvent.RESTORED, MetricNames.NO_REASON);
        for (String reason : ModelRefusal.allReasons()) {
            swapCounter(ModelEvent.REFUSED, reason);
        }
        episodesExpired = Counter.builder(MetricNames.EPISODES_EXPIRED)
                .description("Open episodes closed because their source sent nothing for the idle timeout").register(registry);
        historyStarts = Counter.builder(MetricNames.HISTORY_STARTS)
                .description("Event sources whose history started afresh: first seen, or silent longer than its time to live")
                .register(registry);
        historyOutOfOrder = Counter.builder(MetricNames.HISTORY_OUT_OF_ORDER)
                .description("Events older than their source's last event, scored without moving its history")
                .register(registry);
    }

    /** The meters of {@code registry}; the first caller's {@code maxSources} holds for the registry's life. */
    public static ScoringMetrics of(PrometheusMeterRegistry registry, int maxSources) {
        return BY_REGISTRY.computeIfAbsent(registry, r -> new ScoringMetrics(r, maxSources));
    }

    /** Forgets the meters of a closed registry. */
    public static void forget(PrometheusMeterRegistry registry) {
        BY_REGISTRY.remove(registry);
    }

    /** The label for {@code source}: itself while the cap allows, else {@link MetricNames#OTHER_SOURCE}. */
    String sourceLabel(String source) {
        if (sources.contains(source)) {
            return source;
        }
        if (sources.size() < maxSources) {
            synchronized (sources) {
                if (sources.size() < maxSources) {
                    sources.add(source);
                    return source;
                }
            }
        }
        return MetricNames.OTHER_SOURCE;
    }

    /** One score. */
    public void score(String source, String score, String modelVersion, double value) {
        scores.labelValues(sourceLabel(source), score, modelVersion).observe(value);
    }

    /**
     * The meters of one scored batch of {@code kind}, scored as {@code score} by {@code modelVersion}: each source's
     * histogram series and the lag timer are looked up once per batch, not once per record, and the clock is read once.
     */
    public BatchScores batchScores(String kind, String score, String modelVersion) {
        return new BatchScores(lagTimer(kind), score, modelVersion);
    }

    /** Scores and event lags of one batch; not thread-safe, used by one flush. */
    public final class BatchScores {
        private final Timer lag;
        private final String score;
        private final String modelVersion;
        private final long now = System.currentTimeMillis();
        private final Map<String, DistributionDataPoint> series = new java.util.HashMap<>();

        private BatchScores(Timer lag, String score, String modelVersion) {
            this.lag = lag;
            this.score = score;
            this.modelVersion = modelVersion;
        }

        /** One record's score, and its event-time lag. */
        public void record(String source, double value, long eventTimeMillis) {
            DistributionDataPoint point = series.get(source);
            if (point == null) {
                point = scores.labelValues(sourceLabel(source), score, modelVersion);
                series.put(source, point);
            }
            point.observe(value);
            long millis = now - eventTimeMillis;
            if (millis >= 0) {
                lag.record(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
    }

    /** One alert. */
    public void alert(String source, String score, String modelVersion) {
        Counter.builder(MetricNames.ALERTS).tags(MetricNames.SOURCE, sourceLabel(source), MetricNames.SCORE_TAG, score,
                MetricNames.MODEL_VERSION, modelVersion).register(registry).increment();
    }

    /** One dead letter. */
    public void deadLetter(DeadLetterReason reason, String kind) {
        deadLetterCounter(reason, kind).increment();
    }

    private Counter deadLetterCounter(DeadLetterReason reason, String kind) {
        return Counter.builder(MetricNames.DEAD_LETTERS).tags(MetricNames.REASON, reason.name(), MetricNames.RECORD_KIND, kind)
                .register(registry);
    }

    /** An open episode closed because its source went silent. */
    public void episodeExpired() {
        episodesExpired.increment();
    }

    /** An event source's history started afresh (first event, or its history expired). */
    public void historyStarted() {
        historyStarts.increment();
    }

    /** An event came older than its source's last and left the source's history as it was. */
    public void historyOutOfOrder() {
        historyOutOfOrder.increment();
    }

    /** Records scored in a batch, its size and ONNX Runtime time. */
    public void batch(String kind, String provider, String modelVersion, int size, Duration elapsed) {
        Counter.builder(MetricNames.RECORDS_SCORED).tags(MetricNames.RECORD_KIND, kind, MetricNames.MODEL_VERSION, modelVersion)
                .register(registry).increment(size);
        DistributionSummary.builder(MetricNames.BATCH_SIZE).tags(MetricNames.RECORD_KIND, kind)
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry).record(size);
        Timer.builder(MetricNames.SCORING_LATENCY).tags(MetricNames.RECORD_KIND, kind, MetricNames.PROVIDER, provider)
                .publishPercentileHistogram().register(registry).record(elapsed);
    }

    /** Event time to emission lag of one record. */
    public void lag(String kind, long eventTimeMillis) {
        long lag = System.currentTimeMillis() - eventTimeMillis;
        if (lag >= 0) {
            lagTimer(kind).record(lag, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private Timer lagTimer(String kind) {
        return lagTimers.computeIfAbsent(kind, k -> Timer.builder(MetricNames.EVENT_LAG).tags(MetricNames.RECORD_KIND, k)
                .serviceLevelObjectives(LAG_BUCKETS).maximumExpectedValue(Duration.ofHours(1)).register(registry));
    }

    /** One more subtask serves {@code modelVersion} of {@code modelId} with {@code score} at {@code threshold}. */
    public synchronized void modelInUse(String modelId, String modelVersion, String score, double threshold) {
        versionUsers.computeIfAbsent(modelVersion, v -> new AtomicInteger()).incrementAndGet();
        thresholds.computeIfAbsent(score + "|" + modelVersion, k -> {
            AtomicReference<Double> ref = new AtomicReference<>(threshold);
            Gauge.builder(MetricNames.THRESHOLD, ref, r -> r.get())
                    .tags(Tags.of(MetricNames.SCORE_TAG, score, MetricNames.MODEL_VERSION, modelVersion)).register(registry);
            return ref;
        }).set(threshold);
        for (Map.Entry<String, AtomicReference<Double>> e : modelInfo.entrySet()) {
            if (e.getKey().startsWith(modelId + "|")) {
                e.getValue().set(0.0);
            }
        }
        modelInfo.computeIfAbsent(modelId + "|" + modelVersion, k -> {
            AtomicReference<Double> ref = new AtomicReference<>(1.0);
            Gauge.builder(MetricNames.MODEL_INFO, ref, r -> r.get())
                    .tags(MetricNames.MODEL_ID, modelId, MetricNames.MODEL_VERSION, modelVersion).register(registry);
            return ref;
        }).set(1.0);
    }

    /** One subtask stopped serving {@code modelVersion}; when none in this JVM serves it, its series go. */
    public synchronized void modelRetired(String modelVersion) {
        AtomicInteger users = versionUsers.get(modelVersion);
        if (users == null || users.decrementAndGet() > 0) {
            return;
        }
        versionUsers.remove(modelVersion);
        scores.removeIf(labels -> modelVersion.equals(labels.get(2)));
        for (Meter meter : List.copyOf(registry.getMeters())) {
            if (modelVersion.equals(meter.getId().getTag(MetricNames.MODEL_VERSION))) {
                registry.remove(meter);
            }
        }
        thresholds.keySet().removeIf(k -> k.endsWith("|" + modelVersion));
        modelInfo.keySet().removeIf(k -> k.endsWith("|" + modelVersion));
    }

    /** A retraining run on data judged normal ended: {@code trained}, {@code failed} or {@code timed_out}. */
    public void retrain(String outcome) {
        Counter.builder(MetricNames.RETRAINS).tags(MetricNames.OUTCOME, outcome).register(registry).increment();
    }

    /**
     * A retraining verdict: {@code outcome} a {@link io.energysentinel.job.model.ModelEvent} outcome ({@code candidate},
     * {@code rejected}, {@code promoted}, {@code reverted}), {@code rule} what decided ({@code null} when it passed).
     */
    public void verdict(String outcome, String rule) {
        Counter.builder(MetricNames.RETRAIN_VERDICTS).tags(MetricNames.OUTCOME, outcome, MetricNames.REASON,
                rule == null ? MetricNames.NO_REASON : rule).register(registry).increment();
    }

    /**
     * Records shadow-scored by a candidate beside the serving model of {@code modelId}, by agreement: {@code both_normal},
     * {@code candidate_only}, {@code serving_only}, {@code both_anomalous}. Labelled by line, not version, so candidates
     * that come and go leave no series behind.
     */
    public void shadow(String modelId, String agreement, long records) {
        if (records > 0) {
            Counter.builder(MetricNames.SHADOW_RECORDS).tags(MetricNames.MODEL_ID, modelId, MetricNames.AGREEMENT, agreement)
                    .register(registry).increment(records);
        }
    }

    /** A model swap attempt: its outcome and, for a refusal, the reason ({@code null} otherwise). */
    public void swap(String outcome, String reason) {
        swapCounter(outcome, reason == null ? MetricNames.NO_REASON : reason).increment();
    }

    private Counter swapCounter(String outcome, String reason) {
        return Counter.builder(MetricNames.MODEL_SWAPS).tags(MetricNames.OUTCOME, outcome, MetricNames.REASON, reason).register(registry);
    }

    private static double[] scoreBuckets() {
        // Finer around the thresholds models actually have (tens to hundreds for Mahalanobis and event energies).
        double[] positive = {0.01, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 2500, 1e4};
        double[] all = new double[positive.length * 2 + 1];
        for (int i = 0; i < positive.length; i++) {
            all[i] = -positive[positive.length - 1 - i];
            all[positive.length + 1 + i] = positive[i];
        }
        all[positive.length] = 0;
        return all;
    }

    private static Duration[] lagBuckets() {
        long[] millis = {5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 600_000,
            1_800_000, 3_600_000};
        Duration[] out = new Duration[millis.length];
        for (int i = 0; i < millis.length; i++) {
            out[i] = Duration.ofMillis(millis[i]);
        }
        return out;
    }
}
