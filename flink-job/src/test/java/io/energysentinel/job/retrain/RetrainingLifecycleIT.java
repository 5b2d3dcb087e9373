package io.energysentinel.job.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Five retraining intervals with the job's own parts: what retraining may and may not learn. Run with
 * {@code -Denergysentinel.lifecycle=LEGACY} the same checks run against the retraining this replaced, and fail.
 */
class RetrainingLifecycleIT {
    static final RetrainingLifecycle.Strategy STRATEGY =
            RetrainingLifecycle.Strategy.valueOf(System.getProperty("energysentinel.lifecycle", "ANCHORED"));
    /** Latency of one source grows 0.1% an event: +125% over the five intervals. */
    static final double DRIFT = 0.001;

    @TempDir
    Path dir;

    @Test
    void aDriftSustainedAcrossFiveRetrainingsIsStillAlertedAtTheEnd() {
        List<RetrainingLifecycle.IntervalResult> results = new RetrainingLifecycle(dir, STRATEGY, DRIFT, 11).run(5);
        results.forEach(System.out::println);
        assertThat(results.get(4).driftAlertRate()).as("the drifting source's last 50 events of interval 5").isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void fiveRetrainingsOnCleanDataKeepTheFalsePositiveRateWithinHalfAPointOfTheTarget() {
        List<RetrainingLifecycle.IntervalResult> results = new RetrainingLifecycle(dir, STRATEGY, 0, 12).run(5);
        results.forEach(System.out::println);
        assertThat(results).allSatisfy(r -> assertThat(r.freshFpr()).as(r.toString()).isBetween(0.005, 0.015));
    }
}
