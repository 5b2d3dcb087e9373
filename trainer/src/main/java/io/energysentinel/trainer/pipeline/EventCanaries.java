package io.energysentinel.trainer.pipeline;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Synthetic anomalies made from a line's reference rows, kept with the line so every candidate is measured on the same
 * ones: what a retrained model must still catch. Each kind moves one or two metrics of a real normal row, by a number
 * of the reference's standard deviations, the way the synthetic stream's anomaly kinds do over time.
 */
public final class EventCanaries {
    /** Canaries made of each kind. */
    static final int PER_KIND = 200;

    private EventCanaries() {}

    /** Canaries of every kind from {@code reference} rows; deterministic for a seed. */
    public static Map<String, float[][]> of(float[][] reference, long seed) {
        int d = reference[0].length;
        java.util.List<java.util.List<Double>> stats = io.energysentinel.trainer.model.EnergyNets.standardization(reference);
        double[] mean = stats.get(0).stream().mapToDouble(Double::doubleValue).toArray();
        double[] std = stats.get(1).stream().mapToDouble(Double::doubleValue).toArray();
        Random random = new Random(seed);
        Map<String, float[][]> out = new LinkedHashMap<>();
        for (String kind : List.of("SPIKE", "LEVEL_SHIFT", "DRIFT", "STUCK_SENSOR", "CORRELATION_BREAK")) {
            float[][] rows = new float[PER_KIND][];
            for (int i = 0; i < PER_KIND; i++) {
                float[] x = reference[random.nextInt(reference.length)].clone();
                int j = i % d;
                int k = (j + 1 + random.nextInt(d - 1)) % d;
                switch (kind) {
                    case "SPIKE" -> x[j] += (float) (8 * std[j]);
                    case "LEVEL_SHIFT" -> x[j] += (float) (5 * std[j]);
                    case "DRIFT" -> x[j] += (float) (4 * std[j]);
                    case "STUCK_SENSOR" -> x[j] = (float) (mean[j] - 5 * std[j]);
                    default -> {
                        x[j] += (float) (3.5 * std[j]);
                        x[k] -= (float) (3.5 * std[k]);
                    }
                }
                rows[i] = x;
            }
            out.put(kind, rows);
        }
        return out;
    }
}
