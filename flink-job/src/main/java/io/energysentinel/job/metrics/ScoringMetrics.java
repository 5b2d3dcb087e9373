package io.energysentinel.job.metrics;

import io.energysentinel.contract.MetricNames;
import io.energysentinel.contract.records.DeadLetterReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.core.metrics.Histogram;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The scoring job's meters, registered once per JVM in the shared registry.
 *
 * <p>Scores are recorded in a Prometheus client {@link Histogram} registered in the same registry:
 * Micrometer's distribution summaries drop negative values, and energies are often negative. Its fixed,
 * symmetric buckets are identical in every subtask, so {@code sum by (le)} aggregates across them.
 */
public final class ScoringMetrics {
    /** Bucket bounds for scores: symmetric, roughly logarithmic, covering energies of any sign. */
    static final double[] SCORE_BUCKETS = scoreBuckets();
    private static final Map<PrometheusMeterRegistry, ScoringMetrics> BY_REGISTRY = new ConcurrentHashMap<>();

    private final PrometheusMeterRegistry registry;
    private final Histogram scores;
    private final Map<String, AtomicReference<Double>> thresholds = new ConcurrentHashMap<>();
    private final Map<String, AtomicReference<Double>> modelInfo = new ConcurrentHashMap<>();

    private ScoringMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        this.scores = Histogram.builder().name(MetricNames.SCORE.replace('.', '_'))
                .help("Scores of scored records (energy or the configured OOD score); higher is more anomalous")
                .labelNames(MetricNames.SOURCE, MetricNames.SCORE_TAG, MetricNames.MODEL_VERSION)
                .classicUpperBounds(SCORE_BUCKETS).withoutExemplars().register(registry.getPrometheusRegistry());
    }

    /** The meters of {@code registry}. */
    public static ScoringMetrics of(PrometheusMeterRegistry registry) {
        return BY_REGISTRY.computeIfAbsent(registry, ScoringMetrics::new);
    }

    /** Forgets the meters of a closed registry. */
    public static void forget(PrometheusMeterRegistry registry) {
        BY_REGISTRY.remove(registry);
    }

    /** One score. */
    public void score(String source, String score, String modelVersion, double value) {
        scores.labelValues(source, score, modelVersion).observe(value);
    }

    /** One alert. */
    public void alert(String source, String score, String modelVersion) {
        Counter.builder(MetricNames.ALERTS).tags(MetricNames.SOURCE, source, MetricNames.SCORE_TAG, score,
                MetricNames.MODEL_VERSION, modelVersion).register(registry).increment();
    }

    /** One dead letter. */
    public void deadLetter(DeadLetterReason reason, String kind) {
        Counter.builder(MetricNames.DEAD_LETTERS).tags(MetricNames.REASON, reason.name(), MetricNames.RECORD_KIND, kind)
                .register(registry).increment();
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
            Timer.builder(MetricNames.EVENT_LAG).tags(MetricNames.RECORD_KIND, kind)
                    .publishPercentileHistogram().register(registry).record(Duration.ofMillis(lag));
        }
    }

    /** The model and threshold now in force. */
    public void modelInUse(String modelId, String modelVersion, String score, double threshold) {
        String key = score + "|" + modelVersion;
        thresholds.computeIfAbsent(key, k -> {
            AtomicReference<Double> ref = new AtomicReference<>(threshold);
            Gauge.builder(MetricNames.THRESHOLD, ref, r -> r.get())
                    .tags(Tags.of(MetricNames.SCORE_TAG, score, MetricNames.MODEL_VERSION, modelVersion)).register(registry);
            return ref;
        }).set(threshold);
        List<String> stale = new ArrayList<>(modelInfo.keySet());
        for (String k : stale) {
            modelInfo.get(k).set(0.0);
        }
        modelInfo.computeIfAbsent(modelId + "|" + modelVersion, k -> {
            AtomicReference<Double> ref = new AtomicReference<>(1.0);
            Gauge.builder(MetricNames.MODEL_INFO, ref, r -> r.get())
                    .tags(MetricNames.MODEL_ID, modelId, MetricNames.MODEL_VERSION, modelVersion).register(registry);
            return ref;
        }).set(1.0);
    }

    /** A retraining run on data judged normal ended: {@code trained}, {@code failed} or {@code timed_out}. */
    public void retrain(String outcome) {
        Counter.builder(MetricNames.RETRAINS).tags(MetricNames.OUTCOME, outcome).register(registry).increment();
    }

    /** A model swap attempt. */
    public void swap(String outcome, String modelVersion) {
        Counter.builder(MetricNames.MODEL_SWAPS).tags(MetricNames.OUTCOME, outcome, MetricNames.MODEL_VERSION, modelVersion)
                .register(registry).increment();
    }

    private static double[] scoreBuckets() {
        double[] positive = {0.01, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 1e4};
        double[] all = new double[positive.length * 2 + 1];
        for (int i = 0; i < positive.length; i++) {
            all[i] = -positive[positive.length - 1 - i];
            all[positive.length + 1 + i] = positive[i];
        }
        all[positive.length] = 0;
        return all;
    }
}
