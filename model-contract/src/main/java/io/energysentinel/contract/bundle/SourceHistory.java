package io.energysentinel.contract.bundle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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
 * <p>One event moves the average by at most {@code alpha x clip x scale} of its metric ({@code scales}: the metric's
 * spread in the training data): a plain moving average would take one hostile or broken value of 1e36 as the new
 * baseline, and every later event of that source would deviate by as much for thousands of events, one long alert that
 * hides whatever else happens there. Clipped, the value still shows in full in its own {@code dev_}, and an anomaly's
 * episode bends the baseline less for the events after it.
 *
 * @param alpha weight of the newest event in the moving average, in (0, 1]
 * @param stillCap longest unchanged run counted, at least 1
 * @param clip the largest deviation one event feeds into the average, in multiples of its metric's scale; positive
 * @param scales each metric's spread (its standard deviation in the training data), in the model's order; positive
 */
public record SourceHistory(double alpha, int stillCap, double clip, List<Double> scales) {
    /** Weight of the newest event: about 50 events of memory. */
    public static final double ALPHA = 0.02;
    /** Longest unchanged run counted. */
    public static final int STILL_CAP = 10;
    /**
     * One event moves the average by at most this many of its metric's standard deviations (times alpha). Half a standard
     * deviation: an anomaly episode then bends the baseline so little that the normal events after it are not flagged
     * for it (at 4, 24% to 31% of the 20 normal events after an episode were), while the average can still move 0.01
     * standard deviations an event, faster than the synthetic stream's daily cycle moves one host's load at its steepest
     * (about 0.006 at one event a minute), and takes in a lasting change of 3 standard deviations within about 300 events.
     */
    public static final double CLIP = 0.5;
    /** Columns of the widened vector per record metric: the value, its deviation and its unchanged run. */
    private static final int COLUMNS = 3;
    private static final String DEVIATION = "dev_";
    private static final String STILL = "still_";

    public SourceHistory {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("history alpha must be in (0, 1], got " + alpha);
        }
        if (stillCap < 1) {
            throw new IllegalArgumentException("history stillCap must be at least 1, got " + stillCap);
        }
        if (!(clip > 0)) {
            throw new IllegalArgumentException("history clip must be positive, got " + clip);
        }
        scales = List.copyOf(scales);
        if (scales.isEmpty() || scales.stream().anyMatch(s -> !(s > 0) || Double.isInfinite(s))) {
            throw new IllegalArgumentException("history scales must be positive and finite, one per metric, got " + scales);
        }
    }

    /**
     * The history the trainer uses: {@link #ALPHA}, {@link #STILL_CAP}, {@link #CLIP}, with each metric's scale the
     * standard deviation of its column in {@code rows} (raw metric rows, a source's history not yet added); a constant
     * column gets a scale of {@code 1e-6 x max(1, |mean|)}, so its average still moves.
     */
    public static SourceHistory fittedTo(float[][] rows) {
        return new SourceHistory(ALPHA, STILL_CAP, CLIP, Normalization.of(rows).std());
    }

    /** Names of the widened vector: the record's names, then {@code dev_<name>}, then {@code still_<name>}. */
    public static List<String> widenedNames(List<String> recordNames) {
        List<String> out = new ArrayList<>(recordNames);
        recordNames.forEach(n -> out.add(DEVIATION + n));
        recordNames.forEach(n -> out.add(STILL + n));
        return out;
    }

    /**
     * The columns of the widened vector that belong to each of {@code metrics} record metrics: the metric, its
     * {@code dev_} and its {@code still_}. An explanation resets them together: reset alone, a metric whose deviation
     * also stands out would barely lower the energy, and the deviation would be named instead of the metric (or a third
     * metric before both).
     */
    public static int[][] metricColumns(int metrics) {
        int[][] out = new int[metrics][];
        for (int j = 0; j < metrics; j++) {
            out[j] = new int[] {j, metrics + j, 2 * metrics + j};
        }
        return out;
    }

    /** The record's own names, the first third of {@code widenedNames}; refuses names not made by {@link #widenedNames}. */
    public static List<String> recordNames(List<String> widenedNames) {
        if (!widens(widenedNames)) {
            throw new IllegalArgumentException("feature names " + widenedNames + " are not metrics followed by their dev_ and still_ history");
        }
        return List.copyOf(widenedNames.subList(0, metricsIn(widenedNames.size())));
    }

    /** How many record metrics a widened vector of {@code widenedColumns} columns holds. */
    public static int metricsIn(int widenedColumns) {
        return widenedColumns / COLUMNS;
    }

    /** Whether {@code names} are a record's metrics followed by their history, as {@link #widenedNames} makes them. */
    public static boolean widens(List<String> names) {
        return !names.isEmpty() && names.size() % COLUMNS == 0 && widenedNames(names.subList(0, metricsIn(names.size()))).equals(names);
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
        if (d != scales.size() || !isStateFor(state, d)) {
            throw new IllegalArgumentException("a history of " + scales.size() + " metrics with a state for " + metricsIn(state.length)
                    + ", the event has " + d);
        }
        float[] out = new float[COLUMNS * d];
        for (int j = 0; j < d; j++) {
            double mean = state[j];
            double deviation = values[j] - mean;
            double limit = clip * scales.get(j);
            out[j] = values[j];
            out[d + j] = (float) deviation;
            state[j] = mean + alpha * Math.max(-limit, Math.min(limit, deviation));
            double run = (float) state[d + j] == values[j] ? Math.min(stillCap, state[2 * d + j] + 1) : 0;
            state[d + j] = values[j];
            state[2 * d + j] = run;
            out[2 * d + j] = (float) run;
        }
        return out;
    }

    /**
     * Widens {@code rows}, one event each of {@code sources} (in event-time order within each source), as the job widens
     * them one at a time: each source's history starts at its first row and advances row by row.
     */
    public float[][] widenInOrder(List<String> sources, float[][] rows) {
        Map<String, double[]> states = new HashMap<>();
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            float[] x = rows[i];
            out[i] = widen(x, states.computeIfAbsent(sources.get(i), s -> start(x)));
        }
        return out;
    }

    /** The state of a source whose first event is {@code values}: the average and the previous values start there, runs at 0. */
    public static double[] start(float[] values) {
        int d = values.length;
        double[] state = new double[stateLength(d)];
        for (int j = 0; j < d; j++) {
            state[j] = values[j];
            // NaN never equals a value, so the first event's run is 0, as for a source with no previous event.
            state[d + j] = Double.NaN;
        }
        return state;
    }

    /** Whether {@code state} is a source's state (see {@link #start}) for events of {@code metrics} metrics. */
    public static boolean isStateFor(double[] state, int metrics) {
        return state != null && state.length == stateLength(metrics);
    }

    /** Length of a source's state (see {@link #start}) for events of {@code metrics} metrics. */
    public static int stateLength(int metrics) {
        return COLUMNS * metrics;
    }
}
