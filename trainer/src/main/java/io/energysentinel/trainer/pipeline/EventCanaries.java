package io.energysentinel.trainer.pipeline;

import io.energysentinel.contract.bundle.Normalization;
import io.energysentinel.contract.bundle.SourceHistory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic anomalies made from a line's reference rows, kept with the line so every candidate is measured on the same
 * ones: what a retrained model must still catch. Each kind moves one or two metrics of a real normal row, by a number
 * of the reference's standard deviations, the way the synthetic stream's anomaly kinds do over time.
 *
 * <p>For a model fed its sources' history ({@link SourceHistory}) a canary is a row the job could send it: a moved metric
 * moves its {@code dev_} column by as much (the source's average has not followed yet) and its run restarts, and a stuck
 * sensor is a normal value that has not changed for {@link SourceHistory#STILL_CAP} events. Moving a history column on
 * its own would make rows no source produces, and a retrained model that had forgotten stuck sensors would still pass.
 */
public final class EventCanaries {
    /** Canaries made of each kind. */
    static final int PER_KIND = 200;

    private EventCanaries() {}

    /**
     * Canaries of every kind from {@code reference} rows, whose columns are {@code featureNames}; deterministic for a seed.
     */
    public static Map<String, float[][]> of(List<String> featureNames, float[][] reference, long seed) {
        boolean history = SourceHistory.widens(featureNames);
        int metrics = history ? SourceHistory.metricsIn(featureNames.size()) : featureNames.size();
        // A metric's columns: itself, then (with a history) its deviation and its unchanged run.
        int[][] columns = history ? SourceHistory.metricColumns(metrics) : null;
        Normalization stats = Normalization.of(reference);
        double[] mean = stats.mean().stream().mapToDouble(Double::doubleValue).toArray();
        double[] std = stats.std().stream().mapToDouble(Double::doubleValue).toArray();
        Random random = new Random(seed);
        Map<String, float[][]> out = new LinkedHashMap<>();
        for (String kind : List.of("SPIKE", "LEVEL_SHIFT", "DRIFT", "STUCK_SENSOR", "CORRELATION_BREAK")) {
            float[][] rows = new float[PER_KIND][];
            for (int i = 0; i < PER_KIND; i++) {
                float[] x = reference[random.nextInt(reference.length)].clone();
                int j = i % metrics;
                int k = metrics == 1 ? j : (j + 1 + random.nextInt(metrics - 1)) % metrics;
                switch (kind) {
                    case "SPIKE" -> move(x, j, 8 * std[j], columns);
                    case "LEVEL_SHIFT" -> move(x, j, 5 * std[j], columns);
                    case "DRIFT" -> move(x, j, 4 * std[j], columns);
                    case "STUCK_SENSOR" -> {
                        if (history) {
                            x[columns[j][2]] = SourceHistory.STILL_CAP;
                        } else {
                            // One event alone shows a stuck sensor only as a value that is not there: a dead reading.
                            x[j] = (float) (mean[j] - 5 * std[j]);
                        }
                    }
                    default -> {
                        move(x, j, 3.5 * std[j], columns);
                        move(x, k, -3.5 * std[k], columns);
                    }
                }
                rows[i] = x;
            }
            out.put(kind, rows);
        }
        return out;
    }

    /**
     * Moves metric {@code j} by {@code delta}, and with a history ({@code columns} per metric, else null) its deviation by
     * as much and its run back to 0.
     */
    private static void move(float[] x, int j, double delta, int[][] columns) {
        x[j] += (float) delta;
        if (columns != null) {
            x[columns[j][1]] += (float) delta;
            x[columns[j][2]] = 0;
        }
    }
}
