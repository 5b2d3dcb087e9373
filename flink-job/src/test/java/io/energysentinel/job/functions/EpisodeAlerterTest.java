package io.energysentinel.job.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.energysentinel.contract.records.Alert;
import io.energysentinel.contract.records.AlertPhase;
import io.energysentinel.contract.records.ScoredRecord;
import io.energysentinel.job.config.ScoringJobConfig;
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
                new KeyedProcessOperator<>(new EpisodeAlerter(config("PT10M"))), ScoredRecord::source, Types.STRING)) {
            harness.open();
            harness.processElement(scored("a1", "host-a", BEGINNING, 5.0), BEGINNING);
            harness.processElement(scored("b1", "host-b", BEGINNING, 0.1), BEGINNING);
            harness.processElement(scored("a2", "host-a", ONE_MINUTE_LATER, 7.0), ONE_MINUTE_LATER);
            harness.processElement(scored("b2", "host-b", ONE_MINUTE_LATER, 9.0), ONE_MINUTE_LATER);
            assertThat(harness.numKeyedStateEntries()).as("an episode and its expiry per source").isEqualTo(4);
            harness.processElement(scored("a3", "host-a", TWO_MINUTES_LATER, 0.2), TWO_MINUTES_LATER);
            harness.processElement(scored("a4", "host-a", THREE_MINUTES_LATER, 0.3), THREE_MINUTES_LATER);
            harness.processElement(scored("b3", "host-b", TWO_MINUTES_LATER, 0.2), TWO_MINUTES_LATER);
            harness.processElement(scored("b4", "host-b", THREE_MINUTES_LATER, 0.1), THREE_MINUTES_LATER);

            List<Alert> lifecycle = harness.extractOutputValues();
            assertThat(lifecycle).extracting(Alert::recordId, Alert::phase, Alert::alertId).containsExactly(
                    tuple("a1", AlertPhase.OPENED, "host-a@" + BEGINNING),
                    tuple("a2", AlertPhase.PEAK, "host-a@" + BEGINNING),
                    tuple("b2", AlertPhase.OPENED, "host-b@" + ONE_MINUTE_LATER),
                    tuple("a4", AlertPhase.CLOSED, "host-a@" + BEGINNING),
                    tuple("b4", AlertPhase.CLOSED, "host-b@" + ONE_MINUTE_LATER));
            List<Alert> alerts = lifecycle.stream().filter(Alert::opensEpisode).toList();
            assertThat(alerts.get(0).margin()).isEqualTo(4.0);
            assertThat(alerts.get(1).threshold()).isEqualTo(1.0);
            assertThat(alerts.get(1).modelVersion()).isEqualTo("v1");
            assertThat(harness.numKeyedStateEntries()).as("closed episodes leave no state").isZero();
        }
        assertThat(MetricsEndpoint.scrape()).isEmpty();
    }

    @Test
    void anEpisodeOfASourceThatWentSilentExpiresSoItsNextAnomalyAlertsAgain() throws Exception {
        long fiveMinutes = 5 * 60_000L;
        try (var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new EpisodeAlerter(config("PT5M"))), ScoredRecord::source, Types.STRING)) {
            harness.open();
            harness.setProcessingTime(BEGINNING);
            harness.processElement(scored("a1", "host-a", BEGINNING, 5.0), BEGINNING);
            harness.processElement(scored("b1", "host-b", BEGINNING, 0.1), BEGINNING);
            assertThat(harness.numKeyedStateEntries()).as("host-a's episode and its expiry").isEqualTo(2);
            // Other sources move event time on past host-a's last record plus the timeout: that alone closes nothing (in a
            // backlog they run ahead of host-a's records still in flight).
            harness.processWatermark(BEGINNING + fiveMinutes + 1);
            assertThat(harness.numKeyedStateEntries()).as("still open after other sources' event time moved on").isEqualTo(2);
            // host-a's own next record comes after the timeout: its episode ended before it, and this one opens another.
            harness.processElement(scored("a2", "host-a", BEGINNING + fiveMinutes + 2, 6.0), BEGINNING + fiveMinutes + 2);
            // The whole stream goes quiet: processing time closes the episode all the same.
            harness.setProcessingTime(BEGINNING + 2 * fiveMinutes + 10);
            assertThat(harness.numKeyedStateEntries()).as("expired in processing time").isZero();
            harness.processElement(scored("a3", "host-a", BEGINNING + 3 * fiveMinutes, 7.0), BEGINNING + 3 * fiveMinutes);
            // The end of a bounded input closes what is still open.
            harness.processWatermark(Long.MAX_VALUE);
            assertThat(harness.numKeyedStateEntries()).as("closed at the end of the input").isZero();
            assertThat(harness.extractOutputValues()).extracting(Alert::recordId, Alert::phase).containsExactly(
                    tuple("a1", AlertPhase.OPENED), tuple("a1", AlertPhase.CLOSED),
                    tuple("a2", AlertPhase.OPENED), tuple("a2", AlertPhase.CLOSED),
                    tuple("a3", AlertPhase.OPENED), tuple("a3", AlertPhase.CLOSED));
        }
    }

    @Test
    void aRestoredAlerterContinuesOpenEpisodesWithoutAlertingAgain() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        try (var before = harness()) {
            before.open();
            before.processElement(scored("a1", "host-a", BEGINNING, 5.0), BEGINNING);
            before.processElement(scored("b1", "host-b", BEGINNING, 0.1), BEGINNING);
            assertThat(before.extractOutputValues()).extracting(Alert::recordId).containsExactly("a1");
            snapshot = before.snapshot(1, BEGINNING);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            // host-a's episode goes on (no second alert) and closes after 2 quiet records; host-b's first one alerts.
            restored.processElement(scored("a2", "host-a", ONE_MINUTE_LATER, 6.0), ONE_MINUTE_LATER);
            restored.processElement(scored("b2", "host-b", ONE_MINUTE_LATER, 7.0), ONE_MINUTE_LATER);
            restored.processElement(scored("a3", "host-a", TWO_MINUTES_LATER, 0.1), TWO_MINUTES_LATER);
            restored.processElement(scored("a4", "host-a", THREE_MINUTES_LATER, 0.1), THREE_MINUTES_LATER);
            restored.processElement(scored("a5", "host-a", THREE_MINUTES_LATER + 1, 9.0), THREE_MINUTES_LATER + 1);
            assertThat(restored.extractOutputValues()).extracting(Alert::recordId, Alert::phase).containsExactly(
                    tuple("a2", AlertPhase.PEAK), tuple("b2", AlertPhase.OPENED), tuple("a4", AlertPhase.CLOSED),
                    tuple("a5", AlertPhase.OPENED));
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ScoredRecord, Alert> harness() throws Exception {
        return new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new EpisodeAlerter(config("PT10M"))),
                ScoredRecord::source, Types.STRING);
    }

    private static ScoringJobConfig config(String idleTimeout) {
        return ScoringJobConfig.fromArgs("--bundle", "unused", "--quiet-records", "2", "--metrics-port", "0",
                "--episode-idle-timeout", idleTimeout);
    }

    private static ScoredRecord scored(String id, String source, long time, double value) {
        return new ScoredRecord(id, source, time, "energy", value, 1.0, value > 1.0, "events-mlp", "v1");
    }
}
