package io.energysentinel.trainer.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** NCE's and DSM's loop: a lone non-finite gradient is passed over, a run of them ends training with the reason. */
class GuardedStepLoopTest {

    /** Steps 1..n, with a NaN gradient norm at the steps in {@code bad}. */
    private static final class ScriptedSteps implements Supplier<StepStats> {
        private final Set<Long> bad;
        private long step;

        ScriptedSteps(Set<Long> bad) {
            this.bad = bad;
        }

        @Override
        public StepStats get() {
            step++;
            return new StepStats(step, 0.5, -1, -1, 0, bad.contains(step) ? Double.NaN : 0.1, 1e-3);
        }
    }

    @Test
    void aLoneNonFiniteGradientIsPassedOverAndCounted() {
        ScriptedSteps steps = new ScriptedSteps(Set.of(554L));
        GuardedStepLoop loop = new GuardedStepLoop("DSM", DivergenceGuard.defaults());
        List<Long> seen = new ArrayList<>();
        loop.run(TrainingConfig.builder().optSteps(1000).build(), () -> steps.step, steps, s -> seen.add(s.step()));
        assertThat(steps.step).isEqualTo(1000);
        assertThat(loop.skipped()).isEqualTo(1);
        assertThat(seen).hasSize(999).doesNotContain(554L);
    }

    @Test
    void aRunOfDivergedStepsEndsTrainingWithTheLastReason() {
        ScriptedSteps steps = new ScriptedSteps(Set.of(10L, 11L, 12L, 13L, 14L));
        GuardedStepLoop loop = new GuardedStepLoop("DSM", DivergenceGuard.defaults());
        assertThatThrownBy(() -> loop.run(TrainingConfig.builder().optSteps(1000).build(), () -> steps.step, steps, s -> {}))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("DSM diverged 5 steps in a row; last: non-finite gradient at step 14");
        assertThat(steps.step).isEqualTo(14);
    }
}
