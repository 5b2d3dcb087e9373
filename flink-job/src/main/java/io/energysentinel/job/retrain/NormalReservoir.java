package io.energysentinel.job.retrain;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Keeps, per model line, a uniform sample of at most {@code capacity} of the clean normal records ({@link CleanSamples})
 * seen since the last request (reservoir sampling), and every {@code interval} of processing time turns it into a
 * {@link RetrainRequest} if it holds at least {@code minRows} and no candidate of the line is in shadow scoring; then
 * starts afresh, so each candidate is fine-tuned on the latest interval's data. State is keyed and checkpointed.
 */
public final class NormalReservoir extends KeyedProcessFunction<String, NormalSample, RetrainRequest> {
    private static final long serialVersionUID = 1L;

    private final long intervalMillis;
    private final int capacity;
    private final int minRows;
    private transient MapState<Integer, float[]> rows;
    private transient ValueState<Long> seen;
    private transient ValueState<List<String>> featureNames;
    private transient ValueState<Long> timer;
    private transient ValueState<String> servingUri;
    private transient ValueState<Boolean> shadowing;

    /** A reservoir of {@code capacity} rows emitting every {@code intervalMillis} once it has {@code minRows}. */
    public NormalReservoir(long intervalMillis, int capacity, int minRows) {
        if (intervalMillis <= 0 || minRows < 1 || capacity < minRows) {
            throw new IllegalArgumentException("need interval > 0 and capacity >= minRows >= 1");
        }
        this.intervalMillis = intervalMillis;
        this.capacity = capacity;
        this.minRows = minRows;
    }

    @Override
    public void open(OpenContext openContext) {
        rows = getRuntimeContext().getMapState(new MapStateDescriptor<>("rows", Types.INT,
                PrimitiveArrayTypeInfo.FLOAT_PRIMITIVE_ARRAY_TYPE_INFO));
        seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.LONG));
        featureNames = getRuntimeContext().getState(new ValueStateDescriptor<>("feature-names", Types.LIST(Types.STRING)));
        timer = getRuntimeContext().getState(new ValueStateDescriptor<>("timer", Types.LONG));
        servingUri = getRuntimeContext().getState(new ValueStateDescriptor<>("serving-uri", Types.STRING));
        shadowing = getRuntimeContext().getState(new ValueStateDescriptor<>("shadowing", Types.BOOLEAN));
    }

    @Override
    public void processElement(NormalSample sample, Context ctx, Collector<RetrainRequest> out) throws Exception {
        if (!sample.featureNames().equals(featureNames.value())) {
            // A swapped-in model with other features: rows of the old layout cannot train it.
            clear();
            featureNames.update(new ArrayList<>(sample.featureNames()));
        }
        servingUri.update(sample.servingUri());
        shadowing.update(sample.shadowing());
        long n = seen.value() == null ? 0 : seen.value();
        if (n < capacity) {
            rows.put((int) n, sample.values());
        } else {
            long j = ThreadLocalRandom.current().nextLong(n + 1);
            if (j < capacity) {
                rows.put((int) j, sample.values());
            }
        }
        seen.update(n + 1);
        if (timer.value() == null) {
            long at = ctx.timerService().currentProcessingTime() + intervalMillis;
            ctx.timerService().registerProcessingTimeTimer(at);
            timer.update(at);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RetrainRequest> out) throws Exception {
        timer.clear();
        long n = seen.value() == null ? 0 : seen.value();
        int size = (int) Math.min(n, capacity);
        if (size < minRows || Boolean.TRUE.equals(shadowing.value())) {
            // Too few normal records this interval, or a candidate still in shadow scoring (a new one would replace it
            // before the gate could decide): keep collecting; the next record starts a new interval.
            return;
        }
        float[][] sample = new float[size][];
        for (int i = 0; i < size; i++) {
            sample[i] = rows.get(i);
        }
        out.collect(new RetrainRequest(ctx.getCurrentKey(), servingUri.value(), List.copyOf(featureNames.value()), sample, timestamp));
        clear();
    }

    private void clear() {
        rows.clear();
        seen.clear();
    }
}
