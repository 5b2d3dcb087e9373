package io.energysentinel.job.functions;

import io.energysentinel.contract.records.DeadLetter;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.io.RawRecord;
import io.energysentinel.job.io.RecordParser;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.metrics.ScoringMetrics;
import io.energysentinel.job.model.ScoringInput;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Parses raw JSON records. Emits {@link ScoringInput}s; unparseable, non-finite or oversized records go to
 * the {@link #DEAD_LETTERS} side output with the reason and are counted. Stateless.
 */
public final class ParseRecords extends ProcessFunction<RawRecord, ScoringInput> {
    private static final long serialVersionUID = 1L;
    /** Side output of records that cannot be scored. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") { };

    private final ScoringJobConfig config;
    private transient RecordParser parser;
    private transient ScoringMetrics metrics;

    /** A parser configured by {@code config}. */
    public ParseRecords(ScoringJobConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new RecordParser(config.maxImageBytes());
        metrics = MetricsEndpoint.acquireMetrics(config.metricsPort());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ScoringInput> out) {
        RecordParser.Parsed parsed = parser.parse(raw);
        if (parsed.ok()) {
            out.collect(parsed.input());
            return;
        }
        metrics.deadLetter(parsed.reason(), raw.kind());
        ctx.output(DEAD_LETTERS, new DeadLetter(parsed.reason(), parsed.detail(), raw.origin(), raw.payload(),
                System.currentTimeMillis()));
    }

    @Override
    public void close() {
        if (metrics != null) {
            MetricsEndpoint.release();
            metrics = null;
        }
    }
}
