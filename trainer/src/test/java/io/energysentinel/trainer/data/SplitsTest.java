package io.energysentinel.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SplitsTest {
    @Test
    void sameSeedGivesTheSameDisjointCoveringSplit() {
        Splits a = Splits.of(1000, 0.1, 0.2, 42);
        Splits b = Splits.of(1000, 0.1, 0.2, 42);
        assertThat(a.train()).containsExactly(b.train());
        assertThat(a.validation()).hasSize(100);
        assertThat(a.test()).hasSize(200);
        int[] all = IntStream.concat(IntStream.concat(Arrays.stream(a.train()), Arrays.stream(a.validation())),
                Arrays.stream(a.test())).sorted().toArray();
        assertThat(all).containsExactly(IntStream.range(0, 1000).toArray());
    }

    @Test
    void differentSeedsGiveDifferentSplits() {
        assertThat(Splits.of(1000, 0.1, 0.1, 1).validation()).isNotEqualTo(Splits.of(1000, 0.1, 0.1, 2).validation());
    }
}
