package io.energysentinel.job.functions;

import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.InputSpec;
import io.energysentinel.contract.records.Outcome;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.io.RawRecord;
import io.energysentinel.job.io.RecordParser;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.metrics.ScoringMetrics;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.model.ServedModel;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses raw JSON records into the input vectors of the models serving their kinds. Emits {@link ScoringInput}s;
 * unparseable, non-finite, oversized or wrongly shaped records go to the {@link DeadLetters#TAG} side output with the
 * reason and are counted. Stateless.
 */
public final class ParseRecords extends ProcessFunction<RawRecord, ScoringInput> {
    private static final long serialVersionUID = 1L;
    private final ScoringJobConfig config;
    private transient RecordParser parser;
    private transient ScoringMetrics metrics;

    /** A parser configured by {@code config}. */
    public ParseRecords(ScoringJobConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new RecordParser(config.maxImageBytes(), config.maxEventTimeSkew().toMillis(), inputSpecs(config));
        metrics = MetricsEndpoint.acquireMetrics(config.metricsPort(), config.maxMetricSources());
    }

    /**
     * The input spec of each record kind the job serves, from its start-up bundles' manifests: a swap never changes a
     * line's input, so these hold for the job's life.
     */
    static Map<String, InputSpec> inputSpecs(ScoringJobConfig config) {
        Map<String, InputSpec> specs = new HashMap<>();
        for (Path bundle : config.bundlePaths()) {
            BundleManifest manifest = BundleLoader.readManifest(bundle);
            specs.put(ServedModel.kindOf(manifest), manifest.input());
        }
        return specs;
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ScoringInput> out) {
        Outcome<ScoringInput> parsed = parser.parse(raw);
        if (parsed.ok()) {
            out.collect(parsed.value());
            return;
        }
        metrics.deadLetter(parsed.reason(), raw.kind());
        ctx.output(DeadLetters.TAG, DeadLetters.of(raw, parsed.reason(), parsed.detail()));
    }

    @Override
    public void close() {
        metrics = MetricsEndpoint.release(metrics);
    }
}
