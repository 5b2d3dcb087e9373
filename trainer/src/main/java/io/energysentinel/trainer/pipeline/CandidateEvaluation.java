package io.energysentinel.trainer.pipeline;

import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.trainer.export.ThresholdCalibrator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A retrained candidate measured beside the serving model before it sees live traffic, all with ONNX Runtime as
 * serving scores: false positives on the reference check rows (which no serving model filtered) and on fresh rows held
 * out from its training, recall on the line's canaries (per kind and overall) for both models, and how far the
 * threshold moved, in units of the serving model's margin between its median reference score and its threshold.
 *
 * @param targetFpr the FPR both thresholds aim for
 * @param referenceFpr candidate's FPR on the reference check rows
 * @param referenceRows how many reference check rows
 * @param freshFpr candidate's FPR on the fresh held-out rows
 * @param freshRows how many fresh held-out rows
 * @param servingFreshFpr serving model's FPR on the same fresh rows
 * @param canaryRecall candidate's recall per canary kind, plus {@code overall}
 * @param servingCanaryRecall serving model's recall per canary kind, plus {@code overall}
 * @param baselineCanaryRecall the line's first model's overall canary recall (its anchor's)
 * @param thresholdMove {@code (candidate threshold - serving threshold) / (serving threshold - serving median)}
 */
public record CandidateEvaluation(double targetFpr, double referenceFpr, int referenceRows, double freshFpr, int freshRows,
                                  double servingFreshFpr,
                                  Map<String, Double> canaryRecall, Map<String, Double> servingCanaryRecall, double baselineCanaryRecall,
                                  double thresholdMove) {
    /** The key of the mean recall over all canary kinds. */
    public static final String OVERALL = "overall";

    /** Measures {@code candidate} beside {@code serving} (both on their default score). */
    public static CandidateEvaluation of(ModelBundle serving, ModelBundle candidate, AnchorReference reference, float[][] freshCheck,
                                         long seed) {
        String score = candidate.manifest().defaultScore().id();
        double candidateThreshold = candidate.threshold(candidate.manifest().defaultScore()).threshold();
        double servingThreshold = serving.threshold(serving.manifest().defaultScore()).threshold();
        String servingScore = serving.manifest().defaultScore().id();
        long canarySeed = serving.manifest().training().dataFingerprint().hashCode();
        Map<String, Double> recall = canaryRecall(candidate, reference, canarySeed);
        Map<String, Double> servingRecall = canaryRecall(serving, reference, canarySeed);
        float[] servingCalibration = serving.score(reference.calibration()).column(servingScore);
        double[] values = new double[servingCalibration.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = servingCalibration[i];
        }
        double margin = Math.max(1e-9, servingThreshold - ThresholdCalibrator.quantile(values, 0.5));
        return new CandidateEvaluation(candidate.threshold(candidate.manifest().defaultScore()).targetFpr(),
                above(candidate.score(reference.check()).column(score), candidateThreshold), reference.check().length,
                above(candidate.score(freshCheck).column(score), candidateThreshold), freshCheck.length,
                above(serving.score(freshCheck).column(servingScore), servingThreshold),
                recall, servingRecall, serving.manifest().anchor().canaryRecall(), (candidateThreshold - servingThreshold) / margin);
    }

    /** Recall of {@code bundle} at its threshold on the canaries of {@code reference}, per kind and {@link #OVERALL}. */
    public static Map<String, Double> canaryRecall(ModelBundle bundle, AnchorReference reference, long seed) {
        String score = bundle.manifest().defaultScore().id();
        double threshold = bundle.threshold(bundle.manifest().defaultScore()).threshold();
        Map<String, Double> recall = new LinkedHashMap<>();
        for (Map.Entry<String, float[][]> kind : reference.canaries(seed).entrySet()) {
            recall.put(kind.getKey(), above(bundle.score(kind.getValue()).column(score), threshold));
        }
        recall.put(OVERALL, recall.values().stream().mapToDouble(Double::doubleValue).average().orElse(0));
        return recall;
    }

    private static double above(float[] scores, double threshold) {
        int n = 0;
        for (float s : scores) {
            if (!(s <= threshold)) {
                n++;
            }
        }
        return n / (double) scores.length;
    }
}
