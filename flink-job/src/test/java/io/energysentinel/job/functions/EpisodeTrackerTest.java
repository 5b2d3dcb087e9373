package io.energysentinel.job.functions;

import io.energysentinel.contract.records.AlertPhase;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpisodeTrackerTest {
    private static final double THRESHOLD = 1.0;
    private final EpisodeTracker tracker = new EpisodeTracker(3);

    @Test
    void alertsOncePerEpisodeWhenScoreStaysAboveThreshold() {
        assertThat(alerts(0.5, 2, 3, 4, 5, 0.1)).containsExactly(false, true, false, false, false, false);
    }

    @Test
    void briefDipBelowThresholdDoesNotOpenASecondEpisode() {
        assertThat(alerts(2, 0.5, 0.5, 2, 0.5)).containsExactly(true, false, false, false, false);
    }

    @Test
    void quietRecordsCloseTheEpisodeSoTheNextOneAlertsAgain() {
        assertThat(alerts(2, 0.5, 0.5, 0.5, 2)).containsExactly(true, false, false, false, true);
    }

    @Test
    void scoreEqualToThresholdIsNormal() {
        assertThat(alerts(1.0, 1.0)).containsExactly(false, false);
    }

    @Test
    void anEpisodeReportsEachNewPeakAndItsClose() {
        List<AlertPhase> phases = new ArrayList<>();
        EpisodeTracker.Episode state = null;
        long t = 0;
        for (double s : new double[] {0.5, 2, 5, 3, 7, 0.5, 0.5, 0.5, 0.2}) {
            EpisodeTracker.Step step = tracker.observe(state, s, THRESHOLD, t++);
            state = step.next();
            phases.add(step.phase());
            if (step.phase() != null) {
                assertThat(step.episodeStart()).as("every phase names the episode's start").isEqualTo(1);
            }
        }
        assertThat(phases).containsExactly(null, AlertPhase.OPENED, AlertPhase.PEAK, null, AlertPhase.PEAK, null, null,
                AlertPhase.CLOSED, null);
    }

    private List<Boolean> alerts(double... scores) {
        List<Boolean> out = new ArrayList<>();
        EpisodeTracker.Episode state = null;
        for (double s : scores) {
            EpisodeTracker.Step step = tracker.observe(state, s, THRESHOLD, 0);
            state = step.next();
            out.add(step.alert());
        }
        return out;
    }
}
