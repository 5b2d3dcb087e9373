package io.energysentinel.job.model;

import io.energysentinel.contract.bundle.BundleRejectedException;
import java.util.ArrayList;
import java.util.List;

/**
 * Why a model update or start-up bundle is not served. The reason is one of a fixed set of names (the
 * {@link Reason}s here and the bundle verifier's {@link BundleRejectedException.Reason}s), so it can be a
 * metric label.
 */
public final class ModelRefusal extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Refusals decided by the job's update policy, before or after the bundle itself is verified. */
    public enum Reason {
        /** The update lacks a model id, version or URI. */
        MALFORMED_UPDATE,
        /** The URI is not a {@code file:} URI or an absolute path. */
        UNSUPPORTED_URI,
        /** The bundle is not under any configured model root. */
        OUTSIDE_MODEL_ROOTS,
        /** The update carries no SHA-256 of the graph (64 hex digits). */
        HASH_REQUIRED,
        /** The update names a model line this job does not serve. */
        OTHER_MODEL_LINE,
        /** The bundle is not newer than the one serving and the update does not say it is a rollback. */
        OLDER_VERSION,
        /** The bundle takes other inputs (shape, features, range) or is of another kind than the line serving. */
        INCOMPATIBLE_MODEL,
        /** The bundle has no threshold for the configured score, or no default score. */
        NO_SCORE,
        /** The bundle directory did not become readable here within the retry window. */
        NOT_VISIBLE
    }

    private final String reason;

    /** A refusal by the job's policy. */
    public ModelRefusal(Reason reason, String detail) {
        super(detail);
        this.reason = reason.name();
    }

    /** The refusal of a bundle that failed verification. */
    public ModelRefusal(BundleRejectedException e) {
        super(e.getMessage(), e);
        this.reason = e.reason().name();
    }

    /** The reason's name. */
    public String reason() {
        return reason;
    }

    /** Every reason name a refusal can carry, for metrics registered up front. */
    public static List<String> allReasons() {
        List<String> all = new ArrayList<>();
        for (Reason r : Reason.values()) {
            all.add(r.name());
        }
        for (BundleRejectedException.Reason r : BundleRejectedException.Reason.values()) {
            all.add(r.name());
        }
        return all;
    }
}
