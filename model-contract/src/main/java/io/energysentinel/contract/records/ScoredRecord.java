package io.energysentinel.contract.records;

/**
 * One record's score, for the optional scores topic that feeds dashboards.
 *
 * @param recordId id of the scored record
 * @param source its source
 * @param eventTime its event time, epoch milliseconds
 * @param score score id
 * @param value score value
 * @param threshold threshold in force
 * @param anomalous whether {@code value > threshold}
 * @param modelId model line that scored it
 * @param modelVersion bundle version that scored it
 * @param shadow whether a candidate shadow-scored it beside the serving model (never alerted on)
 */
public record ScoredRecord(
        String recordId, String source, long eventTime, String score, double value, double threshold,
        boolean anomalous, String modelId, String modelVersion, boolean shadow) implements java.io.Serializable {
    /** A score of the serving model. */
    public ScoredRecord(String recordId, String source, long eventTime, String score, double value, double threshold,
                        boolean anomalous, String modelId, String modelVersion) {
        this(recordId, source, eventTime, score, value, threshold, anomalous, modelId, modelVersion, false);
    }
}
