package io.energysentinel.contract.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OnnxScorerTest {
    @Test
    void padsAShortBatchToTheNextPowerOfTwoAndNeverBeyondTheFixedBatch() {
        assertThat(OnnxScorer.paddedBatch(1, 64)).isEqualTo(1);
        assertThat(OnnxScorer.paddedBatch(2, 64)).isEqualTo(2);
        assertThat(OnnxScorer.paddedBatch(3, 64)).isEqualTo(4);
        assertThat(OnnxScorer.paddedBatch(33, 64)).isEqualTo(64);
        assertThat(OnnxScorer.paddedBatch(32, 64)).isEqualTo(32);
        assertThat(OnnxScorer.paddedBatch(64, 64)).isEqualTo(64);
        assertThat(OnnxScorer.paddedBatch(65, 100)).as("a fixed batch that is no power of two caps it").isEqualTo(100);
    }
}
