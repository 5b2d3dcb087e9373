package io.energysentinel.trainer.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.model.TrainedModel;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains an energy model by persistent contrastive divergence (or CD-k), and a JEM by cross-entropy plus
 * the same contrastive term on its marginal energy.
 *
 * <p>Each step: draw negatives from the replay buffer (or, for CD-k, from the batch's data), run SGLD,
 * write them back, zero the parameter gradients SGLD left behind, then one backward pass through
 * {@code E(x+) - E(x-) + alpha (E(x+)^2 + E(x-)^2)} (plus cross-entropy for JEM), global-norm clipping and
 * an Adam step. Randomness is drawn from generators seeded by (seed, step), so a run resumed from a
 * checkpoint continues exactly as the uninterrupted run would.
 *
 * <p>A {@link DivergenceGuard} checks every step; on divergence the trainer restores the last healthy
 * in-memory snapshot (weights, optimiser, buffer), halves the learning rate and goes on.
 */
public final class PcdTrainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PcdTrainer.class);
    private static final int SNAPSHOT_EVERY = 50;
    private static final int MAX_RESTORES = 5;

    private final TrainedModel model;
    private final TrainingData data;
    private final TrainingConfig config;
    private final NDManager manager;
    private final ParameterStore parameterStore;
    private final Adam adam;
    private final ReplayBuffer buffer;
    private final SpectralNorm spectralNorm;
    private final DivergenceGuard guard;
    private final SgldSampler sampler;
    private long step;
    private double learningRate;
    /** Share of the time budget used, set by {@link #train}; 0 when the loop is driven step by step. */
    private double timeProgress;
    private int restores;
    private byte[] snapshot;

    /** A trainer over an initialised model; state lives in a sub-manager of {@code parent}. */
    public PcdTrainer(TrainedModel model, TrainingData data, TrainingConfig config, NDManager parent, DivergenceGuard guard) {
        if (model.kind() == ModelKind.JEM && java.util.Arrays.stream(data.labels()).allMatch(l -> l < 0)) {
            throw new IllegalArgumentException("JEM training needs labelled inputs (unlabelled ones, label -1, train the energy term only)");
        }
        this.model = model;
        this.data = data;
        this.config = config;
        this.manager = parent.newSubManager();
        this.parameterStore = new ParameterStore(manager, false);
        this.adam = new Adam(model.block().getParameters(), manager, config.beta1(), config.beta2(), 1e-8);
        this.buffer = new ReplayBuffer(config.bufferSize(), data.inputs()[0].length, config.reinitProbability(),
                config.dataMin(), config.dataMax(), new Random(config.seed()));
        this.spectralNorm = config.spectralNorm() ? new SpectralNorm(adam.parameters(), manager) : null;
        this.guard = guard;
        this.sampler = config.sampler();
        this.learningRate = config.learningRate();
    }

    /** Steps taken so far. */
    public long stepsTaken() {
        return step;
    }

    /** Base learning rate (lowered after each divergence), before the schedule's factor. */
    public double learningRate() {
        return learningRate;
    }

    /** How many times training rolled back after a divergence. */
    public int restores() {
        return restores;
    }

    /** The replay buffer, for sample grids. */
    public ReplayBuffer buffer() {
        return buffer;
    }

    /**
     * Trains until {@code config.steps()} or the time budget; {@code progress} sees every step.
     *
     * @throws IllegalStateException when training keeps diverging after {@value #MAX_RESTORES} rollbacks
     */
    public void train(Consumer<StepStats> progress) {
        long deadline = config.timeBudget().isZero() ? Long.MAX_VALUE
                : System.nanoTime() + config.timeBudget().toNanos();
        long start = System.nanoTime();
        snapshot = snapshotBytes();
        while (step < config.steps() && System.nanoTime() < deadline) {
            if (Thread.currentThread().isInterrupted()) {
                // Whoever runs the training (the job's retrainer, on a timeout) wants it stopped, not just abandoned.
                throw new java.util.concurrent.CancellationException("training interrupted at step " + step);
            }
            if (!config.timeBudget().isZero()) {
                timeProgress = (System.nanoTime() - start) / (double) config.timeBudget().toNanos();
            }
            StepStats stats = trainStep();
            String diagnosis = guard.diagnose(stats);
            if (diagnosis != null) {
                rollBack(diagnosis);
                continue;
            }
            if (step % SNAPSHOT_EVERY == 0) {
                snapshot = snapshotBytes();
            }
            progress.accept(stats);
        }
    }

    /** One optimiser step. Public so tests and benchmarks can drive the loop. */
    public StepStats trainStep() {
        // PyTorch's grad mode is per thread, and DJL switches it off only on the thread that loaded the engine.
        // On any other thread (the scoring job retrains on one of its own) it is on, and Adam's in-place
        // parameter update would fail as an in-place operation on a leaf that requires grad.
        JniUtils.setGradMode(false);
        long current = step + 1;
        // Seeded by (seed, step): a resumed run draws exactly what the uninterrupted run drew. After a
        // rollback the retry draws differently, so a step that diverged on its draw is not replayed as is.
        Random random = new Random(config.seed() * 1_000_003L + current + restores * 7_777_777L);
        Engine.getInstance().setRandomSeed((int) (config.seed() * 7919 + current + restores * 104_729L));
        try (NDManager scope = manager.newSubManager()) {
            int[] posIdx = new int[config.batchSize()];
            for (int i = 0; i < posIdx.length; i++) {
                posIdx[i] = random.nextInt(data.size());
            }
            NDArray positives = data.batch(posIdx, scope);
            if (config.positiveNoise() > 0) {
                positives = positives.add(scope.randomNormal(0f, (float) config.positiveNoise(), positives.getShape(),
                        positives.getDataType())).clip(config.dataMin(), config.dataMax());
            }
            // A JEM with no contrastive weight is in its classifier warm-up: SGLD would be wasted work.
            boolean contrastive = model.kind() != ModelKind.JEM || config.generativeWeight() > 0;
            NDArray negatives = contrastive ? sampleNegatives(positives, random, scope) : null;
            adam.zeroGradients();
            double loss;
            double ePos;
            double eNeg;
            double ce = 0;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray posOut = Energies.output(model, parameterStore, positives, true);
                NDArray posEnergy = Energies.energyFromOutput(model.kind(), posOut);
                NDArray negEnergy = contrastive ? Energies.energy(model, parameterStore, negatives, true) : posEnergy;
                NDArray total = contrastive
                        ? contrastiveLoss(posEnergy, negEnergy, config.energyRegularization()).mul((float) config.generativeWeight())
                        : scope.zeros(new Shape());
                if (model.kind() == ModelKind.JEM) {
                    NDArray labels = scope.create(labelsOf(posIdx));
                    NDArray crossEntropy = crossEntropy(posOut, labels);
                    ce = crossEntropy.getFloat();
                    total = total.add(crossEntropy.mul((float) config.crossEntropyWeight()));
                }
                collector.backward(total);
                loss = total.getFloat();
                ePos = posEnergy.mean().getFloat();
                eNeg = negEnergy.mean().getFloat();
            }
            double gradNorm = GradientClipping.clipByGlobalNorm(adam.parameters(), config.gradientClipNorm());
            // Whichever budget (steps or time) is nearer its end drives the schedule.
            double progress = Math.max(step / (double) config.steps(), timeProgress);
            double stepLearningRate = learningRate * config.learningRateFactor(progress);
            StepStats stats = new StepStats(current, loss, ePos, eNeg, ce, gradNorm, stepLearningRate);
            if (guard.diagnose(stats) == null) {
                adam.step(stepLearningRate);
                if (spectralNorm != null) {
                    spectralNorm.apply();
                }
            } else {
                adam.zeroGradients();
            }
            step = current;
            return stats;
        }
    }

    private NDArray sampleNegatives(NDArray positives, Random random, NDManager scope) {
        if (!config.persistent()) {
            return sampleFrozen(positives);
        }
        int[] chains = buffer.pick(config.batchSize(), random);
        NDArray start = buffer.draw(chains, data.shape(), scope, random);
        NDArray negatives = sampleFrozen(start);
        int diverged = buffer.update(chains, negatives);
        if (diverged > 0) {
            LOG.warn("{} of {} SGLD chains ended with NaN or infinite values at step {}; they stay at their previous state",
                    diverged, chains.length, step + 1);
        }
        return negatives;
    }

    /**
     * SGLD with the parameters frozen: Langevin steps need dE/dx only, and leaving the weights out of the
     * autograd graph skips their gradient computation — about a third of each step's work.
     */
    private NDArray sampleFrozen(NDArray start) {
        List<NDArray> parameters = adam.parameters();
        parameters.forEach(p -> p.setRequiresGradient(false));
        try {
            return sampler.sample(start, x -> Energies.energy(model, parameterStore, x, true));
        } finally {
            parameters.forEach(p -> p.setRequiresGradient(true));
        }
    }

    /** {@code mean(E+) - mean(E-) + alpha (mean(E+^2) + mean(E-^2))}. */
    public static NDArray contrastiveLoss(NDArray positiveEnergy, NDArray negativeEnergy, double alpha) {
        NDArray contrast = positiveEnergy.mean().sub(negativeEnergy.mean());
        NDArray regulariser = positiveEnergy.square().mean().add(negativeEnergy.square().mean()).mul((float) alpha);
        return contrast.add(regulariser);
    }

    /**
     * Mean cross-entropy of {@code [B, C]} logits against integer labels, over the rows that have one: a label of -1
     * (an image from live traffic, which carries none) contributes to the energy term only, never to the classifier.
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        NDArray logProbs = logits.sub(Energies.logSumExp(logits).expandDims(1));
        NDArray labelled = labels.gte(0f).toType(logits.getDataType(), false);
        // -1 has no one-hot column: those rows are pointed at class 0 and masked out.
        NDArray picked = logProbs.mul(labels.maximum(0f).oneHot((int) logits.getShape().get(1))).sum(new int[] {1}).mul(labelled);
        return picked.sum().div(labelled.sum().maximum(1f)).neg();
    }

    private float[] labelsOf(int[] idx) {
        float[] labels = new float[idx.length];
        for (int i = 0; i < idx.length; i++) {
            labels[i] = data.labels()[idx[i]];
        }
        return labels;
    }

    private void rollBack(String diagnosis) {
        restores++;
        double lowered = learningRate / 2;
        restoreBytes(snapshot);
        learningRate = lowered;
        if (restores > MAX_RESTORES) {
            throw new IllegalStateException("training diverged " + restores + " times; last: " + diagnosis
                    + "; the model is left at the last healthy step " + step);
        }
        LOG.warn("{}; restored step {} and lowered the learning rate to {}", diagnosis, step, learningRate);
    }

    /** Saves weights, optimiser state, replay buffer, step and learning rate to {@code dir}. */
    public void saveCheckpoint(Path dir) {
        try {
            Files.createDirectories(dir);
            Files.write(dir.resolve("trainer-state.bin"), snapshotBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + dir, e);
        }
    }

    /** Restores what {@link #saveCheckpoint} wrote, into a trainer built with the same spec and config. */
    public void loadCheckpoint(Path dir) {
        try {
            restoreBytes(Files.readAllBytes(dir.resolve("trainer-state.bin")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read checkpoint " + dir, e);
        }
    }

    private byte[] snapshotBytes() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(step);
            out.writeDouble(learningRate);
            for (NDArray p : adam.parameters()) {
                Adam.writeArray(out, p);
            }
            adam.save(out);
            buffer.save(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private void restoreBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            step = in.readLong();
            learningRate = in.readDouble();
            // Values are copied into the existing arrays: the optimiser holds them, and they carry gradients.
            for (NDArray p : adam.parameters()) {
                Adam.readArray(in, p);
            }
            adam.load(in);
            buffer.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot restore trainer state: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        manager.close();
    }
}
