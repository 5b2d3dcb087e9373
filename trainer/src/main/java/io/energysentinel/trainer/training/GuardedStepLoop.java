package io.energysentinel.trainer.training;

import java.util.concurrent.CancellationException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop of the objectives that need no sampler (NCE, DSM): it runs steps until the step count or the time
 * budget is spent, and a step the guard judges diverged is counted and passed over rather than ending the run (the
 * trainer has already left it unapplied). Both objectives' losses are bounded below, and the diverged steps seen were
 * single non-finite gradients from the native backward (NCE at step 1,380 of a 1-D run that repeated cleanly four times
 * from the same seed; DSM at step 554 of a CI run that passes on every other machine), not a model running away. Only a
 * run of {@value #MAX_SKIPS_IN_A_ROW} diverged steps in a row means training has failed.
 */
final class GuardedStepLoop {
    private static final Logger LOG = LoggerFactory.getLogger(GuardedStepLoop.class);
    /** Diverged steps in a row after which training gives up. */
    static final int MAX_SKIPS_IN_A_ROW = 5;
    private final String objective;
    private final DivergenceGuard guard;
    private int skipped;

    /** A loop for {@code objective} (named in errors) that judges steps by {@code guard}. */
    GuardedStepLoop(String objective, DivergenceGuard guard) {
        this.objective = objective;
        this.guard = guard;
    }

    /**
     * Calls {@code step} until {@code stepsTaken} reaches {@code config.steps()} or {@code config.timeBudget()} runs out;
     * {@code progress} sees every healthy step.
     *
     * @throws IllegalStateException after {@value #MAX_SKIPS_IN_A_ROW} diverged steps in a row
     * @throws CancellationException when the thread is interrupted
     */
    void run(TrainingConfig config, LongSupplier stepsTaken, Supplier<StepStats> step, Consumer<StepStats> progress) {
        long deadline = config.timeBudget().isZero() ? Long.MAX_VALUE : System.nanoTime() + config.timeBudget().toNanos();
        int inARow = 0;
        while (stepsTaken.getAsLong() < config.steps() && System.nanoTime() < deadline) {
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("training interrupted at step " + stepsTaken.getAsLong());
            }
            StepStats stats = step.get();
            String diagnosis = guard.diagnose(stats);
            if (diagnosis == null) {
                inARow = 0;
                progress.accept(stats);
                continue;
            }
            skipped++;
            if (++inARow >= MAX_SKIPS_IN_A_ROW) {
                throw new IllegalStateException(objective + " diverged " + inARow + " steps in a row; last: " + diagnosis);
            }
            LOG.warn("{}: {}; the step was not applied", objective, diagnosis);
        }
    }

    /** Steps passed over so far because the guard judged them diverged. */
    int skipped() {
        return skipped;
    }
}
