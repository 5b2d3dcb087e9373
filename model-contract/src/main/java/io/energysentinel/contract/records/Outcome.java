package io.energysentinel.contract.records;

/**
 * A value, or the reason it could not be had: what every parser and validator on the scoring path returns, so
 * dead-letter reasons are built one way.
 *
 * @param value the value when {@link #ok()}, else {@code null}
 * @param reason why not, or {@code null} when {@link #ok()}
 * @param detail human-readable detail of the refusal (which field, which value)
 */
public record Outcome<T>(T value, DeadLetterReason reason, String detail) {
    public Outcome {
        if ((reason == null) == (value == null)) {
            throw new IllegalArgumentException("an outcome holds either a value or a reason");
        }
    }

    /** A value. */
    public static <T> Outcome<T> ok(T value) {
        return new Outcome<>(java.util.Objects.requireNonNull(value, "value"), null, null);
    }

    /** A refusal with its reason. */
    public static <T> Outcome<T> refused(DeadLetterReason reason, String detail) {
        return new Outcome<>(null, java.util.Objects.requireNonNull(reason, "reason"), detail);
    }

    /** Whether this holds a value. */
    public boolean ok() {
        return reason == null;
    }

    /** This refusal as an outcome of another type; only for refusals. */
    public <U> Outcome<U> refusal() {
        if (ok()) {
            throw new IllegalStateException("not a refusal");
        }
        return refused(reason, detail);
    }
}
