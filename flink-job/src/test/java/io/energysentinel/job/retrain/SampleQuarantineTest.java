package io.energysentinel.job.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which records of a source may train a model: none near an episode, none in the band under the threshold. */
class SampleQuarantineTest {
    private static final int GUARD = 3;

    @Test
    void aQuietSourceReleasesEachSampleOnceGuardRecordsFollowedIt() {
        List<Float> released = feed(0.1, 0.2, 0.3, 0.4, 0.5);
        assertThat(released).containsExactly(0f, 1f);
    }

    @Test
    void anAlertDiscardsTheRunUpAndTheTailOfAnEpisode() {
        // Records 0..2 precede the alert at 3 within the guard; 4..6 are its tail; 7.. are clean again.
        List<Float> released = feed(0.1, 0.1, 0.1, 5.0, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1);
        assertThat(released).containsExactly(7f, 8f);
    }

    @Test
    void aSampleInTheMarginBandUnderTheThresholdIsNeverKept() {
        // Ceiling 0.8, threshold 1.0: 0.9 is below the threshold (no alert) but too close to train on.
        List<Float> released = feed(0.9, 0.1, 0.9, 0.1, 0.1, 0.1, 0.1, 0.1);
        assertThat(released).containsExactly(1f, 3f, 4f);
    }

    @Test
    void aSourceWhoseScoresRiseAboveItsOwnBaselineKeepsNothingUntilTheyComeBack() {
        SampleQuarantine q = SampleQuarantine.EMPTY;
        int released = 0;
        // Baseline: 100 records at relative score 0.1 (median 0, threshold 1).
        for (int i = 0; i < SampleQuarantine.BASELINE_RECORDS; i++) {
            q = q.offer(record(0.1, i), GUARD, 0.5).next();
        }
        // A slow drift: scores creep up to 0.75, never alerting, never in the band (ceiling 0.8).
        int drifting = 0;
        for (int i = 0; i < 300; i++) {
            SampleQuarantine.Step step = q.offer(record(0.1 + 0.65 * Math.min(1, i / 150.0), i), GUARD, 0.5);
            q = step.next();
            released += step.released().size();
            drifting += q.drifting(0.5) ? 1 : 0;
        }
        assertThat(drifting).as("records seen while flagged as drifting").isGreaterThan(100);
        assertThat(released).as("only the drift's early part, before it showed, was kept").isLessThan(180);
        // Back to normal: the average returns and samples flow again.
        int after = 0;
        for (int i = 0; i < 300; i++) {
            SampleQuarantine.Step step = q.offer(record(0.1, i), GUARD, 0.5);
            q = step.next();
            after += step.released().size();
        }
        assertThat(q.drifting(0.5)).isFalse();
        assertThat(after).isGreaterThan(200);
    }

    private static NormalSample record(double score, int i) {
        return new NormalSample("m", "u", "s", List.of("x"), new float[] {i}, score, 1.0, 0.8, 0.0, false);
    }

    /** Feeds records scoring {@code scores} (threshold 1.0, ceiling 0.8); each row's value is its index. */
    private static List<Float> feed(double... scores) {
        SampleQuarantine q = SampleQuarantine.EMPTY;
        List<Float> released = new ArrayList<>();
        for (int i = 0; i < scores.length; i++) {
            SampleQuarantine.Step step = q.offer(new NormalSample("m", "u", "s", List.of("x"), new float[] {i}, scores[i], 1.0, 0.8, 0.0, false), GUARD, 0.5);
            q = step.next();
            step.released().forEach(r -> released.add(r[0]));
            assertThat(q.held()).hasSizeLessThanOrEqualTo(GUARD);
        }
        return released;
    }
}
