package io.energysentinel.job.retrain;

import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.UpdateStage;
import io.energysentinel.job.model.ModelEvent;
import java.util.Locale;

/**
 * The promotion gate of one model line, as plain state: the candidate being shadow-scored and its tally, and after a
 * promotion the watch over the new model's live alert rate. {@link #step} takes one {@link LineTally} and returns the
 * next state with what to announce; {@link ModelGate} keeps it in Flink state.
 *
 * @param candidate the candidate shadow-scored now, or {@code null}
 * @param candidateFpr the FPR its threshold was calibrated for
 * @param tally its shadow tally so far
 * @param decided the last candidate version decided (late tallies of it are ignored)
 * @param promoted the model promoted and watched, or {@code null}
 * @param previous what served before it: the version a revert announces again
 * @param calibratedFpr the promoted model's calibrated FPR
 * @param windowRecords records in the current watch window
 * @param windowAnomalous alerting records in it
 * @param strikes consecutive windows out of band
 * @param windows windows watched so far
 */
public record GateState(ModelUpdate candidate, double candidateFpr, ShadowTally tally, String decided, ModelUpdate promoted,
                        ModelUpdate previous, double calibratedFpr, long windowRecords, long windowAnomalous, int strikes, int windows)
        implements java.io.Serializable {
    /** No candidate, nothing watched. */
    public static final GateState EMPTY = new GateState(null, 0, ShadowTally.EMPTY, null, null, null, 0, 0, 0, 0, 0);

    /**
     * The state after {@code t}.
     *
     * @param next the new state
     * @param announce a model update to announce (promotion, end of a shadow, or revert), or {@code null}
     * @param verdict the verdict to report, or {@code null}
     */
    public record Step(GateState next, ModelUpdate announce, ModelEvent verdict) {}

    /** Takes in one flush's tally. */
    public Step step(LineTally t, RetrainPolicy policy, long now) {
        if (t.candidate() != null && !t.candidate().modelVersion().equals(decided)) {
            return shadow(t, policy, now);
        }
        if (promoted != null && promoted.modelVersion().equals(t.serving().modelVersion())) {
            return watch(t, policy, now);
        }
        return new Step(this, null, null);
    }

    private Step shadow(LineTally t, RetrainPolicy policy, long now) {
        boolean same = candidate != null && candidate.modelVersion().equals(t.candidate().modelVersion());
        ShadowTally sum = (same ? tally : ShadowTally.EMPTY).plus(t.shadow());
        if (sum.records() < policy.shadowRecords()) {
            return new Step(new GateState(t.candidate(), t.candidateFpr(), sum, decided, promoted, previous, calibratedFpr,
                    windowRecords, windowAnomalous, strikes, windows), null, null);
        }
        RetrainPolicy.Verdict verdict = policy.afterShadow(sum, t.candidateFpr());
        ModelUpdate update = t.candidate();
        if (!verdict.passed()) {
            return new Step(new GateState(null, 0, ShadowTally.EMPTY, update.modelVersion(), promoted, previous, calibratedFpr,
                    windowRecords, windowAnomalous, strikes, windows), update.at(UpdateStage.END_SHADOW),
                    new ModelEvent(update.modelId(), update.modelVersion(), update.uri(), ModelEvent.REJECTED, verdict.rule(),
                            verdict.detail(), now));
        }
        return new Step(new GateState(null, 0, ShadowTally.EMPTY, update.modelVersion(), update.at(UpdateStage.SERVE), t.serving(),
                t.candidateFpr(), 0, 0, 0, 0), update.at(UpdateStage.SERVE),
                new ModelEvent(update.modelId(), update.modelVersion(), update.uri(), ModelEvent.PROMOTED, null,
                        verdict.detail() + "; replaces " + t.serving().modelVersion(), now));
    }

    private Step watch(LineTally t, RetrainPolicy policy, long now) {
        long records = windowRecords + t.records();
        long anomalous = windowAnomalous + t.anomalous();
        if (records < policy.revertWindowRecords()) {
            return new Step(new GateState(candidate, candidateFpr, tally, decided, promoted, previous, calibratedFpr, records, anomalous,
                    strikes, windows), null, null);
        }
        boolean out = policy.outOfBand(records, anomalous, calibratedFpr);
        int nextStrikes = out ? strikes + 1 : 0;
        int watched = windows + 1;
        if (nextStrikes >= policy.revertWindows()) {
            String detail = String.format(Locale.ROOT, "%d of %d records alerting (rate %.4f) in the last of %d windows out of band;"
                            + " calibrated FPR %.4f, band up to %.1fx; back to %s", anomalous, records, anomalous / (double) records,
                    nextStrikes, calibratedFpr, policy.revertFactor(), previous.modelVersion());
            ModelUpdate back = new ModelUpdate(previous.modelId(), previous.modelVersion(), previous.uri(), previous.sha256(), true,
                    UpdateStage.SERVE);
            return new Step(new GateState(candidate, candidateFpr, tally, decided, null, null, 0, 0, 0, 0, 0), back,
                    new ModelEvent(promoted.modelId(), promoted.modelVersion(), promoted.uri(), ModelEvent.REVERTED,
                            anomalous == 0 ? "alert_collapse" : "alert_rate", detail, now));
        }
        if (watched >= policy.watchWindows()) {
            return new Step(new GateState(candidate, candidateFpr, tally, decided, null, null, 0, 0, 0, 0, 0), null, null);
        }
        return new Step(new GateState(candidate, candidateFpr, tally, decided, promoted, previous, calibratedFpr, 0, 0, nextStrikes,
                watched), null, null);
    }
}
