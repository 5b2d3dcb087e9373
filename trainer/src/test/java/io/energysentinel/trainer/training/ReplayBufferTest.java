package io.energysentinel.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The persistent chains: where SGLD resumes, and how often a chain restarts from noise. */
class ReplayBufferTest {
    private static final int SIZE = 4;

    @Test
    void chainsContinueFromWhereSgldLeftThemAndRestartFromNoiseAtTheConfiguredRate() {
        Random random = new Random(3);
        ReplayBuffer buffer = new ReplayBuffer(100, SIZE, 0.05, 0f, 1f, random);
        try (NDManager manager = NDManager.newBaseManager()) {
            int[] all = new int[buffer.capacity()];
            Arrays.setAll(all, i -> i);
            // Mark every chain with a value noise in [0, 1] never produces.
            float[] marked = new float[all.length * SIZE];
            Arrays.fill(marked, 5f);
            buffer.update(all, manager.create(marked, new Shape(all.length, SIZE)));
            assertThat(buffer.chain(17)).containsOnly(5f);

            int draws = 20_000;
            NDArray start = buffer.draw(buffer.pick(draws, random), new Shape(SIZE), manager, random);
            assertThat(start.getShape()).isEqualTo(new Shape(draws, SIZE));
            float[] flat = start.toFloatArray();
            int restarted = 0;
            for (int i = 0; i < draws; i++) {
                float first = flat[i * SIZE];
                if (first != 5f) {
                    restarted++;
                    for (int j = 0; j < SIZE; j++) {
                        assertThat(flat[i * SIZE + j]).isBetween(0f, 1f);
                    }
                }
            }
            // 4 standard deviations of a binomial(20,000, 0.05) share.
            assertThat(restarted / (double) draws).isCloseTo(0.05, within(0.006));
        }
    }

    @Test
    void endPointsWithNanOrInfinityLeaveTheirChainsWhereTheyWere() {
        ReplayBuffer buffer = new ReplayBuffer(3, SIZE, 0, 0f, 1f, new Random(5));
        float[] before = buffer.chain(1);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] ends = {
                0.5f, 0.5f, 0.5f, 0.5f,
                0.5f, Float.NaN, 0.5f, 0.5f,
                0.25f, 0.25f, Float.POSITIVE_INFINITY, 0.25f};

            int rejected = buffer.update(new int[] {0, 1, 2}, manager.create(ends, new Shape(3, SIZE)));

            assertThat(rejected).isEqualTo(2);
            assertThat(buffer.chain(0)).containsOnly(0.5f);
            assertThat(buffer.chain(1)).containsExactly(before);
            assertThat(buffer.chain(2)).doesNotContain(Float.POSITIVE_INFINITY);
        }
    }

    @Test
    void zeroRestartRateAlwaysContinuesTheChains() {
        Random random = new Random(4);
        ReplayBuffer buffer = new ReplayBuffer(10, SIZE, 0, 0f, 1f, random);
        try (NDManager manager = NDManager.newBaseManager()) {
            int[] idx = {2, 2, 7};
            float[] flat = buffer.draw(idx, new Shape(SIZE), manager, random).toFloatArray();
            assertThat(Arrays.copyOfRange(flat, 0, SIZE)).containsExactly(buffer.chain(2));
            assertThat(Arrays.copyOfRange(flat, SIZE, 2 * SIZE)).containsExactly(buffer.chain(2));
            assertThat(Arrays.copyOfRange(flat, 2 * SIZE, 3 * SIZE)).containsExactly(buffer.chain(7));
        }
    }
}
