package io.energysentinel.job.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.job.model.ModelEvent;
import io.energysentinel.testing.DeployedQueries;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** deploy/'s rules and dashboards query only metrics the scoring job exports, by their exported names. */
class DeployedJobMetricsTest {
    @Test
    void everyJobMetricTheRulesAndDashboardsQueryIsExported() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            ScoringMetrics metrics = ScoringMetrics.of(registry, 100);
            metrics.modelInUse("m", "v1", "energy", 1.5);
            metrics.score("host-1", "energy", "v1", 2.0);
            metrics.alert("host-1", "energy", "v1");
            metrics.deadLetter(DeadLetterReason.UNPARSEABLE, "event");
            metrics.batch("event", "CPU", "v1", 8, Duration.ofMillis(2));
            metrics.lag("event", System.currentTimeMillis() - 100);
            metrics.swap(ModelEvent.REFUSED, "HASH_MISMATCH");

            Set<String> queried = DeployedQueries.metricNames("energysentinel_");
            queried.removeIf(name -> name.startsWith("energysentinel_incidents"));
            assertThat(queried).isNotEmpty();
            assertThat(DeployedQueries.exported(registry.scrape())).containsAll(queried);
        } finally {
            ScoringMetrics.forget(registry);
            registry.close();
        }
    }
}
