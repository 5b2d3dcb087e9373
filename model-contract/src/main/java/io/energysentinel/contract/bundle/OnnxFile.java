package io.energysentinel.contract.bundle;

import java.util.Objects;

/**
 * The bundle's ONNX graph file.
 *
 * @param file file name inside the bundle directory
 * @param sha256 lower-case hex SHA-256 of the file; a loader refuses a file that does not match
 * @param opset ONNX default-domain opset the graph was written for
 */
public record OnnxFile(String file, String sha256, int opset) {
    public OnnxFile {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
    }
}
