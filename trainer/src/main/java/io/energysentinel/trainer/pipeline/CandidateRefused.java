package io.energysentinel.trainer.pipeline;

/** A retraining refused before any training, by a rule with a name (the reason reported on model events). */
public final class CandidateRefused extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String rule;

    /** Refused by {@code rule}, {@code detail} saying why with the numbers. */
    public CandidateRefused(String rule, String detail) {
        super(detail);
        this.rule = rule;
    }

    /** The rule that refused it. */
    public String rule() {
        return rule;
    }
}
