package io.energysentinel.trainer.data;

import io.energysentinel.contract.bundle.SourceHistory;
import java.util.HashMap;
import java.util.Map;

/**
 * Widens an event table's rows with each source's history ({@link SourceHistory}), as the scoring job widens live events:
 * the rows must be in event-time order within each source, which the readers and the synthetic stream keep.
 */
public final class TemporalFeatures {
    private TemporalFeatures() {}

    /** The rows of {@code table} followed by their history under {@code history}, in the table's order. */
    public static float[][] of(EventTable table, SourceHistory history) {
        float[][] raw = table.features();
        Map<String, double[]> states = new HashMap<>();
        float[][] out = new float[table.size()][];
        for (int i = 0; i < table.size(); i++) {
            float[] x = raw[i];
            double[] state = states.computeIfAbsent(table.sources().get(i), s -> SourceHistory.start(x));
            out[i] = history.widen(x, state);
        }
        return out;
    }
}
