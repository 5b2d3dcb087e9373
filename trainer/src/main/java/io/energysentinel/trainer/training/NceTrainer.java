package io.energysentinel.trainer.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.model.TrainedModel;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Noise-contrastive estimation (Gutmann and Hyvarinen 2010) of an energy model: logistic regression of data against
 * as many draws of a known noise density q, with the logit {@code G(x) = -E(x) - log q(x)}. At the optimum
 * {@code exp(-E)} is the data density itself, normalised: the net's last bias learns {@code -log Z}, so no sampling
 * is needed at all, and the loss is {@code mean softplus(-G(x+)) + mean softplus(G(x-))}.
 *
 * <p>Each step zeroes the parameter gradients in place before its backward pass (PyTorch accumulates them), turns
 * grad mode off for Adam's in-place update on this thread, and clips the global gradient norm; randomness comes
 * from generators seeded by (seed, step), as in {@link PcdTrainer}.
 */
public final class NceTrainer implements AutoCloseable {
    private final TrainedModel model;
    private final TrainingData data;
    private final GaussianNoise noise;
    private final TrainingConfig config;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final Adam adam;
    private final DivergenceGuard guard;
    private final GuardedStepLoop loop;
    private long step;

    /** A trainer of {@code model} (an energy net, not a JEM) on {@code data} against {@code noise}. */
    public NceTrainer(TrainedModel model, TrainingData data, GaussianNoise noise, TrainingConfig config, NDManager parent,
            DivergenceGuard guard) {
        if (model.kind() == ModelKind.JEM) {
            throw new IllegalArgumentException("NCE trains a plain energy model, not a JEM");
        }
        if (noise.dimension() != data.inputs()[0].length) {
            throw new IllegalArgumentException("noise has dimension " + noise.dimension() + ", data " + data.inputs()[0].length);
        }
        this.model = model;
        this.data = data;
        this.noise = noise;
        this.config = config;
        this.manager = parent.newSubManager();
        this.parameterStore = new ParameterStore(manager, false);
        this.adam = new Adam(model.block().getParameters(), manager, config.beta1(), config.beta2(), 1e-8);
        this.guard = guard;
        this.loop = new GuardedStepLoop("NCE", guard);
    }

    /** Steps taken so far. */
    public long stepsTaken() {
        return step;
    }

    /** Steps whose update was skipped because the guard judged them diverged. */
    public int skippedSteps() {
        return loop.skipped();
    }

    /**
     * Trains for {@code config.steps()} (or its time budget); {@code progress} sees every healthy step. A step the guard
     * judges diverged is not applied and training goes on (see {@link GuardedStepLoop}).
     *
     * @throws IllegalStateException after {@value GuardedStepLoop#MAX_SKIPS_IN_A_ROW} diverged steps in a row
     */
    public void train(Consumer<StepStats> progress) {
        loop.run(config, this::stepsTaken, this::trainStep, progress);
    }

    /** One optimiser step: the NCE loss on a batch of data and as many noise draws. */
    public StepStats trainStep() {
        JniUtils.setGradMode(false);
        long current = step + 1;
        Random random = new Random(config.seed() * 1_000_003L + current);
        try (NDManager scope = manager.newSubManager()) {
            int b = config.batchSize();
            int d = noise.dimension();
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) {
                idx[i] = random.nextInt(data.size());
            }
            NDArray positives = data.batch(idx, scope);
            float[] positiveFlat = positives.toFloatArray();
            float[] noiseFlat = noise.sample(b, random);
            NDArray negatives = scope.create(noiseFlat, new Shape(b).addAll(data.shape()));
            NDArray logQPositive = scope.create(logQ(positiveFlat, b, d));
            NDArray logQNegative = scope.create(logQ(noiseFlat, b, d));
            adam.zeroGradients();
            double loss;
            double ePos;
            double eNeg;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray posEnergy = Energies.energy(model, parameterStore, positives, true);
                NDArray negEnergy = Energies.energy(model, parameterStore, negatives, true);
                NDArray total = loss(posEnergy, negEnergy, logQPositive, logQNegative);
                collector.backward(total);
                loss = total.getFloat();
                ePos = posEnergy.mean().getFloat();
                eNeg = negEnergy.mean().getFloat();
            }
            double gradNorm = GradientClipping.clipByGlobalNorm(adam.parameters(), config.gradientClipNorm());
            double rate = config.learningRate() * config.learningRateFactor(step / (double) config.steps());
            StepStats stats = new StepStats(current, loss, ePos, eNeg, 0, gradNorm, rate);
            if (guard.diagnose(stats) == null) {
                adam.step(rate);
            } else {
                adam.zeroGradients();
            }
            step = current;
            return stats;
        }
    }

    /**
     * The NCE loss with one noise draw per data point: {@code mean softplus(-G(x+)) + mean softplus(G(x-))},
     * {@code G = -E - log q}.
     */
    public static NDArray loss(NDArray positiveEnergy, NDArray negativeEnergy, NDArray logQPositive, NDArray logQNegative) {
        NDArray gPositive = positiveEnergy.add(logQPositive).neg();
        NDArray gNegative = negativeEnergy.add(logQNegative).neg();
        return softplus(gPositive.neg()).mean().add(softplus(gNegative).mean());
    }

    /** {@code log(1 + exp(z))} without overflow: {@code max(z, 0) + log(1 + exp(-|z|))}. */
    static NDArray softplus(NDArray z) {
        return z.maximum(0f).add(z.abs().neg().exp().add(1f).log());
    }

    private float[] logQ(float[] flat, int rows, int d) {
        float[] out = new float[rows];
        for (int i = 0; i < rows; i++) {
            out[i] = (float) noise.logDensity(flat, i * d);
        }
        return out;
    }

    @Override
    public void close() {
        manager.close();
    }
}
