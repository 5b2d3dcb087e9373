package io.energysentinel.job.functions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.energysentinel.job.model.ScoringInput;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.junit.jupiter.api.Test;

class ScorerShardsTest {

    @Test
    void givesEverySubtaskTheSameNumberOfShards() {
        for (int parallelism : new int[] {1, 2, 3, 4, 8, 16}) {
            int maxParallelism = KeyGroupRangeAssignment.computeDefaultMaxParallelism(parallelism);
            int[] keys = ScorerShards.spreadOver(2 * parallelism, parallelism, maxParallelism).keys();

            Map<Integer, Integer> shardsPerSubtask = new HashMap<>();
            for (int key : keys) {
                shardsPerSubtask.merge(KeyGroupRangeAssignment.assignKeyToParallelOperator(key, maxParallelism, parallelism), 1, Integer::sum);
            }
            assertThat(shardsPerSubtask).as("parallelism %d", parallelism).hasSize(parallelism).containsOnlyKeys(
                    IntStream.range(0, parallelism).boxed().toList());
            assertThat(shardsPerSubtask.values()).containsOnly(2);
            assertThat(Arrays.stream(keys).distinct().count()).isEqualTo(keys.length);
        }
    }

    @Test
    void sendsEveryRecordOfOneSourceToTheSameShard() {
        ScorerShards shards = ScorerShards.spreadOver(4, 2, 128);

        Integer first = shards.getKey(image("camera-7"));
        assertThat(shards.getKey(image("camera-7"))).isEqualTo(first);
        assertThat(shards.keys()).contains(first);
    }

    @Test
    void spreadsSourcesOverAllShards() {
        ScorerShards shards = ScorerShards.spreadOver(4, 2, 128);

        assertThat(IntStream.range(0, 64).mapToObj(i -> shards.getKey(image("camera-" + i))).distinct())
                .containsExactlyInAnyOrder(Arrays.stream(shards.keys()).boxed().toArray(Integer[]::new));
    }

    @Test
    void refusesImpossibleLayouts() {
        assertThatThrownBy(() -> ScorerShards.spreadOver(0, 2, 128)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ScorerShards.spreadOver(4, 256, 128)).isInstanceOf(IllegalArgumentException.class);
    }

    private static ScoringInput image(String source) {
        return new ScoringInput("id", source, 0L, ScoringInput.IMAGE, new float[1], "origin", null);
    }
}
