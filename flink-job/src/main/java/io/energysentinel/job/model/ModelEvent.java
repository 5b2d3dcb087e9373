package io.energysentinel.job.model;

/**
 * What happened to a model update, for the model-events output: accepted and serving, or refused, and why; and every
 * retraining verdict with its numbers.
 *
 * @param modelId model line announced
 * @param modelVersion version announced
 * @param uri where the bundle was announced
 * @param outcome {@link #ACCEPTED}, {@link #REFUSED}, {@link #RESTORED}; for candidates {@link #SHADOW}, {@link #SHADOW_ENDED},
 *     and the verdicts {@link #CANDIDATE}, {@link #REJECTED}, {@link #PROMOTED}, {@link #REVERTED}
 * @param reason for a refusal, the {@link ModelRefusal#reason()} (a fixed set of names); else {@code null}
 * @param detail the refusal's detail, or the model now in use
 * @param at processing time, epoch milliseconds
 */
public record ModelEvent(String modelId, String modelVersion, String uri, String outcome, String reason, String detail, long at) {
    /** Outcome of a bundle that passed verification and is now used. */
    public static final String ACCEPTED = "accepted";
    /** Outcome of an update that was refused; the previous model stays. */
    public static final String REFUSED = "refused";
    /** Outcome of reloading, after a restore, the model the job served before. */
    public static final String RESTORED = "restored";
    /** A candidate is now shadow-scored beside the serving model. */
    public static final String SHADOW = "shadow";
    /** A candidate is no longer shadow-scored. */
    public static final String SHADOW_ENDED = "shadow_ended";
    /** Retraining's verdict: the candidate passed its checks before live traffic and goes into shadow scoring. */
    public static final String CANDIDATE = "candidate";
    /** Retraining's or the gate's verdict: the candidate is rejected; the detail says which check failed, with numbers. */
    public static final String REJECTED = "rejected";
    /** The gate's verdict: the candidate passed shadow scoring and is announced to serve. */
    public static final String PROMOTED = "promoted";
    /** The gate's verdict: a promoted model's live alert rate left its band, the previous version is announced again. */
    public static final String REVERTED = "reverted";

    /** The refusal of {@code update}. */
    public static ModelEvent refused(io.energysentinel.contract.records.ModelUpdate update, ModelRefusal refusal, long at) {
        return new ModelEvent(update.modelId(), update.modelVersion(), update.uri(), REFUSED, refusal.reason(), refusal.getMessage(), at);
    }
}
