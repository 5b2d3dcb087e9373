package io.energysentinel.job.functions;

import java.io.Serializable;

/**
 * Hysteresis over one source's scores: an episode opens on the first score above the threshold and
 * closes only after {@code quietRecords} consecutive scores at or below it, so one anomalous episode gives
 * one alert, not one per record.
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
     * A source's state; {@code null} means no open episode.
     *
     * @param quietSoFar consecutive normal records seen inside the open episode
     */
    public record Episode(int quietSoFar) implements Serializable {}

    /** What one score does to the state. */
    public record Step(Episode next, boolean alert) {}

    /** Applies one score to {@code current} (null when no episode is open). */
    public Step observe(Episode current, double score, double threshold) {
        boolean anomalous = score > threshold;
        if (current == null) {
            return anomalous ? new Step(new Episode(0), true) : new Step(null, false);
        }
        if (anomalous) {
            return new Step(new Episode(0), false);
        }
        int quiet = current.quietSoFar() + 1;
        return new Step(quiet >= quietRecords ? null : new Episode(quiet), false);
    }
}
