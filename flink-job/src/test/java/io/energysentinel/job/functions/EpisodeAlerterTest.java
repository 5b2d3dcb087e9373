package io.energysentinel.job.functions;

import static org.assertj.core.api.Assertions.assertThat;

import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.metrics.MetricsEndpoint;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class EpisodeAlerterTest {
    private static final long BEGINNING = 1_000L;
    private static final long ONE_MINUTE_LATER = BEGINNING + 60_000;
    private static final long TWO_MINUTES_LATER = BEGINNING + 120_000;
    private static final long THREE_MINUTES_LATER = BEGINNING + 180_000;

    @Test
    void alertsOncePerSourceEpisodeAndClearsStateWhenItCloses() throws Exception {
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EpisodeAlerter(2, 0)), ScoredRecord::source, Types.STRING)) {
            harness.open();
            harness.processElement(scored("a1", "host-a", BEGINNING, 5.0), BEGINNING);
            harness.processElement(scored("b1", "host-b", BEGINNING, 0.1), BEGINNING);
            harness.processElement(scored("a2", "host-a", ONE_MINUTE_LATER, 7.0), ONE_MINUTE_LATER);
            harness.processElement(scored("b2", "host-b", ONE_MINUTE_LATER, 9.0), ONE_MINUTE_LATER);
            assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
            harness.processElement(scored("a3", "host-a", TWO_MINUTES_LATER, 0.2), TWO_MINUTES_LATER);
            harness.processElement(scored("a4", "host-a", THREE_MINUTES_LATER, 0.3), THREE_MINUTES_LATER);
            harness.processElement(scored("b3", "host-b", TWO_MINUTES_LATER, 0.2), TWO_MINUTES_LATER);
            harness.processElement(scored("b4", "host-b", THREE_MINUTES_LATER, 0.1), THREE_MINUTES_LATER);

            List<Alert> alerts = harness.extractOutputValues();
            assertThat(alerts).extracting(Alert::recordId).containsExactly("a1", "b2");
            assertThat(alerts.get(0).margin()).isEqualTo(4.0);
            assertThat(alerts.get(1).threshold()).isEqualTo(1.0);
            assertThat(alerts.get(1).modelVersion()).isEqualTo("v1");
            assertThat(harness.numKeyedStateEntries()).as("closed episodes leave no state").isZero();
        }
        assertThat(MetricsEndpoint.scrape()).isEmpty();
    }

    private static ScoredRecord scored(String id, String source, long time, double value) {
        return new ScoredRecord(id, source, time, "energy", value, 1.0, value > 1.0, "events-mlp", "v1");
    }
}
