package io.energysentinel.trainer.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.model.TrainedModel;
import java.util.Random;
import java.util.function.Consumer;

/**
 * Denoising score matching (Vincent 2011) of an energy model: for data x and {@code x~ = x + sigma N(0, I)}, minimise
 * {@code sigma^2 / 2 * mean |dE/dx(x~) - (x~ - x) / sigma^2|^2}, whose minimiser has {@code -dE/dx} equal to the score
 * of the data density convolved with {@code N(0, sigma^2 I)}. No sampling, no normaliser.
 *
 * <p>The loss contains dE/dx, so its parameter gradient is a second-order one. dE/dx is computed layer by layer from
 * ordinary operations ({@link LayerwiseInputGradient}), an array differentiable in the parameters, and one plain backward
 * of the loss gives the DSM gradient. So DSM trains nets of linear layers and activations (MLPs: the toy densities,
 * event models), not convolutions.
 *
 * <p>Until 2026-12-02 dE/dx came from autograd by a backward that keeps and creates its graph (DJL's
 * {@code JniUtils.backward} passes {@code create_graph} through to PyTorch). That made each step's input a leaf whose
 * gradient holds the graph that holds the input, a reference cycle PyTorch frees only when the gradient is reset to
 * undefined or when {@code torch.autograd.grad} is used instead; DJL 0.35.1 exposes neither, and every step leaked its
 * graph (0.41 to 0.55 MB a step for a 64x64 MLP at batch 128).
 */
public final class DsmTrainer implements AutoCloseable {
    private final TrainedModel model;
    private final TrainingData data;
    private final double sigma;
    private final TrainingConfig config;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final Adam adam;
    private final DivergenceGuard guard;
    private final GuardedStepLoop loop;
    private long step;

    /**
     * A trainer of {@code model} (an energy net of the layers {@link LayerwiseInputGradient} covers) on {@code data} with
     * noise level {@code sigma}.
     */
    public DsmTrainer(TrainedModel model, TrainingData data, double sigma, TrainingConfig config, NDManager parent, DivergenceGuard guard) {
        if (model.kind() == ModelKind.JEM) {
            throw new IllegalArgumentException("DSM trains a plain energy model, not a JEM");
        }
        LayerwiseInputGradient.requireCovered(model.spec());
        if (!(sigma > 0)) {
            throw new IllegalArgumentException("the DSM noise level must be positive");
        }
        this.model = model;
        this.data = data;
        this.sigma = sigma;
        this.config = config;
        this.manager = parent.newSubManager();
        this.parameterStore = new ParameterStore(manager, false);
        this.adam = new Adam(model.block().getParameters(), manager, config.beta1(), config.beta2(), 1e-8);
        this.guard = guard;
        this.loop = new GuardedStepLoop("DSM", guard);
    }

    /** Steps taken so far. */
    public long stepsTaken() {
        return step;
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

    /** Steps whose update was skipped because the guard judged them diverged. */
    public int skippedSteps() {
        return loop.skipped();
    }

    /** One optimiser step on the DSM loss of a batch. */
    public StepStats trainStep() {
        JniUtils.setGradMode(false);
        long current = step + 1;
        Random random = new Random(config.seed() * 1_000_003L + current);
        try (NDManager scope = manager.newSubManager()) {
            int b = config.batchSize();
            int[] idx = new int[b];
            for (int i = 0; i < b; i++) {
                idx[i] = random.nextInt(data.size());
            }
            NDArray clean = data.batch(idx, scope);
            float[] noise = new float[(int) clean.size()];
            for (int i = 0; i < noise.length; i++) {
                noise[i] = (float) (sigma * random.nextGaussian());
            }
            NDArray offset = scope.create(noise, clean.getShape());
            NDArray noisy = clean.add(offset);
            NDArray target = offset.div((float) (sigma * sigma));
            adam.zeroGradients();
            double loss;
            double energy;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                LayerwiseInputGradient.EnergyAndGradient e = LayerwiseInputGradient.of(model, parameterStore, noisy, true);
                int[] axes = new int[clean.getShape().dimension() - 1];
                for (int i = 0; i < axes.length; i++) {
                    axes[i] = i + 1;
                }
                NDArray total = e.gradient().sub(target).square().sum(axes).mean().mul((float) (sigma * sigma / 2));
                collector.backward(total);
                loss = total.getFloat();
                energy = e.energy().mean().getFloat();
            }
            double gradNorm = GradientClipping.clipByGlobalNorm(adam.parameters(), config.gradientClipNorm());
            double rate = config.learningRate() * config.learningRateFactor(step / (double) config.steps());
            StepStats stats = new StepStats(current, loss, energy, energy, 0, gradNorm, rate);
            if (guard.diagnose(stats) == null) {
                adam.step(rate);
            } else {
                adam.zeroGradients();
            }
            step = current;
            return stats;
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
