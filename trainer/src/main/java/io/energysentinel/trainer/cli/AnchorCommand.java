package io.energysentinel.trainer.cli;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.ScoreName;
import io.energysentinel.contract.bundle.BundleLoader;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.ModelBundle;
import io.energysentinel.contract.scoring.ScorerOptions;
import io.energysentinel.trainer.data.DataLocator;
import io.energysentinel.trainer.data.FashionMnist;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import io.energysentinel.trainer.pipeline.ImageAnchor;
import io.energysentinel.trainer.pipeline.ImageTraining;
import io.energysentinel.trainer.scores.OodScorer;
import io.energysentinel.trainer.training.TrainingData;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Makes an image bundle written before bundles carried anchors retrainable by the job: rebuilds its training split
 * from its provenance (seed, held-out size), proves it is the split the bundle was trained on (the data fingerprint)
 * and that the saved weights are the bundle's (their scores against the graph's), then writes the anchor.
 */
@Command(name = "anchor", mixinStandardHelpOptions = true,
        description = "Adds a retraining anchor to an image bundle from the model directory it was exported from.")
final class AnchorCommand implements Callable<Integer> {
    /** Largest relative difference between DJL's and ONNX Runtime's default score for the same weights. */
    private static final double SCORE_TOLERANCE = 1e-3;

    @Option(names = "--bundle", required = true, description = "Image bundle directory to anchor (rewritten in place).")
    Path bundle;

    @Option(names = "--model", required = true, description = "The trained model directory the bundle came from (train's OUT/model).")
    Path model;

    @Option(names = "--validation", defaultValue = "5000", description = "Held-out images of the original training run (default ${DEFAULT-VALUE}).")
    int validation;

    @Option(names = "--train-limit", defaultValue = "0", description = "The original run's --train-limit (default ${DEFAULT-VALUE}).")
    int trainLimit;

    @Option(names = "--data", description = "Fashion-MNIST directory (default: found as train finds it).")
    Path data;

    @Override
    public Integer call() {
        BundleManifest manifest = BundleLoader.readManifest(bundle);
        if (manifest.kind() == ModelKind.MLP_EBM) {
            throw new IllegalArgumentException(bundle + " is an event bundle; event bundles are anchored when written by train --kind mlp");
        }
        if (manifest.anchor() != null) {
            throw new IllegalArgumentException(bundle + " already carries an anchor");
        }
        Path fashion = data != null ? data : DataLocator.fromEnvironment().requireFashionMnist();
        ImageTraining.Split split = ImageTraining.split(FashionMnist.load(fashion, FashionMnist.Split.TRAIN), trainLimit, validation,
                manifest.training().seed());
        String fingerprint = new TrainingData(split.fit().name(), split.fit().pixels(), split.fit().labels(), manifest.input().shape())
                .fingerprint();
        if (!fingerprint.equals(manifest.training().dataFingerprint())) {
            throw new IllegalArgumentException("the split rebuilt with seed " + manifest.training().seed() + " and --validation " + validation
                    + " is not the data " + manifest.modelId() + " was trained on (fingerprint " + fingerprint.substring(0, 12) + ", the bundle's "
                    + manifest.training().dataFingerprint().substring(0, 12) + "); pass the original run's --validation and --train-limit");
        }
        try (NDManager manager = NDManager.newBaseManager();
             ModelBundle served = BundleLoader.load(bundle, ScorerOptions.cpu())) {
            TrainedModel trained = TrainedModels.load(model, manager);
            float[][] probe = Arrays.copyOf(split.calibration(), 64);
            ScoreName score = ScoreName.fromId(manifest.defaultScore().id());
            double[] djl = new OodScorer(trained).scoreAll(probe, manager).get(score);
            float[] onnx = served.score(probe).column(score.id());
            for (int i = 0; i < probe.length; i++) {
                if (djl == null || Math.abs(djl[i] - onnx[i]) > SCORE_TOLERANCE * Math.max(1, Math.abs(onnx[i]))) {
                    throw new IllegalArgumentException(model + " does not hold the weights of " + bundle + ": held-out image " + i + " scores "
                            + (djl == null ? "nothing" : djl[i]) + " there, " + onnx[i] + " in the bundle (" + score.id() + ")");
                }
            }
            double targetFpr = served.threshold(manifest.defaultScore()).targetFpr();
            BundleManifest anchored = ImageAnchor.attach(bundle, manifest, trained,
                    ImageAnchor.Reference.sample(split.fit(), split.calibration(), split.check(), manifest.training().seed()),
                    split.calibration(), targetFpr, null);
            System.out.printf("anchored %s/%s: %d reference images, admission ceiling %.4f, first model's canary recall %.3f%n",
                    anchored.modelId(), anchored.modelVersion(), anchored.anchor().referenceRows(), anchored.anchor().admitCeiling(),
                    anchored.anchor().canaryRecall());
        }
        return 0;
    }
}
