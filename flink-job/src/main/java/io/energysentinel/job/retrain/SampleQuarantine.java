package io.energysentinel.job.retrain;

import java.util.ArrayList;
import java.util.List;

/**
 * One source's samples held back until it is clear they lie outside any episode and the source is not drifting.
 *
 * <ul>
 *   <li>A sample is released only once {@code guard} later records of its source have passed without an alert; an
 *       alerting record discards the samples still held (the quiet run-up to an episode) and the next {@code guard}
 *       records (its quiet tail).</li>
 *   <li>A sample in the margin band below the threshold is never kept.</li>
 *   <li>A source's first {@link #BASELINE_RECORDS} records set its baseline, the mean of their
 *       {@link NormalSample#relativeScore() relative scores}; after that a moving average follows its scores, and while
 *       it lies more than {@code driftTolerance} above the baseline none of the source's records is kept. A slow drift
 *       never alerts record by record, but it raises the source's scores long before it crosses the threshold: without
 *       this it would be learned as normal, version by version.</li>
 * </ul>
 * Plain state, no Flink: {@link CleanSamples} keeps one per source.
 *
 * @param held the last records of the source, oldest first (at most {@code guard}), empty rows for records not kept
 * @param cooldown records still to discard after an alert
 * @param baselineRecords records that have set the baseline so far (at most {@link #BASELINE_RECORDS})
 * @param baseline mean relative score of those records
 * @param recent moving average of the relative score since
 */
public record SampleQuarantine(List<float[]> held, int cooldown, int baselineRecords, double baseline, double recent)
        implements java.io.Serializable {
    /** Records that set a source's baseline. */
    static final int BASELINE_RECORDS = 100;
    /** Weight of a new record in the moving average: about the last 50 records count. */
    static final double RECENT_WEIGHT = 0.02;
    private static final float[] NOT_KEPT = new float[0];

    /** A source not seen yet. */
    public static final SampleQuarantine EMPTY = new SampleQuarantine(List.of(), 0, 0, 0, 0);

    /** The state after a record, and the samples it releases. */
    public record Step(SampleQuarantine next, List<float[]> released) {}

    /** Whether the source's recent scores lie more than {@code driftTolerance} above its baseline. */
    public boolean drifting(double driftTolerance) {
        return baselineRecords >= BASELINE_RECORDS && recent - baseline > driftTolerance;
    }

    /** Takes in the next record of the source. */
    public Step offer(NormalSample sample, int guard, double driftTolerance) {
        int records = baselineRecords;
        double base = baseline;
        double avg = recent;
        double r = sample.relativeScore();
        if (Double.isFinite(r)) {
            if (records < BASELINE_RECORDS) {
                base = (base * records + r) / (records + 1);
                records++;
                avg = base;
            } else {
                avg += RECENT_WEIGHT * (r - avg);
            }
        }
        if (sample.anomalous()) {
            return new Step(new SampleQuarantine(List.of(), guard, records, base, avg), List.of());
        }
        if (cooldown > 0) {
            return new Step(new SampleQuarantine(List.of(), cooldown - 1, records, base, avg), List.of());
        }
        SampleQuarantine next = new SampleQuarantine(held, 0, records, base, avg);
        if (next.drifting(driftTolerance)) {
            // What is held may be the drift's early part: none of it is kept either.
            return new Step(new SampleQuarantine(List.of(), 0, records, base, avg), List.of());
        }
        List<float[]> window = new ArrayList<>(held.size() + 1);
        window.addAll(held);
        // A record not kept keeps its place (as an empty row) so the guard counts records, not samples.
        window.add(sample.admissible() ? sample.values() : NOT_KEPT);
        List<float[]> released = List.of();
        if (window.size() > guard) {
            // The oldest has now been followed by `guard` records, none alerting.
            float[] oldest = window.remove(0);
            released = oldest.length == 0 ? List.of() : List.of(oldest);
        }
        return new Step(new SampleQuarantine(window, 0, records, base, avg), released);
    }
}
