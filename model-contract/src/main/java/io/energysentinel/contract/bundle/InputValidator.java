package io.energysentinel.contract.bundle;

import io.energysentinel.contract.records.DeadLetterReason;
import io.energysentinel.contract.records.Outcome;
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

    /** Checks a flattened input as the model takes it: its length, finiteness and range. */
    public Outcome<float[]> check(float[] values) {
        return check(values, spec.elementCount());
    }

    /**
     * Checks the values one record carries: the model's whole input, or for an event model fed its source's history
     * ({@link InputSpec#history()}) the metrics alone, which the job then widens.
     */
    public Outcome<float[]> checkRecord(float[] values) {
        return check(values, spec.history() == null ? spec.elementCount() : spec.recordFeatureNames().size());
    }

    private Outcome<float[]> check(float[] values, int length) {
        if (values == null) {
            return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "no values");
        }
        if (values.length != length) {
            return Outcome.refused(DeadLetterReason.WRONG_SHAPE, values.length + " values, the model takes " + length
                    + (spec.history() == null ? " (shape " + spec.shape() + ")" : " per record"));
        }
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (!Float.isFinite(v)) {
                return Outcome.refused(DeadLetterReason.NON_FINITE, "value " + i + nameOf(i) + " is " + v);
            }
            if (v < spec.min() || v > spec.max()) {
                return Outcome.refused(DeadLetterReason.OUT_OF_RANGE, "value " + i + nameOf(i) + " = " + v
                        + " outside [" + spec.min() + ", " + spec.max() + "]");
            }
        }
        return Outcome.ok(values);
    }

    /** Turns a record's named event features into the model's order, refusing missing, unknown or bad values. */
    public Outcome<float[]> check(Map<String, Double> features) {
        List<String> names = spec.recordFeatureNames();
        if (names.isEmpty()) {
            return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "this model takes images, not named features");
        }
        if (features == null || features.isEmpty()) {
            return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "no features; the model needs " + names);
        }
        for (String key : features.keySet()) {
            if (!names.contains(key)) {
                return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "unknown feature '" + key + "'; the model takes " + names);
            }
        }
        float[] values = new float[names.size()];
        for (int i = 0; i < names.size(); i++) {
            Double v = features.get(names.get(i));
            if (v == null) {
                return Outcome.refused(DeadLetterReason.WRONG_SHAPE, "missing feature '" + names.get(i) + "'");
            }
            values[i] = v.floatValue();
        }
        return checkRecord(values);
    }

    private String nameOf(int i) {
        return spec.featureNames().isEmpty() ? "" : " ('" + spec.featureNames().get(i) + "')";
    }
}
