package io.energysentinel.trainer.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds a source's recent history to each event's vector: per metric, the distance from the source's own slow moving
 * average (an exponentially weighted mean, {@link #ALPHA}), and how many events in a row the value has not changed
 * (capped at {@link #STILL_CAP}).
 *
 * <p>One event alone cannot show a stuck sensor (a value that stops moving is a normal value) or the onset of a level
 * shift; its history can. The average is the source's own baseline, so a level shift or a
 * drift shows against what this host usually does rather than against all hosts; it follows the daily cycle (a
 * time constant of 1/ALPHA events). The first event of a source has a residual of 0 and a run of 0. Evaluation only: the scoring
 * job feeds single events, so a bundle trained on these features would need the same state in the job.
 */
public final class TemporalFeatures {
    /** Longest unchanged run counted. */
    public static final int STILL_CAP = 10;
    /** Weight of the newest event in the moving average: about 50 events of memory. */
    public static final double ALPHA = 0.02;

    private TemporalFeatures() {}

    /** Names of the widened vector: the raw names, then {@code dev_<name>}, then {@code still_<name>}. */
    public static List<String> names(List<String> raw) {
        List<String> out = new ArrayList<>(raw);
        raw.forEach(n -> out.add("dev_" + n));
        raw.forEach(n -> out.add("still_" + n));
        return out;
    }

    /** The widened rows of {@code table}, whose rows must be in event-time order within each source. */
    public static float[][] of(EventTable table) {
        int d = table.featureNames().size();
        Map<String, double[]> previous = new HashMap<>();
        Map<String, double[]> average = new HashMap<>();
        Map<String, int[]> still = new HashMap<>();
        float[][] out = new float[table.size()][3 * d];
        for (int i = 0; i < table.size(); i++) {
            double[] x = table.rows().get(i);
            String source = table.sources().get(i);
            double[] prev = previous.get(source);
            int[] run = still.computeIfAbsent(source, s -> new int[d]);
            double[] mean = average.computeIfAbsent(source, s -> x.clone());
            for (int j = 0; j < d; j++) {
                out[i][j] = (float) x[j];
                out[i][d + j] = (float) (x[j] - mean[j]);
                mean[j] += ALPHA * (x[j] - mean[j]);
                if (prev != null) {
                    run[j] = x[j] == prev[j] ? Math.min(STILL_CAP, run[j] + 1) : 0;
                }
                out[i][2 * d + j] = run[j];
            }
            previous.put(source, x);
        }
        return out;
    }
}
