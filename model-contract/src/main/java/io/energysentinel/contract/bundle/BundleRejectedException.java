package io.energysentinel.contract.bundle;

import java.nio.file.Path;

/** A model bundle failed verification and must not be served; {@link #reason()} says which check. */
public class BundleRejectedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Which verification failed. */
    public enum Reason {
        /** The directory, manifest, ONNX file or golden vectors are missing. */
        MISSING_FILE,
        /** The manifest or golden vectors are not valid JSON of the expected schema. */
        CORRUPT_MANIFEST,
        /** The manifest was written by a newer schema than this reader knows. */
        NEWER_SCHEMA,
        /** The ONNX file's SHA-256 differs from the manifest's (or the announced one). */
        HASH_MISMATCH,
        /** ONNX Runtime cannot load the graph (truncated, corrupt, unsupported). */
        CORRUPT_MODEL,
        /** The graph's input or outputs disagree with the manifest. */
        SHAPE_MISMATCH,
        /** The graph does not reproduce the trainer's golden outputs, or golden vectors are missing for an output. */
        GOLDEN_MISMATCH,
        /** A path in the manifest leaves the bundle directory (absolute, {@code ..}, or a link pointing out). */
        UNSAFE_PATH
    }

    private final Reason reason;

    public BundleRejectedException(Reason reason, Path bundle, String detail) {
        super("model bundle " + bundle + " rejected (" + reason + "): " + detail);
        this.reason = reason;
    }

    public BundleRejectedException(Reason reason, Path bundle, String detail, Throwable cause) {
        super("model bundle " + bundle + " rejected (" + reason + "): " + detail, cause);
        this.reason = reason;
    }

    /** The failed check. */
    public Reason reason() {
        return reason;
    }
}
