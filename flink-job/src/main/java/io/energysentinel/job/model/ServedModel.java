package io.energysentinel.job.model;

import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.InputValidator;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.bundle.ScoreThreshold;

/**
 * A verified bundle ready to serve: the score alerts are raised on, its threshold and the validator of its input.
 * Built whole by {@link #of} or not at all, so a swap never leaves a bundle live without a usable score.
 *
 * @param bundle the open bundle (shared; see {@link SharedBundles})
 * @param uri where it was loaded from
 * @param score the score alerted on
 * @param threshold that score's calibrated threshold
 * @param validator checks records against the bundle's input spec
 */
public record ServedModel(ModelBundle bundle, String uri, ScoreName score, double threshold, InputValidator validator) {

    /**
     * The model of {@code bundle} alerting on {@code configuredScore} (blank: the bundle's default score).
     *
     * @throws ModelRefusal ({@link ModelRefusal.Reason#NO_SCORE}) when that score has no finite threshold
     */
    public static ServedModel of(ModelBundle bundle, String uri, String configuredScore) {
        BundleManifest m = bundle.manifest();
        ScoreName score = scoreOf(m, configuredScore);
        return new ServedModel(bundle, uri, score, m.scores().get(score).threshold(), new InputValidator(m.input()));
    }

    /**
     * The score a bundle with manifest {@code m} alerts on under {@code configuredScore} (blank: the bundle's default
     * score), one with a finite threshold.
     *
     * @throws ModelRefusal ({@link ModelRefusal.Reason#NO_SCORE}) when there is no such score
     */
    public static ScoreName scoreOf(BundleManifest m, String configuredScore) {
        ScoreName score;
        if (configuredScore == null || configuredScore.isBlank()) {
            score = m.defaultScore();
            if (score == null) {
                throw new ModelRefusal(ModelRefusal.Reason.NO_SCORE, "bundle " + m.modelId() + "/" + m.modelVersion()
                        + " names no default score and no --score is configured");
            }
        } else {
            try {
                score = ScoreName.fromId(configuredScore);
            } catch (IllegalArgumentException e) {
                throw new ModelRefusal(ModelRefusal.Reason.NO_SCORE, e.getMessage());
            }
        }
        ScoreThreshold t = m.scores().get(score);
        if (t == null || !Double.isFinite(t.threshold())) {
            throw new ModelRefusal(ModelRefusal.Reason.NO_SCORE, "bundle " + m.modelId() + "/" + m.modelVersion()
                    + " has no finite threshold for score " + score.id() + "; it has " + m.scores().keySet());
        }
        return score;
    }

    /** The record kind this model takes: {@link ScoringInput#EVENT} when it names features, else {@link ScoringInput#IMAGE}. */
    public String kind() {
        return kindOf(bundle.manifest());
    }

    /** The record kind a bundle with {@code manifest} takes. */
    public static String kindOf(BundleManifest manifest) {
        return manifest.input().featureNames().isEmpty() ? ScoringInput.IMAGE : ScoringInput.EVENT;
    }

    /**
     * The highest score of a record that may train this line's next candidate: the anchor's admission ceiling when it
     * alerts on its default score, never above the threshold.
     */
    public double admitCeiling() {
        var anchor = bundle.manifest().anchor();
        return anchor != null && score == bundle.manifest().defaultScore() ? Math.min(anchor.admitCeiling(), threshold) : threshold;
    }

    /** The median score of the anchor's reference rows, or NaN without an anchor. */
    public double referenceMedian() {
        var anchor = bundle.manifest().anchor();
        return anchor != null && score == bundle.manifest().defaultScore() ? anchor.referenceMedian() : Double.NaN;
    }

    /** The update that announces this model. */
    public io.energysentinel.contract.records.ModelUpdate asUpdate() {
        return new io.energysentinel.contract.records.ModelUpdate(modelId(), modelVersion(), uri, bundle.manifest().onnx().sha256());
    }

    /** The FPR its threshold was calibrated for. */
    public double calibratedFpr() {
        return bundle.manifest().scores().get(score).targetFpr();
    }

    /** The model line. */
    public String modelId() {
        return bundle.manifest().modelId();
    }

    /** The version. */
    public String modelVersion() {
        return bundle.manifest().modelVersion();
    }
}
