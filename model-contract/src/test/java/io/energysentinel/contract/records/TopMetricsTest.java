package io.energysentinel.contract.records;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopMetricsTest {
    private static final List<String> NAMES = List.of("cpu", "latency", "errors", "memory", "queue");

    @Test
    void ranksPositiveContributionsStrongestFirstAndNamesAtMostThree() {
        assertThat(TopMetrics.rank(NAMES, new float[] {0.5f, 3f, -1f, 2f, 0.7f})).containsExactly("latency", "memory", "queue");
    }

    @Test
    void aMetricWhoseResetWouldNotLowerTheEnergyExplainsNothing() {
        assertThat(TopMetrics.rank(NAMES, new float[] {-0.5f, 0f, -1f, 0f, 0f})).isEmpty();
    }

    @Test
    void alertsWithTopMetricsSurviveJsonAndOldAlertsWithoutThemReadAsNone() throws Exception {
        Alert alert = new Alert("r", "host-1", 5, "energy", 3, 1, 2, "m", "v1", 6, Alert.idOf("host-1", 5), AlertPhase.OPENED,
                List.of("cpu", "queue"));
        assertThat(Json.mapper().readValue(Json.compact().writeValueAsString(alert), Alert.class)).isEqualTo(alert);
        String old = "{\"recordId\":\"r\",\"source\":\"host-1\",\"eventTime\":5,\"score\":\"energy\",\"value\":3.0,"
                + "\"threshold\":1.0,\"margin\":2.0,\"modelId\":\"m\",\"modelVersion\":\"v1\",\"detectedAt\":6,"
                + "\"alertId\":\"host-1@5\",\"phase\":\"OPENED\"}";
        assertThat(Json.mapper().readValue(old, Alert.class).topMetrics()).isEmpty();
        ScoredRecord scored = new ScoredRecord("r", "host-1", 5, "energy", 3, 1, true, "m", "v1", List.of("cpu"));
        assertThat(Json.mapper().readValue(Json.compact().writeValueAsString(scored), ScoredRecord.class)).isEqualTo(scored);
    }
}
