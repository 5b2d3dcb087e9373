package io.energysentinel.contract;

/**
 * Micrometer meter names and tag keys the scoring job publishes, and the dashboards and alert rules read.
 *
 * <p>Micrometer's Prometheus naming turns dots into underscores and adds unit and type suffixes, so
 * {@link #SCORE} is scraped as {@code energysentinel_score_bucket}/{@code _sum}/{@code _count} and
 * {@link #ALERTS} as {@code energysentinel_alerts_total}.
 */
public final class MetricNames {
    /** Histogram (real Prometheus buckets) of score values; tags {@link #SOURCE}, {@link #SCORE_TAG}, {@link #MODEL_VERSION}. */
    public static final String SCORE = "energysentinel.score";
    /** Counter of alerts raised; tags source, score, model_version. */
    public static final String ALERTS = "energysentinel.alerts";
    /** Counter of records scored; tags {@link #RECORD_KIND}, model_version. */
    public static final String RECORDS_SCORED = "energysentinel.records.scored";
    /** Counter of dead-lettered records; tags {@link #REASON}, record_kind. */
    public static final String DEAD_LETTERS = "energysentinel.dead.letters";
    /** Histogram of micro-batch sizes handed to ONNX Runtime; tag record_kind. */
    public static final String BATCH_SIZE = "energysentinel.batch.size";
    /** Timer (histogram) of ONNX Runtime time per micro-batch; tags record_kind, provider. */
    public static final String SCORING_LATENCY = "energysentinel.scoring.latency";
    /** Timer (histogram) of event time to alert/score emission, the end-to-end lag; tag record_kind. */
    public static final String EVENT_LAG = "energysentinel.event.lag";
    /** Gauge of the threshold in force; tags score, model_version. */
    public static final String THRESHOLD = "energysentinel.threshold";
    /** Gauge, 1 for the model version in use; tags model_id, model_version. */
    public static final String MODEL_INFO = "energysentinel.model.info";
    /**
     * Counter of model swap attempts; tags {@link #OUTCOME} (accepted, refused, restored) and {@link #REASON} (the
     * refusal's reason, {@code none} otherwise). Every combination is registered at zero at start-up, so
     * {@code increase()} sees the first refusal.
     */
    public static final String MODEL_SWAPS = "energysentinel.model.swaps";
    /** Counter of open episodes closed because their source went silent. */
    public static final String EPISODES_EXPIRED = "energysentinel.episodes.expired";
    /**
     * Counter of event sources whose history (the baseline a history model measures them against) started afresh: seen
     * for the first time, or silent longer than the history's time to live. A steady rate means producers invent source
     * ids or the time to live is shorter than their silences.
     */
    public static final String HISTORY_STARTS = "energysentinel.source.history.starts";
    /**
     * Counter of events older than their source's last event, scored without moving its history. A steady rate means a
     * producer does not key its records by source, so a source's events reach the job over several partitions.
     */
    public static final String HISTORY_OUT_OF_ORDER = "energysentinel.source.history.out.of.order";
    /** Counter of retraining runs on data judged normal; tag outcome. */
    public static final String RETRAINS = "energysentinel.retrains";
    /** Counter of retraining verdicts, by outcome and the rule that decided. */
    public static final String RETRAIN_VERDICTS = "energysentinel.retrain.verdicts";
    /** Counter of records a candidate shadow-scored, by agreement with the serving model. */
    public static final String SHADOW_RECORDS = "energysentinel.shadow.records";
    /** Tag: how a candidate's verdict on a record compares with the serving model's. */
    public static final String AGREEMENT = "agreement";

    /**
     * Tag: the record's source. Sources are chosen by producers, so the number with series of their own is capped
     * (scoring job's {@code --max-metric-sources}); the rest share {@link #OTHER_SOURCE}.
     */
    public static final String SOURCE = "source";
    /** {@link #SOURCE} value shared by the sources over the cap. */
    public static final String OTHER_SOURCE = "other";
    /** {@link #REASON} value of swaps that were not refused. */
    public static final String NO_REASON = "none";
    /** Tag: score id. */
    public static final String SCORE_TAG = "score";
    /** Tag: model bundle version. */
    public static final String MODEL_VERSION = "model_version";
    /** Tag: model line. */
    public static final String MODEL_ID = "model_id";
    /** Tag: {@code event} or {@code image}. */
    public static final String RECORD_KIND = "record_kind";
    /** Tag: dead-letter reason. */
    public static final String REASON = "reason";
    /** Tag: outcome of a swap or retrain. */
    public static final String OUTCOME = "outcome";
    /** Tag: execution provider, {@code CPU} or {@code CUDA}. */
    public static final String PROVIDER = "provider";

    private MetricNames() {}
}
