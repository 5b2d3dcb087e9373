package io.energysentinel.job.retrain;

import java.util.ArrayList;
import java.util.List;

/**
 * One source's samples held back until it is clear they lie outside any episode: a sample is released only once
 * {@code guard} later records of its source have passed without an alert; an alerting record discards the samples
 * still held (the quiet run-up to an episode) and the next {@code guard} records (its quiet tail); a sample in the
 * margin band below the threshold is never kept. Plain state, no Flink: {@link CleanSamples} keeps one per source.
 *
 * @param held the last records of the source, oldest first (at most {@code guard}), empty rows for records in the band
 * @param cooldown records still to discard after an alert
 */
public record SampleQuarantine(List<float[]> held, int cooldown) implements java.io.Serializable {
    private static final float[] BAND = new float[0];

    /** Nothing held. */
    public static final SampleQuarantine EMPTY = new SampleQuarantine(List.of(), 0);

    /** The state after {@code sample}, and the samples it releases. */
    public record Step(SampleQuarantine next, List<float[]> released) {}

    /** Takes in the next record of the source. */
    public Step offer(NormalSample sample, int guard) {
        if (sample.anomalous()) {
            return new Step(new SampleQuarantine(List.of(), guard), List.of());
        }
        if (cooldown > 0) {
            return new Step(new SampleQuarantine(List.of(), cooldown - 1), List.of());
        }
        List<float[]> next = new ArrayList<>(held.size() + 1);
        next.addAll(held);
        // A record in the band keeps its place (as an empty row) so the guard counts records, not samples.
        next.add(sample.admissible() ? sample.values() : BAND);
        List<float[]> released = List.of();
        if (next.size() > guard) {
            // The oldest has now been followed by `guard` records, none alerting.
            float[] oldest = next.remove(0);
            released = oldest.length == 0 ? List.of() : List.of(oldest);
        }
        return new Step(new SampleQuarantine(next, 0), released);
    }
}
