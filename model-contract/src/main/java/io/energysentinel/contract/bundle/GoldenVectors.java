package io.energysentinel.contract.bundle;

import java.util.List;
import java.util.Map;

/**
 * A few inputs with the outputs the trainer computed for them ({@code golden.json}).
 *
 * <p>A loader runs them through ONNX Runtime and refuses the bundle when any output differs by more
 * than {@code relativeTolerance}.
 *
 * @param relativeTolerance allowed |actual - expected| / max(|expected|, 1)
 * @param inputs flattened inputs, each {@link InputSpec#elementCount()} long
 * @param outputs expected values per output name, one array per input
 */
public record GoldenVectors(double relativeTolerance, List<float[]> inputs, Map<String, List<float[]>> outputs) {
    /** File name of the golden vectors inside a bundle directory. */
    public static final String FILE_NAME = "golden.json";

    public GoldenVectors {
        inputs = List.copyOf(inputs);
        outputs = Map.copyOf(outputs);
    }
}
