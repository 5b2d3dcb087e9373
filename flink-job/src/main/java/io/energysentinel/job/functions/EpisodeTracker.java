package io.energysentinel.job.functions;

import io.energysentinel.contract.records.AlertPhase;
import java.io.Serializable;

/**
 * Hysteresis over one source's scores: an episode opens on the first score above the threshold and closes only
 * after {@code quietRecords} consecutive scores at or below it, so one anomalous episode is one incident, not one
 * per record. Along the way it reports each new peak, so whoever tracks the incident sees its worst record.
 */
public final class EpisodeTracker {
    private final int quietRecords;

    /** A tracker closing episodes after {@code quietRecords} normal records in a row. */
    public EpisodeTracker(int quietRecords) {
        if (quietRecords < 1) {
            throw new IllegalArgumentException("quietRecords must be >= 1");
        }
        this.quietRecords = quietRecords;
    }

    /**
     * A source's open episode; {@code null} means none.
     *
     * @param quietSoFar consecutive normal records seen inside the open episode
     * @param peak highest score of the episode so far
     * @param start event time of the record that opened it
     */
    public record Episode(int quietSoFar, double peak, long start) implements Serializable {}

    /**
     * What one score does to the state.
     *
     * @param next the state after it ({@code null}: no open episode)
     * @param phase the alert it raises, or {@code null} for none
     * @param episodeStart event time the episode (open, or just closed) started at
     */
    public record Step(Episode next, AlertPhase phase, long episodeStart) {
        /** Whether this score opened an episode. */
        public boolean alert() {
            return phase == AlertPhase.OPENED;
        }
    }

    /** Applies one score at {@code eventTime} to {@code current} (null when no episode is open). */
    public Step observe(Episode current, double score, double threshold, long eventTime) {
        boolean anomalous = score > threshold;
        if (current == null) {
            return anomalous ? new Step(new Episode(0, score, eventTime), AlertPhase.OPENED, eventTime) : new Step(null, null, 0);
        }
        if (anomalous) {
            boolean peak = score > current.peak();
            return new Step(new Episode(0, Math.max(score, current.peak()), current.start()), peak ? AlertPhase.PEAK : null,
                    current.start());
        }
        int quiet = current.quietSoFar() + 1;
        if (quiet >= quietRecords) {
            return new Step(null, AlertPhase.CLOSED, current.start());
        }
        return new Step(new Episode(quiet, current.peak(), current.start()), null, current.start());
    }
}
