package io.energysentinel.job.model;

/**
 * What happened to a model update, for the model-events output: accepted and serving, or refused.
 *
 * @param modelId model line announced
 * @param modelVersion version announced
 * @param uri where the bundle was announced
 * @param outcome {@code accepted} or {@code refused}
 * @param detail the refusal's reason, or the model now in use
 * @param at processing time, epoch milliseconds
 */
public record ModelEvent(String modelId, String modelVersion, String uri, String outcome, String detail, long at) {
    /** Outcome of a bundle that passed verification and is now used. */
    public static final String ACCEPTED = "accepted";
    /** Outcome of a bundle that failed verification; the previous model stays. */
    public static final String REFUSED = "refused";
}
