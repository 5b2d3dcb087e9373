package io.energysentinel.job.functions;

import io.energysentinel.contract.TensorNames;
import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.Outcome;
import io.energysentinel.contract.scoring.ModelOutputs;
import io.energysentinel.job.model.ScoringInput;
import io.energysentinel.job.model.ServedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores one batch with one model, no Flink involved: validates each record against the model's input spec, runs
 * the valid ones in one ONNX Runtime call, and refuses any record whose score is NaN or infinite (such a score
 * compares false with every threshold, so it would otherwise pass as normal).
 */
public final class BatchScoring {
    private BatchScoring() {}

    /**
     * A record with its score, and the graph's per-metric contributions to its energy when the model has them
     * ({@code null} otherwise).
     */
    public record Scored(ScoringInput input, float[] vector, double value, float[] contributions) {}

    /** A record refused, with the reason. */
    public record Refused(ScoringInput input, DeadLetterReason reason, String detail) {}

    /**
     * What became of a batch.
     *
     * @param scored records scored, in batch order
     * @param refused records refused, in batch order
     * @param scoringNanos time spent in ONNX Runtime
     */
    public record Result(List<Scored> scored, List<Refused> refused, long scoringNanos) {}

    /** Scores {@code batch} with {@code model}; never throws for a record's sake. */
    public static Result score(ServedModel model, List<ScoringInput> batch) {
        List<ScoringInput> valid = new ArrayList<>(batch.size());
        List<float[]> vectors = new ArrayList<>(batch.size());
        List<Refused> refused = new ArrayList<>();
        for (ScoringInput in : batch) {
            // The parser checked each record against its line's input spec already; a swap keeps that spec, so this
            // check is a guard that costs one pass over the vector.
            Outcome<float[]> checked = model.validator().check(in.values());
            if (checked.ok()) {
                valid.add(in);
                vectors.add(checked.value());
            } else {
                refused.add(new Refused(in, checked.reason(), checked.detail()));
            }
        }
        List<Scored> scored = new ArrayList<>(valid.size());
        if (valid.isEmpty()) {
            return new Result(scored, refused, 0);
        }
        long start = System.nanoTime();
        float[] values;
        float[][] contributions = null;
        try {
            ModelOutputs outputs = model.bundle().score(vectors.toArray(new float[0][]));
            values = outputs.column(model.score().id());
            if (outputs.names().contains(TensorNames.CONTRIBUTIONS)) {
                contributions = outputs.rows(TensorNames.CONTRIBUTIONS);
            }
        } catch (RuntimeException e) {
            // ScoringException or anything ONNX Runtime throws: the batch is refused, the job goes on.
            for (ScoringInput in : valid) {
                refused.add(new Refused(in, DeadLetterReason.SCORING_FAILED, String.valueOf(e.getMessage())));
            }
            return new Result(scored, refused, System.nanoTime() - start);
        }
        long nanos = System.nanoTime() - start;
        for (int i = 0; i < valid.size(); i++) {
            if (Float.isFinite(values[i])) {
                scored.add(new Scored(valid.get(i), vectors.get(i), values[i], contributions == null ? null : contributions[i]));
            } else {
                refused.add(new Refused(valid.get(i), DeadLetterReason.NON_FINITE_SCORE,
                        model.score().id() + " is " + values[i] + " (model " + model.modelVersion() + ")"));
            }
        }
        return new Result(scored, refused, nanos);
    }
}
