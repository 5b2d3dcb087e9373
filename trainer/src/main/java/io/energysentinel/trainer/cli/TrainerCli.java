package io.energysentinel.trainer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point of the trainer's command line. */
@Command(name = "energysentinel-trainer", mixinStandardHelpOptions = true,
        description = "Trains, evaluates and exports EnergySentinel energy models.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, EvaluateEventsCommand.class, SampleCommand.class, ToyCommand.class,
            RbmCommand.class, GenerateEventsCommand.class, AnchorCommand.class,
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
        return new CommandLine(new TrainerCli()).setExecutionExceptionHandler(TrainerCli::userError)
                .setParameterExceptionHandler(TrainerCli::badArguments).execute(args);
    }

    /**
     * A mistyped command line (an unknown option, a value of the wrong kind, a missing required option): one line that
     * says what was wrong and where the options are listed, exit code 2; picocli would print the whole usage after it.
     */
    private static int badArguments(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getErr().println(command.getCommandName() + ": " + e.getMessage() + " (" + command.getCommandName()
                + " --help lists the options)");
        return 2;
    }

    /**
     * A refused input (a bad file, too few rows, an impossible setting) is the user's to fix: one line and exit code 2,
     * never a stack trace. Anything else is a bug and keeps its trace.
     */
    private static int userError(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) throws Exception {
        if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException || e instanceof java.io.IOException) {
            commandLine.getErr().println(commandLine.getCommandName() + ": " + e.getMessage());
            return 2;
        }
        throw e;
    }
}
