package io.energysentinel.trainer.data;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds a source's recent history to each event's vector: per metric, the change since the source's previous event
 * and how many events in a row the value has not changed (capped at {@link #STILL_CAP}).
 *
 * <p>One event alone cannot show a stuck sensor (a value that stops moving is a normal value) or the onset of a level
 * shift; its history can. The first event of a source has deltas of 0 and a run of 0. Evaluation only: the scoring
 * job feeds single events, so a bundle trained on these features would need the same state in the job.
 */
public final class TemporalFeatures {
    /** Longest unchanged run counted. */
    public static final int STILL_CAP = 10;

    private TemporalFeatures() {}

    /** Names of the widened vector: the raw names, then {@code d_<name>}, then {@code still_<name>}. */
    public static List<String> names(List<String> raw) {
        List<String> out = new ArrayList<>(raw);
        raw.forEach(n -> out.add("d_" + n));
        raw.forEach(n -> out.add("still_" + n));
        return out;
    }

    /** The widened rows of {@code table}, whose rows must be in event-time order within each source. */
    public static float[][] of(EventTable table) {
        int d = table.featureNames().size();
        Map<String, double[]> previous = new HashMap<>();
        Map<String, int[]> still = new HashMap<>();
        float[][] out = new float[table.size()][3 * d];
        for (int i = 0; i < table.size(); i++) {
            double[] x = table.rows().get(i);
            String source = table.sources().get(i);
            double[] prev = previous.get(source);
            int[] run = still.computeIfAbsent(source, s -> new int[d]);
            for (int j = 0; j < d; j++) {
                out[i][j] = (float) x[j];
                if (prev != null) {
                    out[i][d + j] = (float) (x[j] - prev[j]);
                    run[j] = x[j] == prev[j] ? Math.min(STILL_CAP, run[j] + 1) : 0;
                }
                out[i][2 * d + j] = run[j];
            }
            previous.put(source, x);
        }
        return out;
    }
}
