package io.energysentinel.trainer.cli;

import io.energysentinel.trainer.data.EventFiles;
import io.energysentinel.trainer.data.LabelledEvent;
import io.energysentinel.trainer.data.SyntheticEventStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a synthetic, labelled event stream to JSON lines and/or CSV. */
@Command(name = "generate-events", mixinStandardHelpOptions = true,
        description = "Generates a labelled synthetic metric stream (spike, level shift, stuck sensor, correlation break, drift).")
final class GenerateEventsCommand implements Callable<Integer> {
    @Option(names = "--sources", defaultValue = "4", description = "Hosts emitting metrics (default ${DEFAULT-VALUE}).")
    int sources;
    @Option(names = "--events", defaultValue = "2000", description = "Events per host (default ${DEFAULT-VALUE}).")
    int events;
    @Option(names = "--anomaly-rate", defaultValue = "0.01", description = "Chance per event that an anomaly episode starts (default ${DEFAULT-VALUE}).")
    double anomalyRate;
    @Option(names = "--interval-ms", defaultValue = "60000", description = "Time between events of one host (default ${DEFAULT-VALUE}).")
    long intervalMs;
    @Option(names = "--start-ms", defaultValue = "1767225600000", description = "Event time of the first event (default ${DEFAULT-VALUE}).")
    long startMs;
    @Option(names = "--seed", defaultValue = "7", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;
    @Option(names = "--out", description = "JSON-lines output file.")
    Path jsonLines;
    @Option(names = "--csv", description = "CSV output file.")
    Path csv;

    @Override
    public Integer call() throws Exception {
        if (jsonLines == null && csv == null) {
            System.err.println("give --out FILE.jsonl and/or --csv FILE.csv");
            return 2;
        }
        List<LabelledEvent> stream = new SyntheticEventStream(sources, anomalyRate, intervalMs, startMs, seed).generate(events);
        for (Path p : new Path[] {jsonLines, csv}) {
            if (p != null && p.toAbsolutePath().getParent() != null) {
                Files.createDirectories(p.toAbsolutePath().getParent());
            }
        }
        if (jsonLines != null) {
            EventFiles.writeJsonLines(stream, jsonLines);
        }
        if (csv != null) {
            EventFiles.writeCsv(stream, csv);
        }
        long anomalous = stream.stream().filter(LabelledEvent::anomalous).count();
        System.out.printf("%d events from %d sources, %d anomalous (%.1f%%)%n", stream.size(), sources, anomalous,
                100.0 * anomalous / stream.size());
        return 0;
    }
}
