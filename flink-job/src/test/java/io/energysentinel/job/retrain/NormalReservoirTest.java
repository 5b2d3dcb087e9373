package io.energysentinel.job.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The per-model reservoir of normal events and the requests it emits each interval. */
class NormalReservoirTest {
    private static final List<String> FEATURES = List.of("cpu", "latency");
    private static final long INTERVAL = 1_000;

    @Test
    void emitsAUniformSampleOfTheIntervalOnceItHasEnoughAndStartsAfresh() throws Exception {
        try (var harness = harness(50, 20)) {
            harness.setProcessingTime(0);
            for (int i = 0; i < 200; i++) {
                harness.processElement(sample("m", i), 0);
            }
            assertThat(harness.extractOutputValues()).isEmpty();
            harness.setProcessingTime(INTERVAL);
            List<RetrainRequest> out = harness.extractOutputValues();
            assertThat(out).singleElement().satisfies(r -> {
                assertThat(r.modelId()).isEqualTo("m");
                assertThat(r.featureNames()).isEqualTo(FEATURES);
                assertThat(r.rows()).hasNumberOfRows(50);
                // A uniform sample of 0..199, not the first 50: some rows come from later events.
                assertThat(Arrays.asList(r.rows())).doesNotContainNull()
                        .anySatisfy(row -> assertThat(row[0]).isGreaterThanOrEqualTo(50f));
            });

            // The next interval starts empty: 10 events are below the minimum, so no request.
            for (int i = 0; i < 10; i++) {
                harness.processElement(sample("m", 1000 + i), INTERVAL);
            }
            harness.setProcessingTime(3 * INTERVAL);
            assertThat(harness.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void aModelWithOtherFeaturesDiscardsRowsOfTheOldLayout() throws Exception {
        try (var harness = harness(50, 20)) {
            harness.setProcessingTime(0);
            for (int i = 0; i < 30; i++) {
                harness.processElement(sample("m", i), 0);
            }
            for (int i = 0; i < 25; i++) {
                harness.processElement(new NormalSample("m", "file:///b", "s", List.of("cpu", "latency", "errors"), new float[] {i, i, i}, 0, 1, 1, 0, false), 0);
            }
            harness.setProcessingTime(INTERVAL);
            assertThat(harness.extractOutputValues()).singleElement().satisfies(r -> {
                assertThat(r.featureNames()).containsExactly("cpu", "latency", "errors");
                assertThat(r.rows()).hasNumberOfRows(25);
            });
        }
    }

    @Test
    void aRestoredReservoirEmitsTheSameRequestAsTheUninterruptedOne() throws Exception {
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot;
        List<RetrainRequest> uninterrupted;
        try (var straight = harness(50, 20); var before = harness(50, 20)) {
            straight.setProcessingTime(0);
            before.setProcessingTime(0);
            for (int i = 0; i < 40; i++) {
                straight.processElement(sample("m", i), 0);
                before.processElement(sample("m", i), 0);
            }
            straight.setProcessingTime(INTERVAL);
            uninterrupted = straight.extractOutputValues();
            snapshot = before.snapshot(1, 1);
        }
        try (var restored = new KeyedOneInputStreamOperatorTestHarness<>(
                new org.apache.flink.streaming.api.operators.KeyedProcessOperator<>(new NormalReservoir(INTERVAL, 50, 20)),
                NormalSample::modelId, Types.STRING)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.setProcessingTime(INTERVAL);
            assertThat(restored.extractOutputValues()).singleElement().satisfies(r -> {
                assertThat(r.rows()).isDeepEqualTo(uninterrupted.get(0).rows());
                assertThat(r.featureNames()).isEqualTo(uninterrupted.get(0).featureNames());
            });
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, NormalSample, RetrainRequest> harness(int capacity, int minRows)
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedProcessFunction(new NormalReservoir(INTERVAL, capacity, minRows),
                NormalSample::modelId, Types.STRING);
    }

    private static NormalSample sample(String model, int i) {
        return new NormalSample(model, "file:///b", "s", FEATURES, new float[] {i, 2 * i}, 0, 1, 1, 0, false);
    }
}
