package io.energysentinel.trainer.data;

import io.energysentinel.contract.records.Event;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A table of numeric events: named features, one row of values per event, plus optional id, source, time
 * and label columns.
 *
 * @param name human description, usually the file
 * @param featureNames feature (column) names, in order
 * @param rows one {@code featureNames.size()} array per event
 * @param ids event ids (generated {@code row-N} when the file has none)
 * @param sources event sources ({@code unknown} when the file has none)
 * @param times event times in epoch milliseconds (the row number when the file has none)
 * @param timed whether the file gave the times (a time column), not the row numbers
 * @param labels anomaly labels ({@code ""} for normal or unlabelled)
 */
public record EventTable(String name, List<String> featureNames, List<double[]> rows, List<String> ids,
                         List<String> sources, long[] times, boolean timed, List<String> labels) {
    public EventTable {
        Objects.requireNonNull(name, "name");
        featureNames = List.copyOf(featureNames);
        rows = List.copyOf(rows);
        ids = List.copyOf(ids);
        sources = List.copyOf(sources);
        labels = List.copyOf(labels);
        int n = rows.size();
        if (ids.size() != n || sources.size() != n || times.length != n || labels.size() != n) {
            throw new IllegalArgumentException(name + ": column lengths differ");
        }
    }

    /** Number of events. */
    public int size() {
        return rows.size();
    }

    /** From the earliest event to the latest, when the file gave event times; empty when it gave none. */
    public java.util.Optional<java.time.Duration> span() {
        if (!timed) {
            return java.util.Optional.empty();
        }
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long t : times) {
            min = Math.min(min, t);
            max = Math.max(max, t);
        }
        return java.util.Optional.of(java.time.Duration.ofMillis(max - min));
    }

    /** Feature matrix as floats, the trainer's input. */
    public float[][] features() {
        float[][] out = new float[rows.size()][];
        for (int i = 0; i < out.length; i++) {
            double[] r = rows.get(i);
            out[i] = new float[r.length];
            for (int j = 0; j < r.length; j++) {
                out[i][j] = (float) r[j];
            }
        }
        return out;
    }

    /** Row {@code i} as a wire {@link Event}. */
    public Event event(int i) {
        Map<String, Double> features = new LinkedHashMap<>();
        double[] r = rows.get(i);
        for (int j = 0; j < r.length; j++) {
            features.put(featureNames.get(j), r[j]);
        }
        return new Event(ids.get(i), sources.get(i), times[i], features);
    }

    /** All rows as wire events. */
    public List<Event> events() {
        List<Event> out = new ArrayList<>(size());
        for (int i = 0; i < size(); i++) {
            out.add(event(i));
        }
        return out;
    }
}
