package io.energysentinel.trainer.data;

import java.util.Set;

/**
 * Names of the non-feature columns of an event table; every other column is a feature.
 *
 * @param id event id column
 * @param source event source column
 * @param time event time column (epoch milliseconds)
 * @param label anomaly label column (empty or {@code normal} for normal events)
 */
public record EventColumns(String id, String source, String time, String label) {
    /** {@code id}, {@code source}, {@code time}, {@code label}. */
    public static EventColumns defaults() {
        return new EventColumns("id", "source", "time", "label");
    }

    /** Whether {@code column} is one of the non-feature columns. */
    public boolean isMeta(String column) {
        return Set.of(id, source, time, label).contains(column);
    }
}
