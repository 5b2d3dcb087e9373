package io.energysentinel.job.model;

import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.BundleRejectedException;
import io.energysentinel.contract.bundle.InputSpec;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.records.ModelUpdate;
import io.energysentinel.contract.records.UpdateStage;
import io.energysentinel.contract.scoring.ScorerOptions;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Comparator;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model line as one scorer subtask serves it: the {@link ServedModel} in force, and an announced bundle this
 * subtask cannot see yet (shared storage lagging behind the announcement), retried until a deadline.
 *
 * <p>A swap is all or nothing: the candidate is verified, given its score and threshold, and checked against the
 * serving model (same line, same kind and input, newer unless the update is a rollback) before it replaces
 * anything; a refused candidate is released and the serving model never changes. Not thread-safe: one subtask
 * owns it.
 */
public final class ModelHolder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelHolder.class);
    /** Pause between two tries of a bundle not visible yet. */
    static final long RETRY_STEP_MILLIS = 2_000;

    private final String configuredScore;
    private final ScorerOptions options;
    private final long retryWindowMillis;
    private ServedModel serving;
    /** A candidate scored beside the serving model (its stage {@code SHADOW}), or {@code null}. */
    private ServedModel shadow;
    private ModelUpdate pending;
    private Path pendingDir;
    private long pendingSince;
    private long nextTry;

    private ModelHolder(String configuredScore, ScorerOptions options, long retryWindowMillis, ServedModel serving) {
        this.configuredScore = configuredScore;
        this.options = options;
        this.retryWindowMillis = retryWindowMillis;
        this.serving = serving;
    }

    /**
     * Opens the start-up bundle in {@code dir}.
     *
     * @throws BundleRejectedException when it fails verification
     * @throws ModelRefusal when it has no usable score
     */
    public static ModelHolder open(Path dir, String configuredScore, ScorerOptions options, long retryWindowMillis) {
        ModelBundle bundle = SharedBundles.acquire(dir, null, options);
        try {
            return new ModelHolder(configuredScore, options, retryWindowMillis,
                    ServedModel.of(bundle, dir.toAbsolutePath().normalize().toUri().toString(), configuredScore));
        } catch (RuntimeException e) {
            SharedBundles.release(bundle);
            throw e;
        }
    }

    /** The model in force. */
    public ServedModel serving() {
        return serving;
    }

    /** The candidate shadow-scored beside it, or {@code null}. */
    public ServedModel shadow() {
        return shadow;
    }

    /**
     * Starts or ends shadow scoring of the candidate {@code update} names: a candidate passes the same verification
     * and compatibility checks as a model to serve (it may be promoted as it is), and replaces any earlier candidate.
     */
    private ModelEvent offerShadow(ModelUpdate update, Path dir, long now) {
        if (update.stage() == UpdateStage.END_SHADOW) {
            if (shadow == null || !shadow.modelVersion().equals(update.modelVersion())) {
                return null;
            }
            endShadow();
            return new ModelEvent(update.modelId(), update.modelVersion(), update.uri(), ModelEvent.SHADOW_ENDED, null,
                    "candidate no longer shadow-scored", now);
        }
        if (shadow != null && shadow.modelVersion().equals(update.modelVersion())) {
            return null;
        }
        ModelBundle candidate;
        try {
            candidate = SharedBundles.acquire(dir, update.sha256(), options);
        } catch (BundleRejectedException e) {
            return ModelEvent.refused(update, new ModelRefusal(e), now);
        }
        try {
            ServedModel next = ServedModel.of(candidate, update.uri(), configuredScore);
            checkReplaces(next.bundle().manifest(), false);
            endShadow();
            shadow = next;
            return new ModelEvent(update.modelId(), update.modelVersion(), update.uri(), ModelEvent.SHADOW, null,
                    "shadow-scoring " + next.score().id() + " threshold " + next.threshold() + " beside " + serving.modelVersion(), now);
        } catch (ModelRefusal e) {
            SharedBundles.release(candidate);
            return ModelEvent.refused(update, e, now);
        }
    }

    private void endShadow() {
        if (shadow != null) {
            SharedBundles.release(shadow.bundle());
            shadow = null;
        }
    }

    /**
     * Offers the bundle {@code update} announces (already passed by {@link UpdatePolicy}, found in {@code dir}).
     *
     * @param restoring whether this reloads, after a restore, what the job served before (no retry window then:
     *     the start-up model serves until it is visible again, which the next update can fix)
     * @return what happened, or {@code null} when nothing changed (this version already serves) or the bundle is
     *     not visible yet and will be tried again by {@link #retryPending}
     */
    public ModelEvent offer(ModelUpdate update, Path dir, boolean restoring, long now) {
        if (update.stage() != UpdateStage.SERVE) {
            return offerShadow(update, dir, now);
        }
        if (serving.modelVersion().equals(update.modelVersion())
                && serving.bundle().manifest().onnx().sha256().equalsIgnoreCase(update.sha256())) {
            clearPending(update);
            return null;
        }
        ModelBundle candidate;
        try {
            candidate = SharedBundles.acquire(dir, update.sha256(), options);
        } catch (BundleRejectedException e) {
            if (e.reason() == BundleRejectedException.Reason.MISSING_FILE && !restoring && retryWindowMillis > 0) {
                if (pending == null || !pending.equals(update)) {
                    pending = update;
                    pendingDir = dir;
                    pendingSince = now;
                }
                nextTry = now + RETRY_STEP_MILLIS;
                LOG.info("model {}/{} not visible here yet ({}); trying again for up to {} ms", update.modelId(),
                        update.modelVersion(), e.getMessage(), retryWindowMillis);
                return null;
            }
            clearPending(update);
            return ModelEvent.refused(update, new ModelRefusal(e), now);
        }
        clearPending(update);
        try {
            ServedModel next = ServedModel.of(candidate, update.uri(), configuredScore);
            checkReplaces(next.bundle().manifest(), update.rollback());
            ServedModel previous = serving;
            serving = next;
            if (shadow != null && shadow.modelVersion().equals(next.modelVersion())) {
                endShadow();
            }
            // Even when the candidate is the same open bundle, acquiring it counted one more use.
            SharedBundles.release(previous.bundle());
            return new ModelEvent(update.modelId(), update.modelVersion(), update.uri(),
                    restoring ? ModelEvent.RESTORED : ModelEvent.ACCEPTED, null,
                    "serving " + next.score().id() + " threshold " + next.threshold(), now);
        } catch (ModelRefusal e) {
            SharedBundles.release(candidate);
            return ModelEvent.refused(update, e, now);
        }
    }

    /** Tries the bundle not visible before again when its turn has come; a refusal once the window has passed. */
    public ModelEvent retryPending(long now) {
        if (pending == null || now < nextTry) {
            return null;
        }
        ModelUpdate update = pending;
        if (now - pendingSince > retryWindowMillis) {
            pending = null;
            return ModelEvent.refused(update, new ModelRefusal(ModelRefusal.Reason.NOT_VISIBLE, "bundle " + pendingDir
                    + " did not become readable here within " + retryWindowMillis + " ms"), now);
        }
        return offer(update, pendingDir, false, now);
    }

    /** Whether an announced bundle is still awaited. */
    public boolean hasPending() {
        return pending != null;
    }

    private void clearPending(ModelUpdate update) {
        if (pending != null && (pending.equals(update) || newer(update.modelVersion(), pending.modelVersion()))) {
            pending = null;
        }
    }

    private static String historyOf(InputSpec input) {
        return input.history() == null ? "" : " with source history " + input.history();
    }

    private void checkReplaces(BundleManifest next, boolean olderAllowed) {
        BundleManifest now = serving.bundle().manifest();
        if (!next.modelId().equals(now.modelId())) {
            throw new ModelRefusal(ModelRefusal.Reason.OTHER_MODEL_LINE, "bundle is of line " + next.modelId() + ", this line is " + now.modelId());
        }
        if (next.kind() != now.kind() || !next.input().shape().equals(now.input().shape())
                || !next.input().featureNames().equals(now.input().featureNames())
                || next.input().min() != now.input().min() || next.input().max() != now.input().max()
                || !Objects.equals(next.input().history(), now.input().history())) {
            throw new ModelRefusal(ModelRefusal.Reason.INCOMPATIBLE_MODEL, "bundle is a " + next.kind() + " taking " + next.input().shape()
                    + " " + next.input().featureNames() + historyOf(next.input()) + "; the line serves a " + now.kind() + " taking "
                    + now.input().shape() + " " + now.input().featureNames() + historyOf(now.input()));
        }
        if (!olderAllowed && !isNewer(next, now)) {
            throw new ModelRefusal(ModelRefusal.Reason.OLDER_VERSION, "version " + next.modelVersion() + " (" + next.createdAt()
                    + ") is not newer than the serving " + now.modelVersion() + " (" + now.createdAt() + "); announce it with rollback=true");
        }
    }

    /** Whether {@code a} is a newer bundle than {@code b}: by creation time, then by version in natural order. */
    static boolean isNewer(BundleManifest a, BundleManifest b) {
        try {
            int byTime = Instant.parse(a.createdAt()).compareTo(Instant.parse(b.createdAt()));
            if (byTime != 0) {
                return byTime > 0;
            }
        } catch (DateTimeParseException | NullPointerException e) {
            // fall back on the version strings
        }
        return newer(a.modelVersion(), b.modelVersion());
    }

    private static final Pattern RUN = Pattern.compile("\\d+|\\D+");

    /** Natural order: digit runs compare as numbers, so v10 is newer than v9. */
    static boolean newer(String a, String b) {
        return NATURAL.compare(a, b) > 0;
    }

    private static final Comparator<String> NATURAL = (x, y) -> {
        Matcher mx = RUN.matcher(x);
        Matcher my = RUN.matcher(y);
        while (mx.find() && my.find()) {
            String px = mx.group();
            String py = my.group();
            int c;
            if (Character.isDigit(px.charAt(0)) && Character.isDigit(py.charAt(0))) {
                String tx = px.replaceFirst("^0+(?=.)", "");
                String ty = py.replaceFirst("^0+(?=.)", "");
                c = tx.length() != ty.length() ? Integer.compare(tx.length(), ty.length()) : tx.compareTo(ty);
            } else {
                c = px.compareTo(py);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length(), y.length());
    };

    @Override
    public void close() {
        endShadow();
        if (serving != null) {
            SharedBundles.release(serving.bundle());
            serving = null;
        }
    }
}
