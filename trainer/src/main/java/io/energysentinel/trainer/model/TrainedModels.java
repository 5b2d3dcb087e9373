package io.energysentinel.trainer.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDManager;
import io.energysentinel.contract.Json;
import io.energysentinel.contract.ModelKind;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Saves and loads {@link TrainedModel}s: {@code model.json} (kind and spec), {@code params.bin} (DJL
 * parameters), {@code gaussians.bin} when present, the background model in {@code background/}, the feature energy in
 * {@code feature-energy/} and the pixel statistics in {@code pixel-gaussian.bin} and {@code pixel-statistics.json}.
 */
public final class TrainedModels {
    private static final String DESCRIPTION = "model.json";
    private static final String PARAMS = "params.bin";
    private static final String GAUSSIANS = "gaussians.bin";
    private static final String BACKGROUND = "background";
    private static final String DEEP_GAUSSIANS = "deep-gaussians.bin";
    private static final String DEEP_SCALES = "deep.json";
    private static final String FEATURE_ENERGY = "feature-energy";
    private static final String PIXEL_GAUSSIAN = "pixel-gaussian.bin";
    private static final String PIXEL_SCALES = "pixel-statistics.json";

    private TrainedModels() {}

    /** The JSON description of a model. */
    public record Description(ModelKind kind, NetworkSpec spec) {}

    /** The JSON part of {@link DeepFeatureGaussians}: which layer is pooled and the two distances' scales. */
    record DeepScales(int tapLayer, double tapCenter, double tapScale, double featureCenter, double featureScale) {}

    /** The JSON part of {@link PixelStatistics}: the ensemble's centres and spreads. */
    record PixelScales(double deepCenter, double deepSpread, double pixelCenter, double pixelSpread) {}

    /** Writes {@code model} into {@code dir}. */
    public static void save(TrainedModel model, Path dir) {
        try {
            Files.createDirectories(dir);
            Json.mapper().writeValue(dir.resolve(DESCRIPTION).toFile(), new Description(model.kind(), model.spec()));
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(dir.resolve(PARAMS))))) {
                model.block().saveParameters(out);
            }
            if (model.featureGaussians().isPresent()) {
                writeGaussians(model.featureGaussians().get(), dir.resolve(GAUSSIANS));
            }
            if (model.deepFeatures().isPresent()) {
                DeepFeatureGaussians deep = model.deepFeatures().get();
                writeGaussians(deep.tapGaussians(), dir.resolve(DEEP_GAUSSIANS));
                Json.mapper().writeValue(dir.resolve(DEEP_SCALES).toFile(), new DeepScales(deep.tapLayer(), deep.tapCenter(),
                        deep.tapScale(), deep.featureCenter(), deep.featureScale()));
            }
            if (model.background().isPresent()) {
                save(model.background().get(), dir.resolve(BACKGROUND));
            }
            if (model.featureEnergy().isPresent()) {
                save(model.featureEnergy().get(), dir.resolve(FEATURE_ENERGY));
            }
            if (model.pixelStatistics().isPresent()) {
                PixelStatistics p = model.pixelStatistics().get();
                writeGaussians(p.gaussian(), dir.resolve(PIXEL_GAUSSIAN));
                Json.mapper().writeValue(dir.resolve(PIXEL_SCALES).toFile(),
                        new PixelScales(p.deepCenter(), p.deepSpread(), p.pixelCenter(), p.pixelSpread()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model to " + dir, e);
        }
    }

    /** Reads a model saved by {@link #save}; its arrays live in {@code manager}. */
    public static TrainedModel load(Path dir, NDManager manager) {
        Path description = dir.resolve(DESCRIPTION);
        if (!Files.isRegularFile(description)) {
            throw new IllegalArgumentException("not a trained model directory (no " + DESCRIPTION + "): " + dir);
        }
        try {
            Description d = Json.mapper().readValue(description.toFile(), Description.class);
            TrainedModel fresh = EnergyNets.initialise(d.kind(), d.spec(), manager, 0);
            try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve(PARAMS))))) {
                fresh.block().loadParameters(manager, in);
            }
            // Loading replaces the parameter arrays with ones that need no gradient; a loaded model is trained further
            // (fine-tuning) and differentiated (SGLD, gradient scores) as a fresh one is.
            fresh.block().getParameters().values().forEach(p -> p.getArray().setRequiresGradient(true));
            Optional<FeatureGaussians> gaussians = Files.isRegularFile(dir.resolve(GAUSSIANS))
                    ? Optional.of(readGaussians(dir.resolve(GAUSSIANS))) : Optional.empty();
            Optional<TrainedModel> background = Files.isDirectory(dir.resolve(BACKGROUND))
                    ? Optional.of(load(dir.resolve(BACKGROUND), manager)) : Optional.empty();
            Optional<DeepFeatureGaussians> deep = Optional.empty();
            if (Files.isRegularFile(dir.resolve(DEEP_SCALES))) {
                DeepScales scales = Json.mapper().readValue(dir.resolve(DEEP_SCALES).toFile(), DeepScales.class);
                deep = Optional.of(new DeepFeatureGaussians(scales.tapLayer(), readGaussians(dir.resolve(DEEP_GAUSSIANS)),
                        scales.tapCenter(), scales.tapScale(), scales.featureCenter(), scales.featureScale()));
            }
            Optional<TrainedModel> featureEnergy = Files.isDirectory(dir.resolve(FEATURE_ENERGY))
                    ? Optional.of(load(dir.resolve(FEATURE_ENERGY), manager)) : Optional.empty();
            Optional<PixelStatistics> pixels = Optional.empty();
            if (Files.isRegularFile(dir.resolve(PIXEL_SCALES))) {
                PixelScales scales = Json.mapper().readValue(dir.resolve(PIXEL_SCALES).toFile(), PixelScales.class);
                pixels = Optional.of(new PixelStatistics(readGaussians(dir.resolve(PIXEL_GAUSSIAN)), scales.deepCenter(),
                        scales.deepSpread(), scales.pixelCenter(), scales.pixelSpread()));
            }
            return new TrainedModel(d.kind(), d.spec(), fresh.block(), background, gaussians, deep, featureEnergy, pixels);
        } catch (IOException | MalformedModelException e) {
            throw new IllegalArgumentException("cannot load model from " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeGaussians(FeatureGaussians g, Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file)))) {
            out.writeInt(g.classMeans().length);
            out.writeInt(g.dimension());
            for (float[] row : g.classMeans()) {
                for (float f : row) {
                    out.writeFloat(f);
                }
            }
            for (float[] row : g.precision()) {
                for (float f : row) {
                    out.writeFloat(f);
                }
            }
        }
    }

    private static FeatureGaussians readGaussians(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            int classes = in.readInt();
            int d = in.readInt();
            float[][] means = new float[classes][d];
            float[][] precision = new float[d][d];
            for (float[] row : means) {
                for (int j = 0; j < d; j++) {
                    row[j] = in.readFloat();
                }
            }
            for (float[] row : precision) {
                for (int j = 0; j < d; j++) {
                    row[j] = in.readFloat();
                }
            }
            return new FeatureGaussians(means, precision);
        }
    }
}
