package io.energysentinel.trainer.data;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a CSV event table with a header row: header names become feature names, except the
 * {@link EventColumns} ones. Every cell of a feature column must be a finite number.
 */
public final class CsvEventReader {
    private static final CsvMapper CSV = CsvMapper.builder().enable(CsvParser.Feature.WRAP_AS_ARRAY).build();

    private CsvEventReader() {}

    /** Reads {@code file}; {@code requiredFeatures}, when non-empty, must all be present (in any order). */
    public static EventTable read(Path file, EventColumns columns, List<String> requiredFeatures) {
        try {
            if (Files.size(file) == 0) {
                throw new DataFormatException(file, "line 1", "empty file: expected a header row");
            }
            List<String[]> lines = new ArrayList<>();
            try (MappingIterator<String[]> it = CSV.readerFor(String[].class).with(CsvSchema.emptySchema())
                    .readValues(file.toFile())) {
                while (it.hasNextValue()) {
                    lines.add(it.nextValue());
                }
            }
            if (lines.isEmpty()) {
                throw new DataFormatException(file, "line 1", "empty file: expected a header row");
            }
            String[] header = lines.get(0);
            TableBuilder table = new TableBuilder(file, List.of(header), columns, requiredFeatures);
            for (int i = 1; i < lines.size(); i++) {
                String[] cells = lines.get(i);
                if (cells.length == 1 && cells[0].isBlank()) {
                    continue;
                }
                if (cells.length != header.length) {
                    throw new DataFormatException(file, "line " + (i + 1), "has " + cells.length
                            + " cells, the header has " + header.length);
                }
                table.addRow(i + 1, List.of(cells));
            }
            return table.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read CSV " + file, e);
        } catch (RuntimeException e) {
            if (e instanceof DataFormatException) {
                throw e;
            }
            throw new DataFormatException(file, "parsing", "malformed CSV: " + e.getMessage(), e);
        }
    }
}
