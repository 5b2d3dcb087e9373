package io.energysentinel.contract.scoring;

/** Scoring failed: the model file cannot be opened, or an input does not fit the model. */
public class ScoringException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScoringException(String message) {
        super(message);
    }

    public ScoringException(String message, Throwable cause) {
        super(message, cause);
    }
}
