package io.energysentinel.contract.records;

/**
 * An out-of-distribution alert about an anomalous episode of one source: its opening record, each new peak, and its
 * close ({@link #phase()}).
 *
 * @param recordId id of the record behind this alert (for {@link AlertPhase#CLOSED}, the last record seen)
 * @param source the source the episode belongs to
 * @param eventTime event time of that record, epoch milliseconds; also the Kafka record's timestamp
 * @param score score id, e.g. {@code energy}
 * @param value the score's value
 * @param threshold the calibrated threshold it crossed
 * @param margin {@code value - threshold}, how far above the threshold
 * @param modelId model line that scored it
 * @param modelVersion bundle version that scored it
 * @param detectedAt processing time the alert was raised, epoch milliseconds
 * @param alertId deterministic id of the episode, {@link #idOf source and episode start}: the same after a replay or
 *     a restart, so consumers of the at-least-once alerts topic drop duplicates by it
 * @param phase where in the episode this alert was raised; {@code null} (from producers before phases) means
 *     {@link AlertPhase#OPENED}
 * @param topMetrics the metrics that raised that record's energy most, strongest first ({@link ScoredRecord#topMetrics});
 *     empty when the model does not explain its scores or the producer predates explanations
 */
public record Alert(
        String recordId, String source, long eventTime, String score, double value, double threshold,
        double margin, String modelId, String modelVersion, long detectedAt, String alertId, AlertPhase phase,
        java.util.List<String> topMetrics)
        implements java.io.Serializable {

    public Alert {
        topMetrics = TopMetrics.copy(topMetrics);
    }

    /** An alert without explanation. */
    public Alert(String recordId, String source, long eventTime, String score, double value, double threshold,
                 double margin, String modelId, String modelVersion, long detectedAt, String alertId, AlertPhase phase) {
        this(recordId, source, eventTime, score, value, threshold, margin, modelId, modelVersion, detectedAt, alertId, phase,
                null);
    }

    /** The id of the episode of {@code source} that opened with a record of event time {@code episodeStart}. */
    public static String idOf(String source, long episodeStart) {
        return source + "@" + episodeStart;
    }

    /** Whether this alert opened its episode (the page, as opposed to a peak update or the close). */
    public boolean opensEpisode() {
        return phase == null || phase == AlertPhase.OPENED;
    }
}
