package io.energysentinel.contract.records;

/**
 * An out-of-distribution alert: the first record of an anomalous episode of one source.
 *
 * @param recordId id of the record that opened the episode
 * @param source the source the episode belongs to
 * @param eventTime event time of that record, epoch milliseconds
 * @param score score id, e.g. {@code energy}
 * @param value the score's value
 * @param threshold the calibrated threshold it crossed
 * @param margin {@code value - threshold}, how far above the threshold
 * @param modelId model line that scored it
 * @param modelVersion bundle version that scored it
 * @param detectedAt processing time the alert was raised, epoch milliseconds
 * @param alertId deterministic id of the episode, {@link #idOf source and episode start}: the same after a replay or
 *     a restart, so consumers of the at-least-once alerts topic drop duplicates by it
 */
public record Alert(
        String recordId, String source, long eventTime, String score, double value, double threshold,
        double margin, String modelId, String modelVersion, long detectedAt, String alertId) implements java.io.Serializable {

    /** The id of the episode of {@code source} that opened with a record of event time {@code episodeStart}. */
    public static String idOf(String source, long episodeStart) {
        return source + "@" + episodeStart;
    }
}
