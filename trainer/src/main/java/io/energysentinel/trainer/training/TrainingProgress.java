package io.energysentinel.trainer.training;

import java.util.function.Consumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/** A console progress bar for a training run: step, loss, E(x+), E(x-) and the ETA. */
public final class TrainingProgress implements Consumer<StepStats>, AutoCloseable {
    private final ProgressBar bar;

    /** A bar named {@code task} counting to {@code steps}. */
    public TrainingProgress(String task, long steps) {
        this.bar = new ProgressBarBuilder().setTaskName(task).setInitialMax(steps)
                .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500).showSpeed().build();
    }

    @Override
    public void accept(StepStats s) {
        bar.stepTo(s.step());
        bar.setExtraMessage(String.format(" loss %.3f E+ %.3f E- %.3f%s", s.loss(), s.positiveEnergy(), s.negativeEnergy(),
                s.crossEntropy() > 0 ? String.format(" ce %.3f", s.crossEntropy()) : ""));
    }

    @Override
    public void close() {
        bar.close();
    }
}
