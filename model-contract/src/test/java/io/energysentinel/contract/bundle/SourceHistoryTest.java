package io.energysentinel.contract.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.energysentinel.contract.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The history the trainer and the job both compute, worked by hand, and how a manifest carries it. */
class SourceHistoryTest {
    /** Scales wide enough that no step below is clipped. */
    private final SourceHistory history = new SourceHistory(0.5, 2, 4, List.of(10.0, 10.0));

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
    void oneHostileValueShowsInFullButMovesTheAverageByAtMostAlphaTimesClipTimesScale() {
        SourceHistory clipped = new SourceHistory(0.02, 10, 4, List.of(1.0));
        double[] state = SourceHistory.start(new float[] {50f});
        for (int i = 0; i < 100; i++) {
            clipped.widen(new float[] {50f + (i % 2)}, state);
        }
        assertThat(clipped.widen(new float[] {1e36f}, state)[1]).as("its own deviation is not clipped").isEqualTo(1e36f, within(1e30f));
        // The average moved by 0.02 x 4 x 1 = 0.08, not by 2e34: the next normal events deviate as little as before.
        float[] after = clipped.widen(new float[] {50.5f}, state);
        assertThat((double) Math.abs(after[1])).isLessThan(0.6);
        SourceHistory plain = new SourceHistory(0.02, 10, 1e300, List.of(1.0));
        double[] plainState = SourceHistory.start(new float[] {50f});
        plain.widen(new float[] {1e36f}, plainState);
        assertThat((double) Math.abs(plain.widen(new float[] {50.5f}, plainState)[1])).as("unclipped, one value poisons the baseline")
                .isGreaterThan(1e33);
    }

    /**
     * The trainer's history (ALPHA, CLIP): an anomaly episode leaves the baseline nearly where it was, so the normal events
     * after it are not flagged for it; a change that lasts is still taken in, within a few hundred events. With a clip
     * of 4 the 30 events of the episode moved the average by 1.36 scales, and the next normal events deviated by as much
     * (in the events demo 24% to 31% of the 20 normal events after an episode were flagged).
     */
    @Test
    void anEpisodeBendsTheBaselineLittleAndALastingChangeIsTakenIn() {
        SourceHistory trainers = new SourceHistory(SourceHistory.ALPHA, SourceHistory.STILL_CAP, SourceHistory.CLIP, List.of(1.0));
        double[] state = SourceHistory.start(new float[] {0f});
        for (int i = 0; i < 30; i++) {
            trainers.widen(new float[] {3f}, state);
        }
        assertThat((double) trainers.widen(new float[] {0f}, state)[1]).as("deviation of the first normal event after the episode")
                .isBetween(-0.5, 0.0);
        for (int i = 0; i < 300; i++) {
            trainers.widen(new float[] {3f}, state);
        }
        assertThat((double) trainers.widen(new float[] {3f}, state)[1]).as("deviation after 300 events at the new level").isLessThan(0.5);
    }

    @Test
    void scalesAreEachColumnsSpreadAndAConstantColumnStillGetsOne() {
        SourceHistory fitted = SourceHistory.fittedTo(new float[][] {{1f, 5f}, {3f, 5f}});
        assertThat(fitted.scales().get(0)).isEqualTo(Math.sqrt(2), within(1e-9));
        assertThat(fitted.scales().get(1)).isEqualTo(5e-6, within(1e-12));
        assertThat(fitted.alpha()).isEqualTo(SourceHistory.ALPHA);
        assertThatThrownBy(() -> new SourceHistory(0.02, 10, 4, List.of(0.0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStateForOtherMetricsIsRefused() {
        assertThatThrownBy(() -> history.widen(new float[] {1f}, SourceHistory.start(new float[] {1f, 2f})))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the event has 1");
    }

    @Test
    void namesAreTheMetricsThenTheirDeviationsThenTheirRunsAndOnlyThoseAreTakenBack() {
        List<String> widened = SourceHistory.widenedNames(List.of("cpu", "mem"));
        assertThat(widened).containsExactly("cpu", "mem", "dev_cpu", "dev_mem", "still_cpu", "still_mem");
        assertThat(SourceHistory.recordNames(widened)).containsExactly("cpu", "mem");
        assertThatThrownBy(() -> SourceHistory.recordNames(List.of("cpu", "dev_mem", "still_cpu")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("dev_ and still_");
        assertThatThrownBy(() -> new SourceHistory(0, 10, 4, List.of(1.0))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourceHistory(0.1, 0, 4, List.of(1.0))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aManifestInputCarriesItsHistoryAndARecordCarriesOnlyTheMetrics() throws Exception {
        SourceHistory history = SourceHistory.fittedTo(new float[][] {{1f, 2f}, {3f, 5f}});
        InputSpec spec = new InputSpec("x", List.of(6), "float32", Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY,
                SourceHistory.widenedNames(List.of("cpu", "mem")), Normalization.identity(), history);
        InputSpec read = Json.compact().readValue(Json.compact().writeValueAsString(spec), InputSpec.class);
        assertThat(read.history()).isEqualTo(history);
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
        assertThatThrownBy(() -> new InputSpec("x", List.of(2), "float32", 0, 1, List.of("cpu", "mem"), null, history))
                .as("history needs the widened names").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new InputSpec("x", List.of(6), "float32", 0, 1, SourceHistory.widenedNames(List.of("cpu", "mem")),
                null, new SourceHistory(0.02, 10, 4, List.of(1.0)))).as("a scale per metric")
                .isInstanceOf(IllegalArgumentException.class).hasMessage("history has 1 scales for 2 metrics");
    }
}
