package io.energysentinel.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import io.energysentinel.contract.ModelKind;
import io.energysentinel.trainer.model.EnergyNets;
import io.energysentinel.trainer.model.NetworkSpec;
import io.energysentinel.trainer.model.TrainedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PcdTrainerTest {
    private static final List<Integer> IMAGE = List.of(1, 12, 12);

    @Test
    void contrastiveLossMatchesTheFormulaOnKnownEnergies() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray pos = m.create(new float[] {1f, 3f});
            NDArray neg = m.create(new float[] {-2f, 4f});
            // mean(E+) - mean(E-) + 0.1 (mean(E+^2) + mean(E-^2)) = 2 - 1 + 0.1 (5 + 10)
            assertThat(PcdTrainer.contrastiveLoss(pos, neg, 0.1).getFloat()).isCloseTo(2.5f, within(1e-6f));
        }
    }

    @Test
    void crossEntropyMatchesLogSoftmax() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{1f, 2f, 3f}, {0f, 0f, 0f}});
            NDArray labels = m.create(new float[] {2f, 0f});
            double l0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
            double l1 = Math.log(3);
            assertThat(PcdTrainer.crossEntropy(logits, labels).getFloat()).isCloseTo((float) ((l0 + l1) / 2), within(1e-5f));
        }
    }

    @Test
    void unlabelledRowsAddNothingToTheCrossEntropy() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray logits = m.create(new float[][] {{1f, 2f, 3f}, {9f, -4f, 0f}, {0f, 0f, 0f}});
            // The middle row is an image from live traffic (label -1): it would dominate the mean if it counted.
            NDArray labels = m.create(new float[] {2f, -1f, 0f});
            double l0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
            double l2 = Math.log(3);
            assertThat(PcdTrainer.crossEntropy(logits, labels).getFloat()).isCloseTo((float) ((l0 + l2) / 2), within(1e-5f));
            assertThat(PcdTrainer.crossEntropy(logits.get("1:2"), labels.get("1:2")).getFloat()).isCloseTo(0f, within(1e-9f));
        }
    }

    @Test
    void stepsLeaveNoArraysBehindInTheModelsManager() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingData data = data(ModelKind.JEM, 64);
            TrainedModel model = EnergyNets.initialise(ModelKind.JEM, spec(ModelKind.JEM, data), m, 5);
            try (PcdTrainer trainer = new PcdTrainer(model, data, config(100), m, DivergenceGuard.defaults())) {
                for (int i = 0; i < 3; i++) {
                    trainer.trainStep();
                }
                int warm = m.getManagedArrays().size();
                for (int i = 0; i < 20; i++) {
                    trainer.trainStep();
                }
                // A 30-minute JEM run takes some 11,000 steps: anything a step leaves in a manager that lives as long as
                // training (zeroing a gradient with set(index, 0f) left one array per parameter, twice a step) adds up to
                // gigabytes of native and Java memory.
                assertThat(m.getManagedArrays().size()).as("arrays held after 20 more steps").isEqualTo(warm);
            }
        }
    }

    @Test
    void eachKindTrainsAFewStepsWithFiniteEnergies() {
        for (ModelKind kind : ModelKind.values()) {
            try (NDManager m = NDManager.newBaseManager()) {
                TrainingData data = data(kind, 64);
                TrainedModel model = EnergyNets.initialise(kind, spec(kind, data), m, 5);
                List<StepStats> stats = new ArrayList<>();
                try (PcdTrainer trainer = new PcdTrainer(model, data, config(6), m, DivergenceGuard.defaults())) {
                    trainer.train(stats::add);
                    assertThat(trainer.stepsTaken()).as(kind.name()).isEqualTo(6);
                }
                // Every step that counted, once each. A step the guard judged diverged (which this net should not see, but
                // which CI saw once at step 2 of the MLP, never reproduced here) is rolled back to the last snapshot and the
                // steps after it are trained again: the progress listener then sees those steps twice.
                assertThat(stats.stream().mapToLong(StepStats::step).distinct()).as(kind.name() + ": " + stats)
                        .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
                assertThat(stats).allSatisfy(s -> {
                    assertThat(s.loss()).isFinite();
                    assertThat(s.positiveEnergy()).isFinite();
                    assertThat(s.negativeEnergy()).isFinite();
                });
                if (kind == ModelKind.JEM) {
                    assertThat(stats).allSatisfy(s -> assertThat(s.crossEntropy()).isPositive().isFinite());
                }
            }
        }
    }

    @Test
    void resumingFromACheckpointContinuesExactlyAsTheUninterruptedRun(@TempDir Path dir) {
        float[] uninterrupted;
        List<StepStats> straight = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingData data = data(ModelKind.CONV_EBM, 32);
            TrainedModel model = EnergyNets.initialise(ModelKind.CONV_EBM, spec(ModelKind.CONV_EBM, data), m, 9);
            try (PcdTrainer trainer = new PcdTrainer(model, data, config(4), m, DivergenceGuard.defaults())) {
                trainer.train(straight::add);
            }
            uninterrupted = firstWeight(model);
        }
        List<StepStats> resumed = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingData data = data(ModelKind.CONV_EBM, 32);
            TrainedModel model = EnergyNets.initialise(ModelKind.CONV_EBM, spec(ModelKind.CONV_EBM, data), m, 9);
            try (PcdTrainer first = new PcdTrainer(model, data, config(2), m, DivergenceGuard.defaults())) {
                first.train(resumed::add);
                first.saveCheckpoint(dir);
            }
            TrainedModel other = EnergyNets.initialise(ModelKind.CONV_EBM, spec(ModelKind.CONV_EBM, data), m, 1234);
            try (PcdTrainer second = new PcdTrainer(other, data, config(4), m, DivergenceGuard.defaults())) {
                second.loadCheckpoint(dir);
                assertThat(second.stepsTaken()).isEqualTo(2);
                second.train(resumed::add);
            }
            assertThat(firstWeight(other)).containsExactly(uninterrupted, within(1e-6f));
        }
        assertThat(resumed).hasSize(4);
        for (int i = 0; i < 4; i++) {
            assertThat(resumed.get(i).loss()).isCloseTo(straight.get(i).loss(), within(1e-5));
        }
    }

    @Test
    void aJemWithoutContrastiveWeightTrainsAsAClassifierAndLeavesTheChainsAlone() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingData data = data(ModelKind.JEM, 48);
            TrainedModel model = EnergyNets.initialise(ModelKind.JEM, spec(ModelKind.JEM, data), m, 3);
            List<StepStats> stats = new ArrayList<>();
            try (PcdTrainer trainer = new PcdTrainer(model, data, config(40).withGenerativeWeight(0), m,
                    DivergenceGuard.defaults())) {
                float[] chainBefore = trainer.buffer().chain(0);
                trainer.train(stats::add);
                assertThat(trainer.buffer().chain(0)).as("no SGLD ran").containsExactly(chainBefore, within(0f));
            }
            assertThat(stats).allSatisfy(s -> assertThat(s.loss()).isEqualTo(s.crossEntropy(), within(1e-6)));
            assertThat(stats.get(stats.size() - 1).crossEntropy()).isLessThan(stats.get(0).crossEntropy());
        }
    }

    @Test
    void parametersStayTrainableAfterSgldFreezesThem() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingData data = data(ModelKind.CONV_EBM, 32);
            TrainedModel model = EnergyNets.initialise(ModelKind.CONV_EBM, spec(ModelKind.CONV_EBM, data), m, 6);
            try (PcdTrainer trainer = new PcdTrainer(model, data, config(2), m, DivergenceGuard.defaults())) {
                float[] before = firstWeight(model);
                trainer.train(s -> { });
                assertThat(model.block().getParameters().values()).allSatisfy(p ->
                        assertThat(p.getArray().hasGradient()).as(p.getName()).isTrue());
                assertThat(firstWeight(model)).as("the update still reached the weights").isNotEqualTo(before);
            }
        }
    }

    @Test
    void trainsOnAThreadOtherThanTheOneThatLoadedTheEngine() throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingData data = data(ModelKind.MLP_EBM, 32);
            TrainedModel model = EnergyNets.initialise(ModelKind.MLP_EBM, spec(ModelKind.MLP_EBM, data), m, 9);
            float[] before = firstWeight(model);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            // A fresh thread starts with PyTorch's grad mode on, as the scoring job's retraining thread does.
            Thread worker = new Thread(() -> {
                try (PcdTrainer trainer = new PcdTrainer(model, data, config(2), m, DivergenceGuard.defaults())) {
                    trainer.train(s -> { });
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            worker.start();
            worker.join();
            assertThat(failure.get()).isNull();
            assertThat(firstWeight(model)).isNotEqualTo(before);
        }
    }

    @Test
    void cosineDecayAnnealsTheLearningRateOverTheStepBudget() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingData data = data(ModelKind.CONV_EBM, 32);
            TrainedModel model = EnergyNets.initialise(ModelKind.CONV_EBM, spec(ModelKind.CONV_EBM, data), m, 8);
            TrainingConfig decaying = TrainingConfig.builder().optSteps(4).optBatchSize(8).optBufferSize(64)
                    .optSgldSteps(3).optLearningRate(1e-3).optSeed(17).optCosineDecay(true).build();
            List<StepStats> stats = new ArrayList<>();
            try (PcdTrainer trainer = new PcdTrainer(model, data, decaying, m, DivergenceGuard.defaults())) {
                trainer.train(stats::add);
            }
            // Step k runs at progress (k - 1) / 4: factors 1, (1 + cos(pi/4)) / 2, 1/2, (1 + cos(3pi/4)) / 2.
            assertThat(stats.stream().mapToDouble(StepStats::learningRate).toArray())
                    .containsExactly(new double[] {1e-3, 0.853553e-3, 0.5e-3, 0.146447e-3}, within(1e-9));
        }
        assertThat(config(4).learningRateFactor(0.75)).as("no decay unless asked").isEqualTo(1.0);
    }

    @Test
    void divergenceRollsBackAndHalvesTheLearningRate() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingData data = data(ModelKind.CONV_EBM, 32);
            TrainedModel model = EnergyNets.initialise(ModelKind.CONV_EBM, spec(ModelKind.CONV_EBM, data), m, 2);
            // A guard no step can pass: every step is a divergence, so the trainer rolls back until it gives up.
            DivergenceGuard impossible = new DivergenceGuard(-1, 1e9);
            try (PcdTrainer trainer = new PcdTrainer(model, data, config(3), m, impossible)) {
                float[] before = firstWeight(model);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> trainer.train(s -> { }))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("diverged 6 times");
                assertThat(trainer.learningRate()).isCloseTo(1e-3 / 64, within(1e-12));
                assertThat(trainer.stepsTaken()).isZero();
                assertThat(firstWeight(model)).containsExactly(before, within(0f));
            }
        }
    }

    @Test
    void aStepAfterAnOverflowedGradientStartsFromZeroGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            TrainingData data = data(ModelKind.MLP_EBM, 32);
            TrainedModel model = EnergyNets.initialise(ModelKind.MLP_EBM, spec(ModelKind.MLP_EBM, data), m, 3);
            try (PcdTrainer trainer = new PcdTrainer(model, data, config(2), m, DivergenceGuard.defaults())) {
                // What an overflowing backward pass leaves behind: infinite parameter gradients, which
                // zeroing by subtraction would turn into NaN for good.
                List<NDArray> parameters = model.block().getParameters().values().stream().map(Parameter::getArray).toList();
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray total = m.zeros(new Shape());
                    for (NDArray p : parameters) {
                        total = total.add(p.mul(Float.POSITIVE_INFINITY).sum());
                    }
                    collector.backward(total);
                }
                assertThat(parameters.get(0).getGradient().toFloatArray()).contains(Float.POSITIVE_INFINITY);
                StepStats next = trainer.trainStep();
                assertThat(next.gradientNorm()).isFinite();
                assertThat(DivergenceGuard.defaults().diagnose(next)).isNull();
            }
        }
    }

    @Test
    void guardFlagsNonFiniteExplodingAndGapBlowUp() {
        DivergenceGuard guard = new DivergenceGuard(100, 50);
        assertThat(guard.diagnose(new StepStats(1, Double.NaN, 0, 0, 0, 1, 1e-3))).contains("non-finite");
        assertThat(guard.diagnose(new StepStats(1, 1, 500, 0, 0, 1, 1e-3))).contains("exploded");
        assertThat(guard.diagnose(new StepStats(1, 1, -30, 30, 0, 1, 1e-3))).contains("gap");
        assertThat(guard.diagnose(new StepStats(1, 1, -3, 3, 0, 1, 1e-3))).isNull();
    }

    private static float[] firstWeight(TrainedModel model) {
        return model.block().getParameters().get(0).getValue().getArray().toFloatArray();
    }

    private static TrainingConfig config(long steps) {
        return TrainingConfig.builder().optSteps(steps).optBatchSize(8).optBufferSize(64).optSgldSteps(3)
                .optLearningRate(1e-3).optSeed(17).build();
    }

    private static NetworkSpec spec(ModelKind kind, TrainingData data) {
        return switch (kind) {
            case CONV_EBM -> EnergyNets.convEnergy(IMAGE, List.of(4, 8));
            case JEM -> EnergyNets.jem(IMAGE, List.of(4, 8), 16, 3);
            case MLP_EBM -> {
                List<List<Double>> s = EnergyNets.standardization(data.inputs());
                yield EnergyNets.mlp(s.get(0), s.get(1), -6, 6, List.of(16, 16));
            }
        };
    }

    private static TrainingData data(ModelKind kind, int n) {
        Random random = new Random(4);
        boolean vectors = kind == ModelKind.MLP_EBM;
        int size = vectors ? 5 : 144;
        float[][] x = new float[n][size];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i % 3;
            for (int j = 0; j < size; j++) {
                x[i][j] = vectors ? (float) (random.nextGaussian() * 3 + 10) : random.nextFloat() * (labels[i] + 1) / 3f;
            }
        }
        return new TrainingData("synthetic", x, labels, vectors ? List.of(5) : IMAGE);
    }
}
