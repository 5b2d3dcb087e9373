package io.energysentinel.trainer.pipeline;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.bundle.RetrainingAnchor;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.export.BundleWriter;
import io.energysentinel.trainer.export.ThresholdCalibrator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Gives a bundle just written its {@link RetrainingAnchor}, whatever its kind: scores its calibration inputs once, the
 * way serving will, for the admission ceiling and the median, and, for a line's first model, for its vetting ceiling and
 * canary recall; then writes the anchor and the manifest naming it, and loads the bundle back through verification.
 */
final class AnchoredBundles {
    private AnchoredBundles() {}

    /** Writes the anchor files given the ceilings the bundle's own scores gave. */
    @FunctionalInterface
    interface AnchorWriter {
        RetrainingAnchor write(double admitCeiling, double referenceMedian, EventAnchor.FirstModel first);
    }

    /**
     * Anchors the bundle written into {@code dir}: its admission ceiling is the calibration scores'
     * {@code 1 - ADMIT_MARGIN x targetFpr} quantile; {@code first} is its line's first model, {@code null} when it is one.
     */
    static BundleManifest anchor(Path dir, BundleManifest written, float[][] calibration, AnchorReference reference,
                                 EventAnchor.FirstModel first, double targetFpr, AnchorWriter writer) {
        double[] scores;
        try (ModelBundle bundle = BundleLoader.load(dir, ScorerOptions.cpu())) {
            float[] column = bundle.score(calibration).column(written.defaultScore().id());
            scores = new double[column.length];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = column[i];
            }
            if (first == null) {
                first = new EventAnchor.FirstModel(dir.resolve(BundleWriter.ONNX_FILE),
                        ThresholdCalibrator.quantile(scores, EventTraining.VET_QUANTILE),
                        CandidateEvaluation.canaryRecall(bundle, reference, written.training().dataFingerprint().hashCode())
                                .get(CandidateEvaluation.OVERALL));
            }
        }
        double ceiling = ThresholdCalibrator.quantile(scores, Math.max(0.5, 1 - EventTraining.ADMIT_MARGIN * targetFpr));
        BundleManifest anchored = written.withAnchor(writer.write(ceiling, ThresholdCalibrator.quantile(scores, 0.5), first));
        try {
            Json.mapper().writeValue(dir.resolve(BundleManifest.FILE_NAME).toFile(), anchored);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(BundleManifest.FILE_NAME), e);
        }
        try (ModelBundle verified = BundleLoader.load(dir, ScorerOptions.cpu())) {
            return verified.manifest();
        }
    }
}
