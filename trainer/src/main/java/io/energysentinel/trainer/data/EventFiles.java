package io.energysentinel.trainer.data;

import io.energysentinel.contract.Json;
import io.energysentinel.contract.records.Event;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads event tables, and writes generated events as JSON lines (the wire format, with a {@code label}) or CSV. */
public final class EventFiles {
    private EventFiles() {}

    /** The table in {@code file}: CSV when its name ends in {@code .csv} (the default columns), JSON lines otherwise. */
    public static EventTable read(Path file) {
        return file.toString().endsWith(".csv") ? CsvEventReader.read(file, EventColumns.defaults(), List.of())
                : JsonLinesEventReader.read(file, List.of());
    }

    /** One JSON object per line: the wire {@link Event} plus {@code label} ({@code ""} when normal). */
    public static void writeJsonLines(List<LabelledEvent> events, Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            for (LabelledEvent e : events) {
                Map<String, Object> line = new LinkedHashMap<>();
                Event ev = e.event();
                line.put("id", ev.id());
                line.put("source", ev.source());
                line.put("eventTime", ev.eventTime());
                line.put("features", ev.features());
                line.put("label", e.anomalous() ? e.anomaly().name() : "");
                w.write(Json.compact().writeValueAsString(line));
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** A CSV with columns {@code id,source,time,label} then the features. */
    public static void writeCsv(List<LabelledEvent> events, Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write("id,source,time,label," + String.join(",", SyntheticEventStream.FEATURES));
            w.newLine();
            for (LabelledEvent e : events) {
                Event ev = e.event();
                StringBuilder line = new StringBuilder()
                        .append(ev.id()).append(',').append(ev.source()).append(',').append(ev.eventTime()).append(',')
                        .append(e.anomalous() ? e.anomaly().name() : "");
                for (String f : SyntheticEventStream.FEATURES) {
                    line.append(',').append(ev.features().get(f));
                }
                w.write(line.toString());
                w.newLine();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
