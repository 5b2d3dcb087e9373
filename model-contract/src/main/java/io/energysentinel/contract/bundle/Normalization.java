package io.energysentinel.contract.bundle;

import java.util.ArrayList;
import java.util.List;

/**
 * Per-feature (or single, for images) affine normalisation {@code (x - mean) / std} applied inside the graph.
 *
 * @param mean one value for all elements, or one per feature
 * @param std one value for all elements, or one per feature
 */
public record Normalization(List<Double> mean, List<Double> std) {
    public Normalization {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (mean.size() != std.size()) {
            throw new IllegalArgumentException("mean has " + mean.size() + " values but std has " + std.size());
        }
    }

    /**
     * Each column's mean and sample standard deviation over {@code rows}; a constant column gets a spread of
     * {@code 1e-6 x max(1, |mean|)}, so dividing by it stays finite. The trainer standardises event inputs with these, and
     * a source history clips its steps in these spreads.
     */
    public static Normalization of(float[][] rows) {
        if (rows.length == 0) {
            throw new IllegalArgumentException("a normalisation needs at least one row");
        }
        int d = rows[0].length;
        double[] mean = new double[d];
        double[] var = new double[d];
        for (float[] r : rows) {
            for (int j = 0; j < d; j++) {
                mean[j] += r[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= rows.length;
        }
        for (float[] r : rows) {
            for (int j = 0; j < d; j++) {
                var[j] += (r[j] - mean[j]) * (r[j] - mean[j]);
            }
        }
        List<Double> m = new ArrayList<>(d);
        List<Double> s = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
            m.add(mean[j]);
            double sd = Math.sqrt(var[j] / Math.max(1, rows.length - 1));
            s.add(Math.max(sd, 1e-6 * Math.max(1, Math.abs(mean[j]))));
        }
        return new Normalization(m, s);
    }

    /** The identity normalisation. */
    public static Normalization identity() {
        return new Normalization(List.of(0.0), List.of(1.0));
    }
}
