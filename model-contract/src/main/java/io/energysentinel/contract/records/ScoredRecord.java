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
 * @param topMetrics the metrics that raised the energy most, strongest first (event models whose graph explains its
 *     energy; empty otherwise, and from producers before explanations)
 * @param shadow whether a candidate shadow-scored it beside the serving model (never alerted on)
 */
public record ScoredRecord(
        String recordId, String source, long eventTime, String score, double value, double threshold,
        boolean anomalous, String modelId, String modelVersion, java.util.List<String> topMetrics, boolean shadow)
        implements java.io.Serializable {

    public ScoredRecord {
        topMetrics = TopMetrics.copy(topMetrics);
    }

    /** A score of the serving model, without explanation. */
    public ScoredRecord(String recordId, String source, long eventTime, String score, double value, double threshold,
                        boolean anomalous, String modelId, String modelVersion) {
        this(recordId, source, eventTime, score, value, threshold, anomalous, modelId, modelVersion, null, false);
    }

    /** A score of the serving model. */
    public ScoredRecord(String recordId, String source, long eventTime, String score, double value, double threshold,
                        boolean anomalous, String modelId, String modelVersion, java.util.List<String> topMetrics) {
        this(recordId, source, eventTime, score, value, threshold, anomalous, modelId, modelVersion, topMetrics, false);
    }
}
