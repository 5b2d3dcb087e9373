package io.energysentinel.job;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.StateRecoveryOptions;

/**
 * Checkpoints that survive the process, for the entry point run as its own process: filesystem checkpoint storage
 * under {@code --checkpoint-dir}, retained when the job is cancelled or killed, and a start that restores the latest
 * completed one. Without it a local run keeps checkpoints in memory, and after {@code kill -9} it resumes from the
 * committed offsets with empty state: the records buffered for the next batch were never scored, and open episodes
 * alerted again.
 */
public final class DurableCheckpoints {
    /** The file Flink writes last into a completed checkpoint's directory. */
    static final String METADATA = "_metadata";

    private DurableCheckpoints() {}

    /** Flink configuration for checkpoints under {@code dir}, restoring from the latest completed one there, if any. */
    public static Configuration under(String dir) {
        Path root = localPath(dir);
        Configuration conf = new Configuration();
        conf.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, root.toUri().toString());
        conf.set(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION, ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        latest(root).ifPresent(checkpoint -> conf.set(StateRecoveryOptions.SAVEPOINT_PATH, checkpoint.toUri().toString()));
        return conf;
    }

    /** The latest completed checkpoint under {@code root} ({@code <job id>/chk-<n>/_metadata}), newest first by time. */
    public static Optional<Path> latest(Path root) {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.find(root, 3, (p, a) -> a.isRegularFile() && p.getFileName().toString().equals(METADATA)
                && p.getParent().getFileName().toString().startsWith("chk-"))) {
            return files.max(Comparator.comparing(DurableCheckpoints::modified).thenComparing(DurableCheckpoints::number))
                    .map(Path::getParent);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for checkpoints under " + root, e);
        }
    }

    private static Path localPath(String dir) {
        return (dir.contains(":") ? Path.of(URI.create(dir)) : Path.of(dir)).toAbsolutePath().normalize();
    }

    private static long modified(Path metadata) {
        try {
            return Files.getLastModifiedTime(metadata).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static long number(Path metadata) {
        try {
            return Long.parseLong(metadata.getParent().getFileName().toString().substring("chk-".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
