package io.energysentinel.trainer.export;

import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.SourceHistory;
import io.energysentinel.contract.bundle.TrainingProvenance;
import io.energysentinel.trainer.model.TrainedModel;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything a bundle is made from.
 *
 * @param model the trained model
 * @param modelId model line, e.g. {@code fashion-jem}
 * @param modelVersion version within the line
 * @param calibration held-out normal inputs the thresholds are the quantiles of
 * @param check a second, disjoint set of held-out normal inputs to measure the FPR reached
 * @param targetFpr the false-positive rate thresholds aim for
 * @param metrics evaluation metrics to record
 * @param provenance where the model came from
 * @param featureNames event feature names in input order; empty for images
 * @param inputMin smallest valid raw input value
 * @param inputMax largest valid raw input value
 * @param preferredScore score to alert on by default, or {@code null} to choose by the model's kind
 * @param history the source history an event model's features include ({@code featureNames} then name it), or {@code null}
 */
public record BundleRequest(TrainedModel model, String modelId, String modelVersion, float[][] calibration, float[][] check,
                            double targetFpr, Map<String, Double> metrics, TrainingProvenance provenance,
                            List<String> featureNames, double inputMin, double inputMax, ScoreName preferredScore,
                            SourceHistory history) {
    /** Fewest held-out inputs of each kind a threshold is calibrated and checked on. */
    public static final int MIN_HELD_OUT = 20;

    public BundleRequest {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(modelVersion, "modelVersion");
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        featureNames = featureNames == null ? List.of() : List.copyOf(featureNames);
        if (calibration.length < MIN_HELD_OUT || check.length < MIN_HELD_OUT) {
            throw new IllegalArgumentException("need at least " + MIN_HELD_OUT + " calibration and " + MIN_HELD_OUT
                    + " check inputs, got " + calibration.length + " and " + check.length);
        }
    }

    /** A request for a model of single records (no source history): every image model, and event models without it. */
    public BundleRequest(TrainedModel model, String modelId, String modelVersion, float[][] calibration, float[][] check,
                         double targetFpr, Map<String, Double> metrics, TrainingProvenance provenance,
                         List<String> featureNames, double inputMin, double inputMax, ScoreName preferredScore) {
        this(model, modelId, modelVersion, calibration, check, targetFpr, metrics, provenance, featureNames, inputMin, inputMax,
                preferredScore, null);
    }
}
