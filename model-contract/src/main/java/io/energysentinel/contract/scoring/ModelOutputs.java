package io.energysentinel.contract.scoring;

import java.util.Map;
import java.util.Set;

/**
 * The outputs of one scoring call: for each ONNX output, one row of values per input.
 *
 * <p>Scalar outputs such as {@code energy} have rows of length one; read them with {@link #column}.
 */
public final class ModelOutputs {
    private final Map<String, float[][]> rowsByOutput;

    ModelOutputs(Map<String, float[][]> rowsByOutput) {
        this.rowsByOutput = Map.copyOf(rowsByOutput);
    }

    /** Output names present. */
    public Set<String> names() {
        return rowsByOutput.keySet();
    }

    /** One row per input for the named output. */
    public float[][] rows(String output) {
        float[][] rows = rowsByOutput.get(output);
        if (rows == null) {
            throw new ScoringException("model has no output '" + output + "', it has " + rowsByOutput.keySet());
        }
        return rows;
    }

    /** The named scalar output, one value per input. */
    public float[] column(String output) {
        float[][] rows = rows(output);
        float[] column = new float[rows.length];
        for (int i = 0; i < rows.length; i++) {
            if (rows[i].length != 1) {
                throw new ScoringException("output '" + output + "' is not scalar: " + rows[i].length + " values per input");
            }
            column[i] = rows[i][0];
        }
        return column;
    }
}
