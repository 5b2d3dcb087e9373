package io.energysentinel.trainer.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.contract.bundle.BundleManifest;
import io.energysentinel.contract.bundle.SourceHistory;
import io.energysentinel.trainer.data.EventTable;
import io.energysentinel.trainer.export.BundleRequest;
import io.energysentinel.trainer.export.BundleWriter;
import io.energysentinel.trainer.export.Provenance;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.LayerSpec;
import io.energysentinel.trainer.model.NetworkBuilder;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import io.energysentinel.trainer.training.Objective;
import io.energysentinel.trainer.training.ObjectiveFit;
import io.energysentinel.trainer.training.StepStats;
import io.energysentinel.trainer.training.TrainingConfig;
import io.energysentinel.trainer.training.TrainingData;
import io.energysentinel.trainer.training.TrainingProgress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Trains the MLP energy net on the normal rows of an event table.
 *
 * <p>SGLD runs in standardised coordinates (z-scores, clamped to the config's data range): raw metrics
 * differ in scale by orders of magnitude, and one step size cannot fit them all. The saved model puts the
 * learned standardisation in front, so it takes raw metric values, as serving does.
 */
public final class EventTraining {
    private EventTraining() {}

    /**
     * What the run produced; {@code trainRows} are the raw rows it trained on (what baselines fit on in evaluate-events),
     * {@code calibration} and {@code check} the raw held-out normal rows its threshold is calibrated and checked on,
     * {@code reference} what its retraining anchor carries, {@code firstModel} its line's first model ({@code null} for a
     * line's first model), {@code history} the source history its features include ({@code null} for single records).
     */
    public record Result(TrainedModel model, Path modelDir, List<String> featureNames, int trainingRows, double seconds,
                         TrainingData standardised, float[][] calibration, float[][] check, long stepsTaken,
                         float[][] trainRows, EventAnchor.Reference reference, EventAnchor.FirstModel firstModel,
                         SourceHistory history) {
        /** This result as a model of {@code model} (the same run, e.g. with a feature-space score added). */
        public Result withModel(TrainedModel other) {
            return new Result(other, modelDir, featureNames, trainingRows, seconds, standardised, calibration, check, stepsTaken,
                    trainRows, reference, firstModel, history);
        }
    }

    /** Normal rows from which 10% + 10% are held out; smaller tables hold out 20% + 20%. */
    static final int LARGE_TABLE = 1000;

    /** Fewest normal rows {@link #train} accepts with {@code config}: checked before any training starts. */
    public static int minimumRows(TrainingConfig config) {
        int forHeldOut = (int) Math.ceil(BundleRequest.MIN_HELD_OUT / 0.2);
        int forABatch = (int) Math.ceil(config.batchSize() / 0.6);
        return Math.max(forHeldOut, forABatch);
    }

    /**
     * Trains on {@code table}'s unlabelled/normal rows with {@code objective}; with
     * {@code withHistory}, each row is first widened by its source's history ({@link SourceHistory#fittedTo} the normal
     * rows) over the whole table, labelled rows included, as the job's state sees every event it scores.
     */
    public static Result run(EventTable table, int hidden, TrainingConfig config, Objective objective, boolean withHistory,
            Path outDir, NDManager manager, boolean progressBar) {
        float[][] raw = table.features();
        SourceHistory history = withHistory ? SourceHistory.fittedTo(normalRows(table, raw, table.size())) : null;
        float[][] all = history == null ? raw : history.widenInOrder(table.sources(), raw);
        List<String> names = history == null ? table.featureNames() : SourceHistory.widenedNames(table.featureNames());
        return train(names, normalRows(table, all, table.size()), hidden, config, objective, history, outDir, manager, progressBar);
    }

    /** Among the first {@code end} of {@code rows} (one per row of {@code table}), those whose events carry no anomaly label. */
    public static float[][] normalRows(EventTable table, float[][] rows, int end) {
        List<float[]> normal = new ArrayList<>();
        for (int i = 0; i < end; i++) {
            if (table.labels().get(i).isEmpty()) {
                normal.add(rows[i]);
            }
        }
        return normal.toArray(new float[0][]);
    }

    /** PCD or CD-k, as {@code config.persistent()} says. */
    public static Objective contrastive(TrainingConfig config) {
        return config.persistent() ? Objective.PCD : Objective.CD;
    }

    /**
     * Trains on raw feature rows judged normal; 10% of them are held out for threshold calibration and 10%
     * for measuring the false-positive rate reached.
     */
    public static Result train(List<String> featureNames, float[][] allRows, int hidden, TrainingConfig config, Path outDir,
                               NDManager manager, boolean progressBar) {
        return train(featureNames, allRows, hidden, config, contrastive(config), null, outDir, manager, progressBar);
    }

    /**
     * As {@link #train(List, float[][], int, TrainingConfig, Path, NDManager, boolean)}, fitted by {@code objective}, on rows
     * that carry {@code history} after their metrics ({@code null} when they are single records).
     */
    public static Result train(List<String> featureNames, float[][] allRows, int hidden, TrainingConfig config, Objective objective,
                               SourceHistory history, Path outDir, NDManager manager, boolean progressBar) {
        int needed = minimumRows(config);
        if (allRows.length < needed) {
            throw new IllegalArgumentException("only " + allRows.length + " normal rows; an event model needs at least " + needed
                    + " (a batch of " + config.batchSize() + " to train on, " + BundleRequest.MIN_HELD_OUT
                    + " each to calibrate and to check its threshold)");
        }
        // A small table holds out a larger share, so the threshold is calibrated on more than a handful of rows.
        double heldOut = allRows.length >= LARGE_TABLE ? 0.1 : 0.2;
        io.energysentinel.trainer.data.Splits splits = io.energysentinel.trainer.data.Splits.of(allRows.length, heldOut, heldOut, config.seed());
        float[][] rows = pick(allRows, splits.train());
        List<List<Double>> stats = EnergyNets.standardization(rows);
        NetworkSpec full = EnergyNets.mlp(stats.get(0), stats.get(1), config.dataMin(), config.dataMax(), List.of(hidden, hidden));
        TrainedModel inner = EnergyNets.initialise(ModelKind.MLP_EBM, innerSpec(full), manager, config.seed());
        EventAnchor.Reference reference = new EventAnchor.Reference(featureNames, referenceSample(rows, config.seed()),
                pick(allRows, splits.validation()), pick(allRows, splits.test()));
        return fit(full, inner, rows, reference, reference.calibration(), reference.check(), null, config, objective, history, outDir,
                manager, progressBar);
    }

    /** Layers applied once to the data instead of inside PCD: standardisation and the clamp of z-scores. */
    static final int FIXED_LAYERS = 2;

    /** The layers PCD trains: all but the standardisation and clamp in front. */
    static NetworkSpec innerSpec(NetworkSpec full) {
        return new NetworkSpec(full.inputShape(), full.layers().subList(FIXED_LAYERS, full.layers().size()),
                full.featureLayer() - FIXED_LAYERS);
    }

    /**
     * Trains {@code inner} (fresh, or warm-started from a serving model) by PCD on {@code rows} in the standardised,
     * clamped coordinates of {@code full}, then composes the whole model and saves it under {@code outDir/model}.
     * The threshold will be calibrated on {@code calibration} and checked on {@code check}; {@code firstModel} is the
     * line's first model, carried forward ({@code null} for a line's first model, which becomes its own).
     */
    static Result fit(NetworkSpec full, TrainedModel inner, float[][] rows, EventAnchor.Reference reference, float[][] calibration,
                      float[][] check, EventAnchor.FirstModel firstModel, TrainingConfig config, SourceHistory history, Path outDir,
                      NDManager manager, boolean progressBar) {
        return fit(full, inner, rows, reference, calibration, check, firstModel, config, contrastive(config), history, outDir, manager,
                progressBar);
    }

    /**
     * As {@link #fit(NetworkSpec, TrainedModel, float[][], EventAnchor.Reference, float[][], float[][], EventAnchor.FirstModel,
     * TrainingConfig, SourceHistory, Path, NDManager, boolean)}, by {@code objective}: NCE contrasts the standardised rows with a Gaussian
     * 1.5 times as wide as they are (see {@link ObjectiveFit#NCE_NOISE_WIDTH}).
     */
    static Result fit(NetworkSpec full, TrainedModel inner, float[][] rows, EventAnchor.Reference reference, float[][] calibration,
                      float[][] check, EventAnchor.FirstModel firstModel, TrainingConfig config, Objective objective,
                      SourceHistory history, Path outDir, NDManager manager, boolean progressBar) {
        List<String> featureNames = reference.featureNames();
        long start = System.nanoTime();
        LayerSpec.Standardize standardize = (LayerSpec.Standardize) full.layers().get(0);
        LayerSpec.Clamp clamp = (LayerSpec.Clamp) full.layers().get(1);
        float[][] z = standardise(rows, standardize.mean(), standardize.std(), (float) clamp.min(), (float) clamp.max());
        int[] labels = new int[z.length];
        Arrays.fill(labels, -1);
        TrainingData data = new TrainingData("events/" + featureNames.size() + "-features", z, labels, full.inputShape());
        long steps;
        try (TrainingProgress bar = progressBar ? new TrainingProgress("mlp", config.steps(), config.timeBudget()) : null) {
            Consumer<StepStats> progress = s -> {
                if (bar != null) {
                    bar.accept(s);
                }
            };
            steps = ObjectiveFit.run(objective, inner, data, config, manager, progress, chains -> { }).steps();
        }
        SequentialBlock block = new SequentialBlock();
        for (LayerSpec layer : full.layers().subList(0, FIXED_LAYERS)) {
            block.add(NetworkBuilder.block(layer));
        }
        for (Block child : inner.block().getChildren().values()) {
            block.add(child);
        }
        // Initialising the composed block only records input shapes: the children's trained parameters are
        // already initialised and DJL keeps them. The check guards that assumption.
        float[] before = inner.block().getParameters().get(0).getValue().getArray().toFloatArray();
        block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32,
                new ai.djl.ndarray.types.Shape(1, featureNames.size()));
        if (!Arrays.equals(before, block.getParameters().get(0).getValue().getArray().toFloatArray())) {
            throw new IllegalStateException("initialising the composed MLP block changed trained weights");
        }
        TrainedModel model = new TrainedModel(ModelKind.MLP_EBM, full, block, Optional.empty(), Optional.empty());
        Path modelDir = outDir.resolve("model");
        TrainedModels.save(model, modelDir);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("kind", ModelKind.MLP_EBM);
        summary.put("featureNames", featureNames);
        summary.put("trainingRows", rows.length);
        summary.put("dataFingerprint", data.fingerprint());
        summary.put("objective", objective.name().toLowerCase(java.util.Locale.ROOT));
        summary.put("config", config.asMap());
        double seconds = (System.nanoTime() - start) / 1e9;
        summary.put("seconds", seconds);
        ImageTraining.writeJson(outDir.resolve("training.json"), summary);
        return new Result(model, modelDir, featureNames, rows.length, seconds, data, calibration, check, steps, rows, reference,
                firstModel, history);
    }

    /** At most {@link EventAnchor#MAX_REFERENCE_ROWS} of {@code rows}, uniformly. */
    static float[][] referenceSample(float[][] rows, long seed) {
        if (rows.length <= EventAnchor.MAX_REFERENCE_ROWS) {
            return rows;
        }
        int[] order = io.energysentinel.trainer.data.Splits.permutation(rows.length, seed);
        return pick(rows, Arrays.copyOf(order, EventAnchor.MAX_REFERENCE_ROWS));
    }

    static float[][] pick(float[][] rows, int[] idx) {
        float[][] out = new float[idx.length][];
        for (int i = 0; i < idx.length; i++) {
            out[i] = rows[idx[i]];
        }
        return out;
    }

    static float[][] standardise(float[][] rows, List<Double> mean, List<Double> std, float min, float max) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = new float[rows[i].length];
            for (int j = 0; j < rows[i].length; j++) {
                float v = (float) ((rows[i][j] - mean.get(j)) / std.get(j));
                out[i][j] = Math.max(min, Math.min(max, v));
            }
        }
        return out;
    }

    /**
     * Writes {@code result} as a bundle into {@code dir}: thresholds calibrated on its held-out normal rows at
     * {@code targetFpr}, the FPR reached on the second held-out set, golden vectors, provenance.
     */
    public static BundleManifest writeBundle(Result result, String modelId, String modelVersion, double targetFpr,
                                             TrainingConfig config, Path dir, NDManager manager) {
        return writeBundle(result, modelId, modelVersion, targetFpr, config, dir, manager, null);
    }

    /**
     * As {@link #writeBundle(Result, String, String, double, TrainingConfig, Path, NDManager)}, recording {@code command}.
     * The bundle carries its {@link io.energysentinel.contract.bundle.RetrainingAnchor}: the weights and the reference
     * sample, with the admission ceiling at the calibration scores' {@code 1 - ADMIT_MARGIN x targetFpr} quantile.
     */
    public static BundleManifest writeBundle(Result result, String modelId, String modelVersion, double targetFpr,
                                             TrainingConfig config, Path dir, NDManager manager, String command) {
        BundleManifest written = BundleWriter.write(new BundleRequest(result.model(), modelId, modelVersion, result.calibration(),
                result.check(), targetFpr, Map.of(), Provenance.of(result.standardised().fingerprint(), result.standardised().name(),
                        config.seed(), result.stepsTaken(), config.asMap()).withCommand(command),
                result.featureNames(), -3.4e38, 3.4e38, null, result.history()), dir, manager);
        return AnchoredBundles.anchor(dir, written, result.calibration(), result.reference(), result.firstModel(), targetFpr,
                (ceiling, median, first) -> EventAnchor.write(dir, result.model(), result.reference(), ceiling, median, first));
    }

    /**
     * Width of the band below the threshold whose records never enter retraining, in multiples of the target FPR:
     * at 1% the job keeps records scoring under the reference's 90th percentile. A record that close to alerting
     * may be the start of an anomaly; retraining on it would teach the model to accept it.
     */
    public static final double ADMIT_MARGIN = 10;

    /**
     * The quantile of the first model's reference scores above which a fresh row never trains a later version of its
     * line: the line may learn more of what its first model found typical, never its tail, so that a drift cannot be
     * learned a tail at a time. The reference rows still carry the whole normal range into every fine-tuning.
     */
    public static final double VET_QUANTILE = 0.75;

    /**
     * The training settings the event MLP is fitted with: SGLD in standardised coordinates clamped to
     * [-6, 6], with smaller, unclamped steps than the image models use, and Adam at 5e-4 (the image models' 1e-4 left
     * the MLP short of its fit in 2,000 steps). {@code train --kind mlp} and {@code evaluate-events} both start here.
     */
    public static TrainingConfig.Builder defaults() {
        return TrainingConfig.builder().optSgldSteps(10).optSgldStepSize(0.1).optSgldGradClamp(0).optDataRange(-6f, 6f)
                .optLearningRate(5e-4);
    }

    /**
     * The MLP's hidden width unless told otherwise: on the event benchmark ({@code evaluate-events --events 4000}, three
     * streams, source history) 128 reached an energy AUROC of 0.9075 and 88% of episodes, 64 0.9023 and 80%, 256 0.9074.
     */
    public static final int DEFAULT_HIDDEN = 128;
}
