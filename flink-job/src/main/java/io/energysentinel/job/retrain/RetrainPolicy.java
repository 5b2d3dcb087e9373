package io.energysentinel.job.retrain;

import io.energysentinel.trainer.pipeline.CandidateEvaluation;
import java.io.Serializable;
import java.util.Locale;

/**
 * The rules a retrained candidate must pass, and the band a promoted model's live alert rate must stay in. One
 * owner for every number retraining decides by; each verdict says which rule decided, with the measured numbers.
 *
 * @param quarantineRecords records of a source that must follow a sample, none alerting, before it may train a model;
 *     the same number after an alerting record are never kept (the edges of an episode)
 * @param driftTolerance how far (in units of the serving model's median-to-threshold margin) a source's recent scores may
 *     rise above its own baseline before none of its records train a model: a slow drift stays an anomaly
 * @param shadowRecords records a candidate scores beside the serving model before the gate decides
 * @param fprTolerance how far above the target FPR a candidate's measured FPR may lie (absolute, e.g. 0.01)
 * @param recallTolerance how far below the line's first model's canary recall a candidate's may lie (absolute)
 * @param maxThresholdMove largest threshold move per version, in units of the serving model's median-to-threshold margin
 * @param revertFactor a promoted model whose alert rate exceeds this many times its calibrated FPR is out of band
 * @param revertWindowRecords records per window of the live alert rate after a promotion
 * @param revertWindows consecutive windows out of band (too many alerts, or none where several were expected) that
 *     revert a promotion
 * @param watchWindows windows after a promotion during which it can be reverted
 */
public record RetrainPolicy(int quarantineRecords, double driftTolerance, int shadowRecords, double fprTolerance, double recallTolerance,
                            double maxThresholdMove, double revertFactor, int revertWindowRecords, int revertWindows,
                            int watchWindows) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Expected alerts per window at and above which a window with none counts as a collapse. */
    static final double COLLAPSE_EXPECTED_ALERTS = 10;

    public RetrainPolicy {
        if (quarantineRecords < 0 || shadowRecords < 1 || revertWindowRecords < 1 || revertWindows < 1 || watchWindows < revertWindows) {
            throw new IllegalArgumentException("need quarantine-records >= 0, shadow-records >= 1, revert-window-records >= 1,"
                    + " 1 <= revert-windows <= revert-watch-windows");
        }
        if (!(driftTolerance > 0)) {
            throw new IllegalArgumentException("need drift-tolerance > 0");
        }
        if (!(fprTolerance >= 0) || !(recallTolerance >= 0) || !(maxThresholdMove > 0) || !(revertFactor > 1)) {
            throw new IllegalArgumentException("need gate-fpr-tolerance >= 0, gate-recall-tolerance >= 0, gate-max-threshold-move > 0,"
                    + " revert-factor > 1");
        }
    }

    /** A verdict: passed, or the first rule that failed; {@code detail} gives all the numbers either way. */
    public record Verdict(boolean passed, String rule, String detail) implements Serializable {}

    /**
     * The highest FPR measured on {@code n} rows that still passes: the target plus the tolerance plus two binomial
     * standard errors, so a candidate is not rejected for the noise of a small check set (on 200 rows at 1%, one
     * false positive is half a point).
     */
    public double fprLimit(double targetFpr, long n) {
        return targetFpr + fprTolerance + 2 * Math.sqrt(targetFpr * (1 - targetFpr) / Math.max(1, n));
    }

    /**
     * The checks before live traffic: FPR on fresh held-out rows (the reference's FPR is the calibration's by construction,
     * reported only), canary recall against the line's first model, threshold move.
     */
    public Verdict beforeShadow(CandidateEvaluation e) {
        String detail = String.format(Locale.ROOT,
                "reference FPR %.4f of %d (in its calibration set), fresh FPR %.4f of %d (limit %.4f; serving %.4f), target %.4f; canary recall %.3f (serving %.3f, line's first %.3f, tolerance %.3f)"
                        + " per kind %s; threshold move %.2f margins (max %.2f)",
                e.referenceFpr(), e.referenceRows(), e.freshFpr(), e.freshRows(),
                fprLimit(e.targetFpr(), e.freshRows()), e.servingFreshFpr(), e.targetFpr(),
                e.canaryRecall().get(CandidateEvaluation.OVERALL), e.servingCanaryRecall().get(CandidateEvaluation.OVERALL),
                e.baselineCanaryRecall(), recallTolerance, e.canaryRecall(), e.thresholdMove(), maxThresholdMove);
        if (e.freshFpr() > fprLimit(e.targetFpr(), e.freshRows())) {
            return new Verdict(false, "fresh_fpr", detail);
        }
        // Held to the line's first model, not the serving one: a tolerance per version would let recall erode version by version.
        if (e.canaryRecall().get(CandidateEvaluation.OVERALL) < e.baselineCanaryRecall() - recallTolerance) {
            return new Verdict(false, "canary_recall", detail);
        }
        if (Math.abs(e.thresholdMove()) > maxThresholdMove) {
            return new Verdict(false, "threshold_move", detail);
        }
        return new Verdict(true, "passed", detail);
    }

    /**
     * The shadow verdict on live traffic: of the records the serving model judged normal, the share the candidate
     * flags must stay within the target FPR plus tolerance; and where the serving model flagged at least 20 records,
     * the candidate must flag at least half of them too (alert agreement).
     */
    public Verdict afterShadow(ShadowTally t, double targetFpr) {
        double fpr = t.servingNormal() == 0 ? 0 : t.candidateOnly() / (double) t.servingNormal();
        long servingAnomalous = t.bothAnomalous() + t.servingOnly();
        double agreement = servingAnomalous == 0 ? 1 : t.bothAnomalous() / (double) servingAnomalous;
        String detail = String.format(Locale.ROOT,
                "%d records shadow-scored: candidate flags %.4f of those serving judged normal (limit %.4f); flags %d of"
                        + " serving's %d anomalous (agreement %.3f)",
                t.records(), fpr, fprLimit(targetFpr, t.servingNormal()), t.bothAnomalous(), servingAnomalous, agreement);
        if (fpr > fprLimit(targetFpr, t.servingNormal())) {
            return new Verdict(false, "shadow_fpr", detail);
        }
        if (servingAnomalous >= 20 && agreement < 0.5) {
            return new Verdict(false, "alert_agreement", detail);
        }
        return new Verdict(true, "passed", detail);
    }

    /** Whether one window of a promoted model's live traffic is out of band: too many alerts, or a collapse to none. */
    public boolean outOfBand(long records, long anomalous, double calibratedFpr) {
        double rate = anomalous / (double) records;
        boolean tooMany = rate > revertFactor * calibratedFpr;
        boolean collapsed = anomalous == 0 && records * calibratedFpr >= COLLAPSE_EXPECTED_ALERTS;
        return tooMany || collapsed;
    }
}
