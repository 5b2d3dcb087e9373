package io.energysentinel.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the trainer's command line. */
@Command(name = "energysentinel-trainer", mixinStandardHelpOptions = true,
        description = "Trains, evaluates and exports EnergySentinel energy models.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, SampleCommand.class, GenerateEventsCommand.class,
            BenchCommand.class})
public final class TrainerCli {
    private TrainerCli() {}

    /** Runs a subcommand and exits with its code. */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a subcommand and returns its exit code (for callers that must not exit, like the demo). */
    public static int run(String... args) {
        if (System.getProperty("ai.djl.offline") == null) {
            // Everything DJL needs is on the classpath; never let it reach for the network.
            System.setProperty("ai.djl.offline", "true");
        }
        return new CommandLine(new TrainerCli()).execute(args);
    }
}
