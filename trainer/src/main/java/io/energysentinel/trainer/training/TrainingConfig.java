package io.energysentinel.trainer.training;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyper-parameters of a PCD (or CD-k) run. Build with {@link #builder()}; defaults suit 28x28 images.
 *
 * @param steps optimiser steps (the budget, unless {@code timeBudget} ends it first)
 * @param timeBudget wall-clock budget; {@code Duration.ZERO} for none
 * @param batchSize positives (and negatives) per step
 * @param learningRate Adam learning rate
 * @param beta1 Adam beta1 (0 is usual for EBMs)
 * @param beta2 Adam beta2
 * @param energyRegularization alpha in {@code E+ - E- + alpha (E+^2 + E-^2)}
 * @param sgldSteps K, Langevin steps per optimiser step
 * @param sgldStepSize Langevin step size
 * @param sgldNoise Langevin noise standard deviation
 * @param sgldGradClamp per-element clamp on dE/dx during SGLD
 * @param bufferSize persistent chains in the replay buffer
 * @param reinitProbability chance a drawn chain restarts from noise
 * @param positiveNoise standard deviation of Gaussian noise added to positives
 * @param gradientClipNorm global gradient-norm clip; 0 disables
 * @param persistent PCD (true) or CD-k, chains started from the batch's data (false)
 * @param crossEntropyWeight weight of the classification loss (JEM only)
 * @param generativeWeight weight of the contrastive term (JEM; 1 for plain EBMs)
 * @param spectralNorm rescale weights to unit spectral norm after each step
 * @param seed random seed for the run
 * @param dataMin smallest valid input value
 * @param dataMax largest valid input value
 * @param cosineDecay anneal the learning rate to zero over the budget along a half cosine
 */
public record TrainingConfig(
        long steps, Duration timeBudget, int batchSize, double learningRate, double beta1, double beta2,
        double energyRegularization, int sgldSteps, double sgldStepSize, double sgldNoise, double sgldGradClamp,
        int bufferSize, double reinitProbability, double positiveNoise, double gradientClipNorm, boolean persistent,
        double crossEntropyWeight, double generativeWeight, boolean spectralNorm, long seed,
        float dataMin, float dataMax, boolean cosineDecay) {

    public TrainingConfig {
        if (steps < 1 || batchSize < 1 || sgldSteps < 0 || bufferSize < batchSize || learningRate <= 0) {
            throw new IllegalArgumentException("steps >= 1, batchSize >= 1, sgldSteps >= 0, bufferSize >= batchSize,"
                    + " learningRate > 0 required");
        }
        if (!(dataMin < dataMax)) {
            throw new IllegalArgumentException("dataMin must be below dataMax");
        }
    }

    /**
     * The share of the learning rate to use when {@code progress} (0 at the start, 1 at the end of the
     * budget) of the run is done: 1 throughout without decay, else {@code (1 + cos(pi * progress)) / 2}.
     */
    public double learningRateFactor(double progress) {
        return cosineDecay ? 0.5 * (1 + Math.cos(Math.PI * Math.min(1, Math.max(0, progress)))) : 1;
    }

    /** The SGLD sampler these settings describe. */
    public SgldSampler sampler() {
        return new SgldSampler(sgldSteps, sgldStepSize, sgldNoise, sgldGradClamp, dataMin, dataMax);
    }

    /** The same settings with another step and time budget. */
    public TrainingConfig withBudget(long newSteps, Duration newTimeBudget) {
        return new TrainingConfig(newSteps, newTimeBudget, batchSize, learningRate, beta1, beta2, energyRegularization,
                sgldSteps, sgldStepSize, sgldNoise, sgldGradClamp, bufferSize, reinitProbability, positiveNoise,
                gradientClipNorm, persistent, crossEntropyWeight, generativeWeight, spectralNorm, seed, dataMin, dataMax, cosineDecay);
    }

    /**
     * The same settings with another contrastive-term weight. A JEM at weight 0 trains as a plain
     * classifier: no negatives are drawn (the classifier warm-up before the joint phase).
     */
    public TrainingConfig withGenerativeWeight(double newGenerativeWeight) {
        return new TrainingConfig(steps, timeBudget, batchSize, learningRate, beta1, beta2, energyRegularization,
                sgldSteps, sgldStepSize, sgldNoise, sgldGradClamp, bufferSize, reinitProbability, positiveNoise,
                gradientClipNorm, persistent, crossEntropyWeight, newGenerativeWeight, spectralNorm, seed, dataMin, dataMax, cosineDecay);
    }

    /** The same settings, PCD ({@code true}) or CD-k. */
    public TrainingConfig withPersistent(boolean newPersistent) {
        return new TrainingConfig(steps, timeBudget, batchSize, learningRate, beta1, beta2, energyRegularization,
                sgldSteps, sgldStepSize, sgldNoise, sgldGradClamp, bufferSize, reinitProbability, positiveNoise,
                gradientClipNorm, newPersistent, crossEntropyWeight, generativeWeight, spectralNorm, seed, dataMin, dataMax, cosineDecay);
    }

    /** The same settings with another seed. */
    public TrainingConfig withSeed(long newSeed) {
        return new TrainingConfig(steps, timeBudget, batchSize, learningRate, beta1, beta2, energyRegularization,
                sgldSteps, sgldStepSize, sgldNoise, sgldGradClamp, bufferSize, reinitProbability, positiveNoise,
                gradientClipNorm, persistent, crossEntropyWeight, generativeWeight, spectralNorm, newSeed, dataMin, dataMax, cosineDecay);
    }

    /** Settings as strings, for the bundle's provenance. */
    public Map<String, String> asMap() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("steps", String.valueOf(steps));
        m.put("timeBudget", timeBudget.toString());
        m.put("batchSize", String.valueOf(batchSize));
        m.put("learningRate", String.valueOf(learningRate));
        m.put("beta1", String.valueOf(beta1));
        m.put("beta2", String.valueOf(beta2));
        m.put("energyRegularization", String.valueOf(energyRegularization));
        m.put("sgldSteps", String.valueOf(sgldSteps));
        m.put("sgldStepSize", String.valueOf(sgldStepSize));
        m.put("sgldNoise", String.valueOf(sgldNoise));
        m.put("sgldGradClamp", String.valueOf(sgldGradClamp));
        m.put("bufferSize", String.valueOf(bufferSize));
        m.put("reinitProbability", String.valueOf(reinitProbability));
        m.put("positiveNoise", String.valueOf(positiveNoise));
        m.put("gradientClipNorm", String.valueOf(gradientClipNorm));
        m.put("persistent", String.valueOf(persistent));
        m.put("crossEntropyWeight", String.valueOf(crossEntropyWeight));
        m.put("generativeWeight", String.valueOf(generativeWeight));
        m.put("spectralNorm", String.valueOf(spectralNorm));
        m.put("seed", String.valueOf(seed));
        m.put("cosineDecay", String.valueOf(cosineDecay));
        m.put("dataMin", String.valueOf(dataMin));
        m.put("dataMax", String.valueOf(dataMax));
        return m;
    }

    /**
     * The settings {@link #asMap()} recorded (a bundle's provenance), on top of {@code defaults} for any it lacks
     * (bundles written before a setting was recorded).
     *
     * @throws IllegalArgumentException when a recorded value does not parse
     */
    public static TrainingConfig fromMap(Map<String, String> recorded, Builder defaults) {
        TrainingConfig d = defaults.build();
        java.util.function.BiFunction<String, String, String> get = (k, fallback) -> recorded.getOrDefault(k, fallback);
        try {
            return new TrainingConfig(
                    Long.parseLong(get.apply("steps", String.valueOf(d.steps))),
                    Duration.parse(get.apply("timeBudget", d.timeBudget.toString())),
                    Integer.parseInt(get.apply("batchSize", String.valueOf(d.batchSize))),
                    Double.parseDouble(get.apply("learningRate", String.valueOf(d.learningRate))),
                    Double.parseDouble(get.apply("beta1", String.valueOf(d.beta1))),
                    Double.parseDouble(get.apply("beta2", String.valueOf(d.beta2))),
                    Double.parseDouble(get.apply("energyRegularization", String.valueOf(d.energyRegularization))),
                    Integer.parseInt(get.apply("sgldSteps", String.valueOf(d.sgldSteps))),
                    Double.parseDouble(get.apply("sgldStepSize", String.valueOf(d.sgldStepSize))),
                    Double.parseDouble(get.apply("sgldNoise", String.valueOf(d.sgldNoise))),
                    Double.parseDouble(get.apply("sgldGradClamp", String.valueOf(d.sgldGradClamp))),
                    Integer.parseInt(get.apply("bufferSize", String.valueOf(d.bufferSize))),
                    Double.parseDouble(get.apply("reinitProbability", String.valueOf(d.reinitProbability))),
                    Double.parseDouble(get.apply("positiveNoise", String.valueOf(d.positiveNoise))),
                    Double.parseDouble(get.apply("gradientClipNorm", String.valueOf(d.gradientClipNorm))),
                    Boolean.parseBoolean(get.apply("persistent", String.valueOf(d.persistent))),
                    Double.parseDouble(get.apply("crossEntropyWeight", String.valueOf(d.crossEntropyWeight))),
                    Double.parseDouble(get.apply("generativeWeight", String.valueOf(d.generativeWeight))),
                    Boolean.parseBoolean(get.apply("spectralNorm", String.valueOf(d.spectralNorm))),
                    Long.parseLong(get.apply("seed", String.valueOf(d.seed))),
                    Float.parseFloat(get.apply("dataMin", String.valueOf(d.dataMin))),
                    Float.parseFloat(get.apply("dataMax", String.valueOf(d.dataMax))),
                    Boolean.parseBoolean(get.apply("cosineDecay", String.valueOf(d.cosineDecay))));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("recorded training settings do not parse: " + e.getMessage(), e);
        }
    }

    /** A builder with image defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builder for {@link TrainingConfig}: {@code optX} setters, all with defaults. */
    public static final class Builder {
        private long steps = 1000;
        private Duration timeBudget = Duration.ZERO;
        private int batchSize = 64;
        private double learningRate = 1e-4;
        private double beta1 = 0.0;
        private double beta2 = 0.999;
        private double energyRegularization = 0.1;
        private int sgldSteps = 20;
        private double sgldStepSize = 1.0;
        private double sgldNoise = 0.01;
        private double sgldGradClamp = 0.03;
        private int bufferSize = 10_000;
        private double reinitProbability = 0.05;
        private double positiveNoise = 0.005;
        private double gradientClipNorm = 1.0;
        private boolean persistent = true;
        private double crossEntropyWeight = 1.0;
        private double generativeWeight = 1.0;
        private boolean spectralNorm;
        private long seed = 1;
        private float dataMin;
        private float dataMax = 1f;
        private boolean cosineDecay;

        public Builder optSteps(long v) { steps = v; return this; }
        public Builder optTimeBudget(Duration v) { timeBudget = v; return this; }
        public Builder optBatchSize(int v) { batchSize = v; return this; }
        public Builder optLearningRate(double v) { learningRate = v; return this; }
        public Builder optBeta1(double v) { beta1 = v; return this; }
        public Builder optBeta2(double v) { beta2 = v; return this; }
        public Builder optEnergyRegularization(double v) { energyRegularization = v; return this; }
        public Builder optSgldSteps(int v) { sgldSteps = v; return this; }
        public Builder optSgldStepSize(double v) { sgldStepSize = v; return this; }
        public Builder optSgldNoise(double v) { sgldNoise = v; return this; }
        public Builder optSgldGradClamp(double v) { sgldGradClamp = v; return this; }
        public Builder optBufferSize(int v) { bufferSize = v; return this; }
        public Builder optReinitProbability(double v) { reinitProbability = v; return this; }
        public Builder optPositiveNoise(double v) { positiveNoise = v; return this; }
        public Builder optGradientClipNorm(double v) { gradientClipNorm = v; return this; }
        public Builder optPersistent(boolean v) { persistent = v; return this; }
        public Builder optCrossEntropyWeight(double v) { crossEntropyWeight = v; return this; }
        public Builder optGenerativeWeight(double v) { generativeWeight = v; return this; }
        public Builder optSpectralNorm(boolean v) { spectralNorm = v; return this; }
        public Builder optSeed(long v) { seed = v; return this; }
        public Builder optDataRange(float min, float max) { dataMin = min; dataMax = max; return this; }
        public Builder optCosineDecay(boolean v) { cosineDecay = v; return this; }

        /** The validated config. */
        public TrainingConfig build() {
            return new TrainingConfig(steps, timeBudget, batchSize, learningRate, beta1, beta2, energyRegularization,
                    sgldSteps, sgldStepSize, sgldNoise, sgldGradClamp, bufferSize, reinitProbability, positiveNoise,
                    gradientClipNorm, persistent, crossEntropyWeight, generativeWeight, spectralNorm, seed, dataMin, dataMax, cosineDecay);
        }
    }
}
