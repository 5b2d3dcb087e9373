package io.energysentinel.deploy;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A command-line tool the checks run (promtool, node), found on the {@code PATH}.
 *
 * <p>A developer without the tool gets a skipped test that says how to install it; CI ({@code CI=true}, as
 * {@code .ci/run} runs) installs every such tool first, so there a missing one fails the build instead of
 * skipping the check in silence.
 */
record ExternalTool(Path executable) {
    /** What a run printed (stdout and stderr together) and how it exited. */
    record Result(int exitCode, String output) {}

    /** The tool named {@code name}, or the test is skipped (failed, on CI) with {@code installHint}. */
    static ExternalTool require(String name, String installHint) {
        Optional<Path> found = find(name);
        if (found.isEmpty()) {
            unavailable(name + " not found on PATH; " + installHint);
        }
        return new ExternalTool(found.get());
    }

    /** Skips the calling test with {@code message}, or fails it on CI, where everything a check needs is set up. */
    static void unavailable(String message) {
        if ("true".equals(System.getenv("CI"))) {
            fail(message + " (on CI, where .ci/run sets everything up, this is an error)");
        }
        assumeTrue(false, message);
    }

    static Optional<Path> find(String name) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            Path candidate = Path.of(dir, name);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs the tool in {@code workDir} and waits at most two minutes. */
    Result run(Path workDir, String... args) {
        return run(Duration.ofMinutes(2), workDir, args);
    }

    /** Runs the tool in {@code workDir} and waits at most {@code timeout}. */
    Result run(Duration timeout, Path workDir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(List.of(args));
        try {
            // Output to a file, not a pipe: a pipe read to its end would wait for a hung tool past the timeout.
            Path log = Files.createTempFile("deploy-check-", ".log");
            try {
                Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile()).start();
                process.getOutputStream().close();
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    fail(String.join(" ", command) + " did not finish in " + timeout + "; it printed:\n"
                            + Files.readString(log, StandardCharsets.UTF_8));
                }
                return new Result(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
