package io.energysentinel.job.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five retraining intervals with the job's own parts ({@link RetrainingLifecycle}): what retraining may and may not
 * learn. Run with {@code -Denergysentinel.lifecycle=LEGACY} the same checks run against the retraining this replaced,
 * and fail (drift alerted 0% at the end, FPR ratcheting to 7%); {@code NONE} shows the first model left alone.
 * {@code -Denergysentinel.lifecycle.seed=N} runs other streams than the two the settings were chosen on (11, 12).
 */
class RetrainingLifecycleIT {
    static final RetrainingLifecycle.Strategy STRATEGY =
            RetrainingLifecycle.Strategy.valueOf(System.getProperty("energysentinel.lifecycle", "ANCHORED"));
    static final long SEED = Long.getLong("energysentinel.lifecycle.seed", 11);
    /** Latency of one source grows 0.15% an event from the first interval on: x2.9 by the end of the fifth. */
    static final double DRIFT = 0.0015;
    private static final double TARGET_FPR = 0.01;

    @TempDir
    Path dir;

    @Test
    void aDriftSustainedAcrossFiveRetrainingsIsStillAlertedAtTheEnd() {
        List<RetrainingLifecycle.IntervalResult> results = new RetrainingLifecycle(dir, STRATEGY, DRIFT, SEED).run(5);
        results.forEach(System.out::println);
        RetrainingLifecycle.IntervalResult last = results.get(4);
        assertThat(last.firstModelDriftAlertRate()).as("the drift is visible to the line's first model").isGreaterThanOrEqualTo(0.5);
        // Retraining may cost a little of what the first model catches, never most of it (the retraining this replaced: all).
        assertThat(last.driftAlertRate()).as("the drifting source's last 50 events of interval 5")
                .isGreaterThanOrEqualTo(0.8 * last.firstModelDriftAlertRate());
    }

    /**
     * Each version's threshold is a 1% quantile of 1,600 reference rows: its FPR on other data has a binomial standard
     * error of 0.25 points, and training is not bit-reproducible here, so a single run holds each version to +/- 0.75
     * points (3 standard errors) and the last to at most half a point above the first retrained one: no ratchet. (The
     * retraining this replaced went 0.8% -> 6.2%.)
     */
    @Test
    void fiveRetrainingsOnCleanDataKeepTheFalsePositiveRateNearTheTargetWithoutRatchet() {
        List<RetrainingLifecycle.IntervalResult> results = new RetrainingLifecycle(dir, STRATEGY, 0, SEED + 1).run(5);
        results.forEach(System.out::println);
        // v0 is the first model, trained offline; what matters here is every version retraining promoted after it.
        List<RetrainingLifecycle.IntervalResult> retrained = results.stream().filter(r -> !r.servingVersion().equals("v0")).toList();
        assertThat(retrained.stream().map(RetrainingLifecycle.IntervalResult::servingVersion).distinct()).as("versions promoted")
                .hasSizeGreaterThanOrEqualTo(2);
        assertThat(retrained).allSatisfy(r -> assertThat(r.freshFpr()).as(r.toString()).isBetween(TARGET_FPR - 0.0075, TARGET_FPR + 0.0075));
        assertThat(retrained.get(retrained.size() - 1).freshFpr()).as("the last version against the first retrained one")
                .isLessThanOrEqualTo(retrained.get(0).freshFpr() + 0.005);
    }
}
