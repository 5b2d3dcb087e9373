package io.energysentinel.job.model;

/**
 * What happened to a model update, for the model-events output: accepted and serving, or refused, and why.
 *
 * @param modelId model line announced
 * @param modelVersion version announced
 * @param uri where the bundle was announced
 * @param outcome {@link #ACCEPTED}, {@link #REFUSED} or {@link #RESTORED}
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

    /** The refusal of {@code update}. */
    public static ModelEvent refused(io.energysentinel.contract.records.ModelUpdate update, ModelRefusal refusal, long at) {
        return new ModelEvent(update.modelId(), update.modelVersion(), update.uri(), REFUSED, refusal.reason(), refusal.getMessage(), at);
    }
}
