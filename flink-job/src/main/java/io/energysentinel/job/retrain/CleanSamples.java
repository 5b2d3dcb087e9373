package io.energysentinel.job.retrain;

import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps, of every record (event or image) the scorer scored, only those that may train a model: below the margin band under the
 * threshold and away from any episode of their source ({@link SampleQuarantine}). Keyed by source, so the filtering
 * spreads over subtasks the way sources do; the state of a source that stops sending expires after a day.
 */
public final class CleanSamples extends KeyedProcessFunction<String, NormalSample, NormalSample> {
    private static final long serialVersionUID = 1L;
    static final String QUARANTINE = "quarantine";

    private final int guard;
    private final double driftTolerance;
    private transient ValueState<SampleQuarantine> quarantine;

    /**
     * A filter holding each sample until {@code guard} records of its source have followed it without an alert, and
     * keeping none of a source whose scores have risen {@code driftTolerance} above its own baseline.
     */
    public CleanSamples(int guard, double driftTolerance) {
        this.guard = guard;
        this.driftTolerance = driftTolerance;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<SampleQuarantine> descriptor = new ValueStateDescriptor<>(QUARANTINE, TypeInformation.of(SampleQuarantine.class));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(Duration.ofDays(1)).build());
        quarantine = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(NormalSample sample, Context ctx, Collector<NormalSample> out) throws Exception {
        SampleQuarantine state = quarantine.value() == null ? SampleQuarantine.EMPTY : quarantine.value();
        SampleQuarantine.Step step = state.offer(sample, guard, driftTolerance);
        quarantine.update(step.next());
        for (float[] values : step.released()) {
            out.collect(new NormalSample(sample.modelId(), sample.servingUri(), sample.source(), sample.featureNames(), values,
                    Double.NaN, sample.threshold(), sample.admitCeiling(), sample.referenceMedian(), sample.shadowing()));
        }
    }
}
