package io.energysentinel.trainer.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.energysentinel.contract.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON-lines events in the wire format: one {@link io.energysentinel.contract.records.Event} per line,
 * {@code {"id":…,"source":…,"eventTime":…,"features":{"name":value,…}}}, optionally with a {@code label}.
 * The first event's feature names fix the columns; every later event must have the same names.
 */
public final class JsonLinesEventReader {
    private JsonLinesEventReader() {}

    /** Reads {@code file}; {@code requiredFeatures}, when non-empty, must all be present. */
    public static EventTable read(Path file, List<String> requiredFeatures) {
        List<String> header = null;
        TableBuilder table = null;
        int line = 0;
        try (BufferedReader reader = Files.newBufferedReader(file)) {
            String text;
            while ((text = reader.readLine()) != null) {
                line++;
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node = parse(file, line, text);
                JsonNode features = node.get("features");
                if (features == null || !features.isObject()) {
                    throw new DataFormatException(file, "line " + line, "no \"features\" object");
                }
                if (header == null) {
                    header = new ArrayList<>(List.of("id", "source", "time", "label"));
                    for (Iterator<String> it = features.fieldNames(); it.hasNext(); ) {
                        header.add(it.next());
                    }
                    table = new TableBuilder(file, header, EventColumns.defaults(), requiredFeatures);
                }
                List<String> cells = new ArrayList<>(header.size());
                cells.add(text(node, "id", "row-" + (line - 1)));
                cells.add(text(node, "source", "unknown"));
                cells.add(text(node, "eventTime", String.valueOf(line - 1)));
                cells.add(text(node, "label", ""));
                for (int c = 4; c < header.size(); c++) {
                    JsonNode v = features.get(header.get(c));
                    if (v == null) {
                        throw new DataFormatException(file, "line " + line, "missing feature '" + header.get(c) + "'");
                    }
                    cells.add(v.asText());
                }
                if (features.size() != header.size() - 4) {
                    for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) features::fields) {
                        if (!header.contains(f.getKey())) {
                            throw new DataFormatException(file, "line " + line, "unexpected feature '" + f.getKey() + "'");
                        }
                    }
                }
                table.addRow(line, cells);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (table == null) {
            throw new DataFormatException(file, "line 1", "empty file: no events");
        }
        return table.build();
    }

    private static JsonNode parse(Path file, int line, String text) {
        try {
            JsonNode node = Json.compact().readTree(text);
            if (!node.isObject()) {
                throw new DataFormatException(file, "line " + line, "not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new DataFormatException(file, "line " + line + ", column " + e.getLocation().getColumnNr(),
                    "not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? fallback : v.asText();
    }
}
