package io.energysentinel.trainer.pipeline;

import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.data.ImageDataset;
import io.energysentinel.trainer.data.Splits;
import io.energysentinel.trainer.evaluation.Corruptions;
import io.energysentinel.trainer.evaluation.Plots;
import io.energysentinel.trainer.evaluation.ProcessMemory;
import io.energysentinel.trainer.model.DeepFeatureGaussians;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.FeatureGaussians;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import io.energysentinel.trainer.model.TrainedModels;
import io.energysentinel.trainer.scores.DeepFeatureFit;
import io.energysentinel.trainer.scores.FeatureGaussianFit;
import io.energysentinel.trainer.scores.OodScorer;
import io.energysentinel.trainer.training.Objective;
import io.energysentinel.trainer.training.ObjectiveFit;
import io.energysentinel.trainer.training.StepStats;
import io.energysentinel.trainer.training.TrainingConfig;
import io.energysentinel.trainer.training.TrainingData;
import io.energysentinel.trainer.training.TrainingProgress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Trains an image model end to end: the main EBM or JEM, the background model for the energy ratio,
 * and (JEM) the feature Gaussians for Mahalanobis and deep Mahalanobis; saves it with a training summary and a sample grid.
 */
public final class ImageTraining {
    /** Images the feature Gaussians are fitted on, at most. */
    private static final int GAUSSIAN_FIT_IMAGES = 20_000;

    private ImageTraining() {}

    /** What the run produced and where. */
    public record Result(TrainedModel model, Path modelDir, TrainingData trainingData, Split split,
                         Map<String, Object> summary) {
        /** Optimiser steps actually taken: warm-up, main and background model together. */
        public long stepsTaken() {
            long steps = 0;
            for (String part : List.of("classifierWarmup", "main", "background")) {
                if (summary.get(part) instanceof Map<?, ?> m && m.get("steps") instanceof Number n) {
                    steps += n.longValue();
                }
            }
            return steps;
        }
    }

    /**
     * The images a model trains on and those held out to calibrate it: the validation images are the first half
     * calibration, the second half check.
     */
    public record Split(ImageDataset fit, float[][] validation) {
        /** The held-out images thresholds are calibrated on. */
        public float[][] calibration() {
            return java.util.Arrays.copyOfRange(validation, 0, validation.length / 2);
        }

        /** The held-out images the FPR reached is measured on. */
        public float[][] check() {
            return java.util.Arrays.copyOfRange(validation, validation.length / 2, validation.length);
        }
    }

    /**
     * How {@link #run} splits {@code train}: at most {@code trainLimit} images (0 = all), {@code validationSize} of them
     * (at most half) held out, drawn by {@code seed}. The same arguments give the same split, which is how a bundle
     * trained before anchors existed can get one ({@code anchor} command).
     */
    public static Split split(ImageDataset train, int trainLimit, int validationSize, long seed) {
        ImageDataset usable = trainLimit > 0 ? train.take(trainLimit) : train;
        double validationFraction = Math.min(0.5, validationSize / (double) usable.size());
        Splits splits = Splits.of(usable.size(), validationFraction, 0, seed);
        return new Split(usable.subset(splits.train(), usable.name() + "/train-split"),
                usable.subset(splits.validation(), usable.name() + "/validation").pixels());
    }

    /** Trains on {@code train} per {@code plan}, writing into {@code outDir}. */
    public static Result run(ImageDataset train, ImageTrainingPlan plan, Path outDir, NDManager manager, boolean progressBar) {
        Split split = split(train, plan.trainLimit(), plan.validationSize(), plan.config().seed());
        ImageDataset fit = split.fit();
        float[][] validation = split.validation();
        List<Integer> shape = List.of(1, fit.rows(), fit.cols());
        TrainingData data = new TrainingData(fit.name(), fit.pixels(), fit.labels(), shape);

        NetworkSpec spec = plan.kind() == ModelKind.JEM
                ? EnergyNets.jem(shape, plan.channels(), plan.hidden(), 10)
                : EnergyNets.convEnergy(shape, plan.channels());
        long start = System.nanoTime();
        TrainingConfig mainConfig = share(plan.config(), 1 - plan.backgroundShare());
        TrainedModel main = EnergyNets.initialise(plan.kind(), spec, manager, plan.config().seed());
        Map<String, Object> summary = new LinkedHashMap<>();
        if (plan.classifierWarmupShare() > 0) {
            // Classification is learnt far faster without SGLD; the joint phase then starts from useful
            // features instead of spending its budget on them.
            TrainingConfig warmup = share(mainConfig, plan.classifierWarmupShare()).withGenerativeWeight(0);
            summary.put("classifierWarmup", train(main, data, warmup, plan.objective(), manager, outDir, "warm-up", progressBar));
            mainConfig = share(mainConfig, 1 - plan.classifierWarmupShare());
        }
        summary.put("main", train(main, data, mainConfig, plan.objective(), manager, outDir, "main", progressBar));

        Optional<TrainedModel> background = Optional.empty();
        if (plan.backgroundShare() > 0) {
            TrainingData perturbed = new TrainingData(data.name() + "/pixel-replaced-" + plan.perturbRate(),
                    Corruptions.pixelReplacement(data.inputs(), plan.perturbRate(), plan.config().seed() + 1), data.labels(), shape);
            TrainingConfig bgConfig = share(plan.config(), plan.backgroundShare()).withSeed(plan.config().seed() + 1);
            TrainedModel bg = EnergyNets.initialise(plan.kind(), spec, manager, plan.config().seed() + 1);
            summary.put("background", train(bg, perturbed, bgConfig, plan.objective(), manager, outDir, "background", progressBar));
            background = Optional.of(bg);
        }

        Optional<FeatureGaussians> gaussians = Optional.empty();
        Optional<DeepFeatureGaussians> deep = Optional.empty();
        // The training images every post-training fit reads (Gaussians, pixel statistics, feature energy).
        int n = Math.min(GAUSSIAN_FIT_IMAGES, data.size());
        float[][] fitImages = java.util.Arrays.copyOf(data.inputs(), n);
        if (spec.featureLayer() >= 0 && plan.kind() == ModelKind.JEM) {
            TrainedModel bare = new TrainedModel(plan.kind(), spec, main.block(), Optional.empty(), Optional.empty());
            int[] fitLabels = java.util.Arrays.copyOf(data.labels(), n);
            float[][] features = new OodScorer(bare).features(fitImages, manager);
            gaussians = Optional.of(FeatureGaussianFit.fit(features, fitLabels, 10, 1e-3, manager));
            deep = DeepFeatureFit.fit(new TrainedModel(plan.kind(), spec, main.block(), Optional.empty(), gaussians),
                    fitImages, fitLabels, 10, split.calibration(), manager);
        }
        TrainedModel model = new TrainedModel(plan.kind(), spec, main.block(), background, gaussians, deep);
        if (deep.isPresent()) {
            model = PixelStatisticsFit.fit(model, fitImages, split.calibration(), manager);
        }
        if (plan.featureEnergySteps() > 0) {
            long headStart = System.nanoTime();
            model = FeatureEnergyFit.fit(model, fitImages, plan.featureEnergySteps(), plan.config().seed(), outDir, manager);
            summary.put("featureEnergy", Map.of("steps", plan.featureEnergySteps(), "images", n,
                    "seconds", (System.nanoTime() - headStart) / 1e9));
        }
        Path modelDir = outDir.resolve("model");
        TrainedModels.save(model, modelDir);
        summary.put("kind", plan.kind());
        summary.put("objective", plan.objective().name().toLowerCase(java.util.Locale.ROOT));
        summary.put("data", data.name());
        summary.put("dataFingerprint", data.fingerprint());
        summary.put("trainingImages", data.size());
        summary.put("seconds", (System.nanoTime() - start) / 1e9);
        summary.put("config", plan.config().asMap());
        summary.put("peakRssMb", ProcessMemory.peakRssMb());
        writeJson(outDir.resolve("training.json"), summary);
        return new Result(model, modelDir, data, split, summary);
    }

    private static Map<String, Object> train(TrainedModel model, TrainingData data, TrainingConfig config, Objective objective,
                                             NDManager manager, Path outDir, String name, boolean progressBar) {
        long start = System.nanoTime();
        StepStats[] last = new StepStats[1];
        Map<String, Object> out = new LinkedHashMap<>();
        try (TrainingProgress bar = progressBar ? new TrainingProgress(name, config.steps(), config.timeBudget()) : null) {
            java.util.function.Consumer<StepStats> progress = s -> {
                last[0] = s;
                if (bar != null) {
                    bar.accept(s);
                }
            };
            ObjectiveFit.Outcome fit = ObjectiveFit.run(objective, model, data, config, manager, progress, chains -> {
                if (config.generativeWeight() > 0 || model.kind() != ModelKind.JEM) {
                    Plots.sampleGrid(chains, 64, 28, outDir.resolve("samples-" + name + ".png"));
                }
            });
            out.put("steps", fit.steps());
            if (objective == Objective.NCE) {
                out.put("skipped", fit.skipped());
            } else {
                out.put("restores", fit.restores());
                out.put("finalLearningRate", fit.finalLearningRate());
            }
        }
        out.put("seconds", (System.nanoTime() - start) / 1e9);
        out.put("last", last[0]);
        return out;
    }

    /** The config with its step and time budgets scaled by {@code share}. */
    static TrainingConfig share(TrainingConfig c, double share) {
        long steps = Math.max(1, Math.round(c.steps() * share));
        Duration time = c.timeBudget().isZero() ? Duration.ZERO : Duration.ofMillis(Math.round(c.timeBudget().toMillis() * share));
        return c.withBudget(steps, time);
    }

    public static void writeJson(Path file, Object value) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Json.mapper().writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
