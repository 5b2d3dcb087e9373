package io.energysentinel.job.functions;

import io.energysentinel.contract.bundle.SourceHistory;
import io.energysentinel.job.metrics.ScoringMetrics;
import io.energysentinel.job.model.ScoringInput;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The scorer's per-source history for an event model fed it ({@link io.energysentinel.contract.bundle.InputSpec#history()}):
 * each event is widened with its source's history as it arrives, before it is buffered, so a batch holds what the model
 * takes and the history advances in the order the source sent its events (all of a source's records come to one shard, in
 * order, when producers key them by source: {@link ScorerShards}).
 *
 * <p>The state is a map per shard from source to {@link SourceHistory}'s state followed by the event time of the source's
 * latest event ({@code double[]}: no per-source objects for Kryo to guess at), checkpointed with the scorer's buffer, so
 * a restored job widens exactly as the uninterrupted one would. Every entry lives {@code ttl} after its source's last
 * event (Flink's background TTL cleanup, on by default, removes expired entries: incrementally on the heap backend, in
 * compactions on RocksDB), so sources that stop sending (a host retired, a producer inventing ids) leave no state
 * behind; a source silent longer starts a new baseline.
 */
final class SourceHistories {
    /** Keyed state: each source's history, by source, under the shard's key. */
    static final String STATE = "source-history";

    private final SourceHistory history;
    private final MapState<String, double[]> states;
    private final ScoringMetrics metrics;

    private SourceHistories(SourceHistory history, MapState<String, double[]> states, ScoringMetrics metrics) {
        this.history = history;
        this.states = states;
        this.metrics = metrics;
    }

    /** The state's descriptor: entries expire {@code ttl} after their last write and are never read once expired. */
    static MapStateDescriptor<String, double[]> descriptor(Duration ttl) {
        MapStateDescriptor<String, double[]> descriptor = new MapStateDescriptor<>(STATE, Types.STRING,
                PrimitiveArrayTypeInfo.DOUBLE_PRIMITIVE_ARRAY_TYPE_INFO);
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(ttl)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .build());
        return descriptor;
    }

    /**
     * Histories under {@code history} kept in {@code states}, each fresh start counted in {@code metrics}; with no history
     * ({@code null}) events pass unchanged.
     */
    static SourceHistories of(SourceHistory history, MapState<String, double[]> states, ScoringMetrics metrics) {
        return new SourceHistories(history, states, metrics);
    }

    /**
     * {@code input} as the event model takes it: for an event, its metrics followed by its source's history, which
     * advances; images, and every event when the model takes no history, unchanged. An event older than its source's last
     * (a producer that does not key by source spreads a source over partitions) is widened with the history as it stands
     * and moves none of it: moved, it would take the baseline back in time and break the unchanged runs.
     */
    ScoringInput widen(ScoringInput input) throws Exception {
        if (history == null || !ScoringInput.EVENT.equals(input.kind())) {
            return input;
        }
        float[] values = input.values();
        int length = SourceHistory.stateLength(values.length);
        double[] entry = states.get(input.source());
        double[] state;
        if (entry != null && entry.length == length + 1) {
            state = Arrays.copyOf(entry, length);
            if (input.eventTime() < entry[length]) {
                metrics.historyOutOfOrder();
                return widened(input, history.widen(values, state));
            }
        } else if (SourceHistory.isStateFor(entry, values.length)) {
            // Written before the last event time was kept (a checkpoint of an older build): its history goes on.
            state = entry;
        } else {
            state = SourceHistory.start(values);
            metrics.historyStarted();
        }
        float[] widened = history.widen(values, state);
        double[] updated = Arrays.copyOf(state, length + 1);
        updated[length] = input.eventTime();
        states.put(input.source(), updated);
        return widened(input, widened);
    }

    private static ScoringInput widened(ScoringInput input, float[] values) {
        return new ScoringInput(input.id(), input.source(), input.eventTime(), input.kind(), values, input.origin(), input.raw());
    }
}
