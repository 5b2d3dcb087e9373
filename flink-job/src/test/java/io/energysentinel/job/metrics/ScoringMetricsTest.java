package io.energysentinel.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScoringMetricsTest {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

    @AfterEach
    void close() {
        ScoringMetrics.forget(registry);
        registry.close();
    }

    @Test
    void sourcesOverTheCapShareOneSeriesWhateverProducersSend() {
        ScoringMetrics metrics = ScoringMetrics.of(registry, 3);
        for (int i = 0; i < 1000; i++) {
            metrics.score("host-" + i, "energy", "v1", 1.0);
            metrics.alert("host-" + i, "energy", "v1");
        }
        String scrape = registry.scrape();
        assertThat(scrape.lines().filter(l -> l.startsWith("energysentinel_score_count{"))).hasSize(4)
                .anySatisfy(l -> assertThat(l).contains("source=\"other\"").endsWith(" 997"));
        assertThat(scrape.lines().filter(l -> l.startsWith("energysentinel_alerts_total{"))).hasSize(4);
    }

    @Test
    void aBatchMetersEveryScoreAndLagWithinTheSameSourceCap() {
        ScoringMetrics metrics = ScoringMetrics.of(registry, 3);
        long now = System.currentTimeMillis();
        ScoringMetrics.BatchScores batch = metrics.batchScores("event", "energy", "v1");
        for (int i = 0; i < 1000; i++) {
            batch.record("host-" + (i % 10), 1.0, now - 1000);
        }
        batch = metrics.batchScores("event", "energy", "v1");
        batch.record("host-0", 2.0, now - 1000);
        String scrape = registry.scrape();
        assertThat(scrape.lines().filter(l -> l.startsWith("energysentinel_score_count{"))).hasSize(4)
                .anySatisfy(l -> assertThat(l).contains("source=\"other\"").endsWith(" 700"))
                .anySatisfy(l -> assertThat(l).contains("source=\"host-0\"").endsWith(" 101"));
        assertThat(scrape).contains("energysentinel_event_lag_seconds_count{record_kind=\"event\"} 1001");
    }

    @Test
    void theSeriesOfARetiredModelVersionGoWhenNoSubtaskServesIt() {
        ScoringMetrics metrics = ScoringMetrics.of(registry, 10);
        metrics.modelInUse("m", "v1", "energy", 1.5);
        metrics.modelInUse("m", "v1", "energy", 1.5);
        metrics.score("host-1", "energy", "v1", 2.0);
        metrics.alert("host-1", "energy", "v1");
        metrics.modelInUse("m", "v2", "energy", 1.7);
        metrics.modelRetired("v1");
        assertThat(registry.scrape()).as("one subtask still serves v1").contains("model_version=\"v1\"");
        metrics.modelRetired("v1");
        String scrape = registry.scrape();
        assertThat(scrape).doesNotContain("model_version=\"v1\"").contains("energysentinel_threshold{model_version=\"v2\"");
    }

    @Test
    void countersAnAlertRuleWatchesExistAtZeroBeforeTheirFirstEvent() {
        ScoringMetrics.of(registry, 10);
        String scrape = registry.scrape();
        assertThat(scrape).contains("energysentinel_dead_letters_total{reason=\"UNPARSEABLE\",record_kind=\"event\"} 0.0");
        assertThat(scrape).contains("energysentinel_model_swaps_total{outcome=\"refused\",reason=\"HASH_MISMATCH\"} 0.0");
    }

    @Test
    void eventLagBucketsReachAnHour() {
        ScoringMetrics.of(registry, 10).lag("event", System.currentTimeMillis() - 439_000);
        assertThat(registry.scrape()).contains("energysentinel_event_lag_seconds_bucket{record_kind=\"event\",le=\"3600.0\"} 1");
    }
}
