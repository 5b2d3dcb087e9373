package io.energysentinel.trainer.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.energysentinel.contract.bundle.SourceHistory;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCanariesTest {
    private static final List<String> METRICS = SyntheticEventStream.FEATURES;
    private static final int M = METRICS.size();

    private static float[][] raw(List<LabelledEvent> stream) {
        float[][] rows = new float[stream.size()][M];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < M; j++) {
                rows[i][j] = stream.get(i).event().features().get(METRICS.get(j)).floatValue();
            }
        }
        return rows;
    }

    @Test
    void withASourcesHistoryEveryCanaryIsARowTheJobCouldSendAndStuckSensorsAreUnchangedRuns() {
        List<LabelledEvent> stream = new SyntheticEventStream(2, 0.0, 60_000, 0, 4).generate(300);
        float[][] raw = raw(stream);
        float[][] reference = SourceHistory.fittedTo(raw).widenInOrder(stream.stream().map(e -> e.event().source()).toList(), raw);

        Map<String, float[][]> canaries = EventCanaries.of(SourceHistory.widenedNames(METRICS), reference, 7);

        assertThat(canaries).containsOnlyKeys("SPIKE", "LEVEL_SHIFT", "DRIFT", "STUCK_SENSOR", "CORRELATION_BREAK");
        for (Map.Entry<String, float[][]> kind : canaries.entrySet()) {
            for (float[] x : kind.getValue()) {
                for (int j = 0; j < M; j++) {
                    assertThat(x[2 * M + j]).as("%s: an unchanged run is a count from 0 to the cap", kind.getKey())
                            .isBetween(0f, (float) SourceHistory.STILL_CAP);
                }
                // The source's average (value minus deviation) is one a reference row had: an anomaly moves the value
                // and its deviation together, never the history alone.
                assertThat(Arrays.stream(reference).anyMatch(r -> sameAverage(r, x)))
                        .as("%s canary's implied average is a real source's", kind.getKey()).isTrue();
            }
        }
        for (float[] x : canaries.get("STUCK_SENSOR")) {
            assertThat(Arrays.stream(reference).anyMatch(r -> Arrays.equals(Arrays.copyOf(r, 2 * M), Arrays.copyOf(x, 2 * M))))
                    .as("a stuck sensor's values are a normal row's").isTrue();
            assertThat(max(x, 2 * M, 3 * M)).as("and one metric has not moved for the longest run counted")
                    .isEqualTo((float) SourceHistory.STILL_CAP);
        }
    }

    @Test
    void withoutHistoryAStuckSensorIsADeadReadingAndASpikeMovesOneMetric() {
        float[][] reference = raw(new SyntheticEventStream(2, 0.0, 60_000, 0, 4).generate(300));

        Map<String, float[][]> canaries = EventCanaries.of(METRICS, reference, 7);

        assertThat(canaries.get("SPIKE").length).isEqualTo(EventCanaries.PER_KIND);
        for (float[] x : canaries.get("SPIKE")) {
            long moved = Arrays.stream(reference).mapToLong(r -> differing(r, x)).min().orElseThrow();
            assertThat(moved).as("a spike moves one metric of a normal row").isEqualTo(1);
        }
        assertThat(EventCanaries.of(METRICS, reference, 7).get("DRIFT")[5]).as("deterministic for a seed")
                .containsExactly(canaries.get("DRIFT")[5], within(0f));
    }

    private static boolean sameAverage(float[] r, float[] x) {
        for (int j = 0; j < M; j++) {
            if (Math.abs((r[j] - r[M + j]) - (x[j] - x[M + j])) > 1e-3 * Math.max(1, Math.abs(r[j]))) {
                return false;
            }
        }
        return true;
    }

    private static long differing(float[] a, float[] b) {
        long n = 0;
        for (int j = 0; j < a.length; j++) {
            n += a[j] == b[j] ? 0 : 1;
        }
        return n;
    }

    private static float max(float[] x, int from, int to) {
        float m = Float.NEGATIVE_INFINITY;
        for (int j = from; j < to; j++) {
            m = Math.max(m, x[j]);
        }
        return m;
    }
}
