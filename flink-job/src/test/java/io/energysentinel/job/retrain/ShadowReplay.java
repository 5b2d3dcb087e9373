package io.energysentinel.job.retrain;

import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.job.model.ModelEvent;

/**
 * Replays recorded serving and shadow scores of the same records through {@link GateState}, a {@link LineTally} per
 * flush of {@value #FLUSH} records as the scorer would send them, until the gate decides or the records run out.
 */
final class ShadowReplay {
    /** Records per replayed scorer flush. */
    static final int FLUSH = 100;

    private ShadowReplay() {}

    /** One model's scores on the replayed records, its threshold, and the FPR its threshold was calibrated for. */
    record Scored(ModelUpdate update, float[] scores, double threshold, double calibratedFpr) {}

    /** The gate after the replay, the verdict it reached ({@code null} if none), and the records it took. */
    record Result(GateState gate, ModelEvent verdict, int records) {}

    static Result replay(GateState gate, String line, Scored serving, Scored shadow, RetrainPolicy policy) {
        for (int from = 0; from < serving.scores().length; from += FLUSH) {
            long normal = 0;
            long candidateOnly = 0;
            long servingOnly = 0;
            long both = 0;
            int to = Math.min(serving.scores().length, from + FLUSH);
            for (int i = from; i < to; i++) {
                boolean s = serving.scores()[i] > serving.threshold();
                boolean c = shadow.scores()[i] > shadow.threshold();
                normal += s ? 0 : 1;
                candidateOnly += c && !s ? 1 : 0;
                servingOnly += s && !c ? 1 : 0;
                both += s && c ? 1 : 0;
            }
            long records = to - from;
            GateState.Step step = gate.step(new LineTally(line, serving.update(), serving.calibratedFpr(), records, servingOnly + both,
                    shadow.update(), shadow.calibratedFpr(), new ShadowTally(records, normal, candidateOnly, servingOnly, both)), policy, 0);
            gate = step.next();
            if (step.verdict() != null) {
                return new Result(gate, step.verdict(), to);
            }
        }
        return new Result(gate, null, serving.scores().length);
    }
}
