package io.energysentinel.contract.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.energysentinel.contract.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history the trainer and the job both compute, worked by hand, and how a manifest carries it. */
class SourceHistoryTest {
    private final SourceHistory history = new SourceHistory(0.5, 2);

    @Test
    void deviationsFollowTheMovingAverageAndRunsCountUnchangedValuesUpToTheCap() {
        float[] first = {4f, 1f};
        double[] state = SourceHistory.start(first);
        assertThat(history.widen(first, state)).as("a first event: no deviation, no run").containsExactly(4f, 1f, 0f, 0f, 0f, 0f);
        // The average was 4 (and 1); now 8 is 4 above it, and 1 has not changed once.
        assertThat(history.widen(new float[] {8f, 1f}, state)).containsExactly(8f, 1f, 4f, 0f, 0f, 1f);
        // The average moved half way, to 6: 6 deviates by 0 and resets its run; 1 is now unchanged twice.
        assertThat(history.widen(new float[] {6f, 1f}, state)).containsExactly(6f, 1f, 0f, 0f, 0f, 2f);
        assertThat(history.widen(new float[] {6f, 1f}, state)).as("runs stop at the cap").containsExactly(6f, 1f, 0f, 0f, 1f, 2f);
    }

    @Test
    void aStateForOtherMetricsIsRefused() {
        assertThatThrownBy(() -> history.widen(new float[] {1f}, SourceHistory.start(new float[] {1f, 2f})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2 metrics");
    }

    @Test
    void namesAreTheMetricsThenTheirDeviationsThenTheirRunsAndOnlyThoseAreTakenBack() {
        List<String> widened = SourceHistory.widenedNames(List.of("cpu", "mem"));
        assertThat(widened).containsExactly("cpu", "mem", "dev_cpu", "dev_mem", "still_cpu", "still_mem");
        assertThat(SourceHistory.recordNames(widened)).containsExactly("cpu", "mem");
        assertThatThrownBy(() -> SourceHistory.recordNames(List.of("cpu", "dev_mem", "still_cpu")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dev_ and still_");
        assertThatThrownBy(() -> new SourceHistory(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceHistory(0.1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aManifestInputCarriesItsHistoryAndARecordCarriesOnlyTheMetrics() throws Exception {
        InputSpec spec = new InputSpec("x", List.of(6), "float32", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                SourceHistory.widenedNames(List.of("cpu", "mem")), Normalization.identity(), SourceHistory.DEFAULT);
        InputSpec read = Json.compact().readValue(Json.compact().writeValueAsString(spec), InputSpec.class);
        assertThat(read.history()).isEqualTo(SourceHistory.DEFAULT);
        assertThat(read.recordFeatureNames()).containsExactly("cpu", "mem");
        InputValidator validator = new InputValidator(read);
        assertThat(validator.checkRecord(new float[] {1f, 2f}).ok()).isTrue();
        assertThat(validator.check(new float[] {1f, 2f}).ok()).as("the model itself takes the widened vector").isFalse();
        assertThat(validator.check(new float[] {1f, 2f, 0f, 0f, 0f, 0f}).ok()).isTrue();
        // A bundle written before history existed reads as a model of single records.
        String legacy = "{\"name\":\"x\",\"shape\":[2],\"dtype\":\"float32\",\"min\":0,\"max\":1,\"featureNames\":[\"cpu\",\"mem\"]}";
        InputSpec old = Json.compact().readValue(legacy, InputSpec.class);
        assertThat(old.history()).isNull();
        assertThat(old.recordFeatureNames()).containsExactly("cpu", "mem");
        assertThatThrownBy(() -> new InputSpec("x", List.of(2), "float32", 0, 1, List.of("cpu", "mem"), null, SourceHistory.DEFAULT))
                .as("history needs the widened names").isInstanceOf(IllegalArgumentException.class);
    }
}
