package io.energysentinel.contract.records;

import java.util.ArrayList;
import java.util.List;

/** The metrics that explain an event's energy, as carried by {@link ScoredRecord} and {@link Alert}. */
public final class TopMetrics {
    /** Most metrics named per record. */
    public static final int MAX = 3;

    private TopMetrics() {}

    /**
     * The names of the metrics with the largest positive contributions, strongest first, at most {@link #MAX}; a metric
     * whose reset would not lower the energy explains nothing and is left out.
     *
     * @param names metric names, in vector order
     * @param contributions one value per metric (the graph's {@code contributions} row)
     */
    public static List<String> rank(List<String> names, float[] contributions) {
        List<Integer> order = new ArrayList<>();
        for (int j = 0; j < Math.min(names.size(), contributions.length); j++) {
            if (contributions[j] > 0) {
                order.add(j);
            }
        }
        order.sort((a, b) -> Float.compare(contributions[b], contributions[a]));
        List<String> out = new ArrayList<>();
        for (int j : order.subList(0, Math.min(MAX, order.size()))) {
            out.add(names.get(j));
        }
        return out;
    }

    /**
     * A defensive copy, {@code null} read as empty. An {@link ArrayList}, not {@code List.copyOf}: Flink copies these
     * records with Kryo, which rebuilds a list by adding to a fresh instance of its class, and an immutable list refuses.
     */
    static List<String> copy(List<String> metrics) {
        return metrics == null ? new ArrayList<>() : new ArrayList<>(metrics);
    }
}
