package io.energysentinel.trainer.training;

import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A console progress bar for a training run: step, loss, E(x+), E(x-) and the ETA. With a time budget the
 * bar counts seconds of the budget (the step count it will reach is unknown), else steps.
 */
public final class TrainingProgress implements Consumer<StepStats>, AutoCloseable {
    private final ProgressBar bar;
    private final boolean timed;
    private final long start = System.nanoTime();

    /** A bar named {@code task} counting to {@code steps}, or to the end of {@code timeBudget} when it is set. */
    public TrainingProgress(String task, long steps, java.time.Duration timeBudget) {
        this.timed = !timeBudget.isZero();
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(timed ? timeBudget.toSeconds() : steps)
                .setUnit(timed ? "s" : " steps", 1).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).build();
    }

    @Override
    public void accept(StepStats s) {
        bar.stepTo(timed ? (System.nanoTime() - start) / 1_000_000_000L : s.step());
        bar.setExtraMessage(String.format(" step %d loss %.3f E+ %.3f E- %.3f%s", s.step(), s.loss(), s.positiveEnergy(),
                s.negativeEnergy(), s.crossEntropy() > 0 ? String.format(" ce %.3f", s.crossEntropy()) : ""));
    }

    @Override
    public void close() {
        bar.close();
    }
}
