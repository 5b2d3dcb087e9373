package io.energysentinel.contract.bundle;

import java.util.ArrayList;
import java.util.List;

/**
 * A source's recent history as features: an event model whose {@link InputSpec#history()} names one takes, after the
 * record's own metric values, per metric the distance from the source's slow moving average ({@code dev_<name>}: an
 * exponentially weighted mean of weight {@code alpha}, about {@code 1/alpha} events of memory) and how many events in a
 * row the value has not changed ({@code still_<name>}, capped at {@code stillCap}).
 *
 * <p>One event alone cannot show a stuck sensor (a value that stops moving is a normal value) or the onset of a level
 * shift; its history can. The average is the source's own baseline, so a shift or a drift shows against what this source
 * usually does rather than against all sources. The trainer widens a table's rows and the scoring job widens each live
 * event with this one class, so training and serving compute the same numbers: values are taken as the floats the
 * model receives, the average is kept in doubles. The first event of a source has deviations of 0 and runs of 0.
 *
 * @param alpha weight of the newest event in the moving average, in (0, 1]
 * @param stillCap longest unchanged run counted, at least 1
 */
public record SourceHistory(double alpha, int stillCap) {
    /** The history the trainer uses unless told otherwise: about 50 events of memory, runs counted to 10. */
    public static final SourceHistory DEFAULT = new SourceHistory(0.02, 10);
    private static final String DEVIATION = "dev_";
    private static final String STILL = "still_";

    public SourceHistory {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("history alpha must be in (0, 1], got " + alpha);
        }
        if (stillCap < 1) {
            throw new IllegalArgumentException("history stillCap must be at least 1, got " + stillCap);
        }
    }

    /** Names of the widened vector: the record's names, then {@code dev_<name>}, then {@code still_<name>}. */
    public static List<String> widenedNames(List<String> recordNames) {
        List<String> out = new ArrayList<>(recordNames);
        recordNames.forEach(n -> out.add(DEVIATION + n));
        recordNames.forEach(n -> out.add(STILL + n));
        return out;
    }

    /** The record's own names, the first third of {@code widenedNames}; refuses names not made by {@link #widenedNames}. */
    public static List<String> recordNames(List<String> widenedNames) {
        if (widenedNames.isEmpty() || widenedNames.size() % 3 != 0) {
            throw new IllegalArgumentException(widenedNames.size() + " feature names cannot be a record's metrics and their history");
        }
        List<String> record = widenedNames.subList(0, widenedNames.size() / 3);
        if (!widenedNames(record).equals(widenedNames)) {
            throw new IllegalArgumentException("feature names " + widenedNames + " are not metrics followed by their dev_ and still_ history");
        }
        return List.copyOf(record);
    }

    /**
     * Widens one event of a source: returns its values followed by their deviations and runs, and advances
     * {@code state} (the source's average, previous values and runs; see {@link #start}).
     *
     * @param values the event's metric values, in the model's order
     * @param state the source's state before this event ({@link #start} of the event itself for a source's first); updated in place
     * @return {@code [values, dev, still]}, three times as long as {@code values}
     */
    public float[] widen(float[] values, double[] state) {
        int d = values.length;
        if (state.length != 3 * d) {
            throw new IllegalArgumentException("a history state for " + state.length / 3 + " metrics, the event has " + d);
        }
        float[] out = new float[3 * d];
        for (int j = 0; j < d; j++) {
            double mean = state[j];
            out[j] = values[j];
            out[d + j] = (float) (values[j] - mean);
            state[j] = mean + alpha * (values[j] - mean);
            double run = (float) state[d + j] == values[j] ? Math.min(stillCap, state[2 * d + j] + 1) : 0;
            state[d + j] = values[j];
            state[2 * d + j] = run;
            out[2 * d + j] = (float) run;
        }
        return out;
    }

    /** The state of a source whose first event is {@code values}: the average and the previous values start there, runs at 0. */
    public static double[] start(float[] values) {
        int d = values.length;
        double[] state = new double[3 * d];
        for (int j = 0; j < d; j++) {
            state[j] = values[j];
            // NaN never equals a value, so the first event's run is 0, as for a source with no previous event.
            state[d + j] = Double.NaN;
        }
        return state;
    }
}
