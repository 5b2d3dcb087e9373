package io.energysentinel.job.retrain;

import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.job.config.ScoringJobConfig;
import io.energysentinel.job.metrics.MetricsEndpoint;
import io.energysentinel.job.metrics.ScoringMetrics;
import io.energysentinel.job.model.ModelEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, per model line, from the scorer's {@link LineTally}s: promotes a shadow-scored candidate that passed
 * {@link RetrainPolicy#afterShadow} or ends its shadow, and reverts a promoted model whose live alert rate leaves its
 * band ({@link GateState}). Emits the model updates to announce (on the topic the job reads its updates from) and
 * every verdict to {@link #VERDICTS}. Keyed by model id; one {@link GateState} per line, kept until the job ends.
 */
public final class ModelGate extends KeyedProcessFunction<String, LineTally, ModelUpdate> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelGate.class);
    /** Side output of the gate's verdicts, for the model-events output. */
    public static final OutputTag<ModelEvent> VERDICTS = new OutputTag<>("gate-verdicts") { };
    static final ValueStateDescriptor<GateState> STATE = new ValueStateDescriptor<>("gate", TypeInformation.of(GateState.class));

    private final ScoringJobConfig config;
    private transient ValueState<GateState> state;
    private transient ScoringMetrics metrics;

    /** A gate deciding by {@code config.retrainPolicy()}. */
    public ModelGate(ScoringJobConfig config) {
        this.config = config;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(STATE);
        metrics = MetricsEndpoint.acquireMetrics(config.metricsPort(), config.maxMetricSources());
    }

    @Override
    public void processElement(LineTally tally, Context ctx, Collector<ModelUpdate> out) throws Exception {
        GateState current = state.value() == null ? GateState.EMPTY : state.value();
        GateState.Step step = current.step(tally, config.retrainPolicy(), ctx.timerService().currentProcessingTime());
        if (step.next() != current) {
            state.update(step.next());
        }
        if (step.verdict() != null) {
            LOG.info("{} {}/{} ({}): {}", step.verdict().outcome(), step.verdict().modelId(), step.verdict().modelVersion(),
                    step.verdict().reason(), step.verdict().detail());
            metrics.verdict(step.verdict().outcome(), step.verdict().reason());
            ctx.output(VERDICTS, step.verdict());
        }
        if (step.announce() != null) {
            out.collect(step.announce());
        }
    }

    @Override
    public void close() {
        metrics = MetricsEndpoint.release(metrics);
    }
}
