package io.energysentinel.contract.bundle;

import io.energysentinel.contract.records.DeadLetterReason;
import java.util.List;
import java.util.Map;

/**
 * Checks records against a model's {@link InputSpec} before they reach ONNX Runtime, so a bad record
 * becomes a dead letter with a reason instead of a crash or a silently wrong score.
 */
public final class InputValidator {
    private final InputSpec spec;

    /** A validator for {@code spec}. */
    public InputValidator(InputSpec spec) {
        this.spec = spec;
    }

    /** Why an input was refused. */
    public record Violation(DeadLetterReason reason, String detail) {}

    /** The outcome: either a flattened input or a violation. */
    public record Result(float[] input, Violation violation) {
        /** Whether the input can be scored. */
        public boolean valid() {
            return violation == null;
        }

        static Result ok(float[] input) {
            return new Result(input, null);
        }

        static Result refused(DeadLetterReason reason, String detail) {
            return new Result(null, new Violation(reason, detail));
        }
    }

    /** Checks a flattened input: its length, finiteness and range. */
    public Result check(float[] values) {
        if (values == null) {
            return Result.refused(DeadLetterReason.WRONG_SHAPE, "no values");
        }
        if (values.length != spec.elementCount()) {
            return Result.refused(DeadLetterReason.WRONG_SHAPE, values.length + " values, the model takes "
                    + spec.elementCount() + " (shape " + spec.shape() + ")");
        }
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!Float.isFinite(v)) {
                return Result.refused(DeadLetterReason.NON_FINITE, "value " + i + nameOf(i) + " is " + v);
            }
            if (v < spec.min() || v > spec.max()) {
                return Result.refused(DeadLetterReason.OUT_OF_RANGE, "value " + i + nameOf(i) + " = " + v
                        + " outside [" + spec.min() + ", " + spec.max() + "]");
            }
        }
        return Result.ok(values);
    }

    /** Turns named event features into the model's input order, refusing missing, unknown or bad values. */
    public Result check(Map<String, Double> features) {
        List<String> names = spec.featureNames();
        if (names.isEmpty()) {
            return Result.refused(DeadLetterReason.WRONG_SHAPE, "this model takes images, not named features");
        }
        if (features == null || features.isEmpty()) {
            return Result.refused(DeadLetterReason.WRONG_SHAPE, "no features; the model needs " + names);
        }
        for (String key : features.keySet()) {
            if (!names.contains(key)) {
                return Result.refused(DeadLetterReason.WRONG_SHAPE, "unknown feature '" + key + "'; the model takes " + names);
            }
        }
        float[] values = new float[names.size()];
        for (int i = 0; i < names.size(); i++) {
            Double v = features.get(names.get(i));
            if (v == null) {
                return Result.refused(DeadLetterReason.WRONG_SHAPE, "missing feature '" + names.get(i) + "'");
            }
            values[i] = v.floatValue();
        }
        return check(values);
    }

    private String nameOf(int i) {
        return spec.featureNames().isEmpty() ? "" : " ('" + spec.featureNames().get(i) + "')";
    }
}
