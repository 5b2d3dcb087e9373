package io.energysentinel.trainer.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Turns header + string cells into an {@link EventTable}, with errors naming file, line and column. */
final class TableBuilder {
    private final Path file;
    private final List<String> header;
    private final int idCol;
    private final int sourceCol;
    private final int timeCol;
    private final int labelCol;
    private final List<Integer> featureCols = new ArrayList<>();
    private final List<String> featureNames = new ArrayList<>();
    private final List<double[]> rows = new ArrayList<>();
    private final List<String> ids = new ArrayList<>();
    private final List<String> sources = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();

    TableBuilder(Path file, List<String> header, EventColumns columns, List<String> requiredFeatures) {
        this.file = file;
        this.header = List.copyOf(header);
        for (int c = 0; c < header.size(); c++) {
            String name = header.get(c).trim();
            if (name.isEmpty()) {
                throw new DataFormatException(file, "line 1, column " + (c + 1), "empty column name");
            }
            if (header.subList(0, c).stream().map(String::trim).anyMatch(name::equals)) {
                throw new DataFormatException(file, "line 1, column " + (c + 1), "duplicate column '" + name + "'");
            }
            if (!columns.isMeta(name)) {
                featureCols.add(c);
                featureNames.add(name);
            }
        }
        idCol = indexOf(columns.id());
        sourceCol = indexOf(columns.source());
        timeCol = indexOf(columns.time());
        labelCol = indexOf(columns.label());
        for (String required : requiredFeatures) {
            if (!featureNames.contains(required)) {
                throw new DataFormatException(file, "line 1", "missing column '" + required + "' (columns: " + header + ")");
            }
        }
        if (featureNames.isEmpty()) {
            throw new DataFormatException(file, "line 1", "no feature columns in header " + header);
        }
    }

    private int indexOf(String name) {
        for (int c = 0; c < header.size(); c++) {
            if (header.get(c).trim().equals(name)) {
                return c;
            }
        }
        return -1;
    }

    void addRow(int line, List<String> cells) {
        double[] values = new double[featureCols.size()];
        for (int f = 0; f < values.length; f++) {
            int c = featureCols.get(f);
            values[f] = number(cells.get(c), line, c);
        }
        rows.add(values);
        ids.add(idCol >= 0 ? cells.get(idCol) : "row-" + (rows.size() - 1));
        sources.add(sourceCol >= 0 ? cells.get(sourceCol) : "unknown");
        times.add(timeCol >= 0 ? (long) number(cells.get(timeCol), line, timeCol) : rows.size() - 1L);
        String label = labelCol >= 0 ? cells.get(labelCol).trim() : "";
        labels.add("normal".equalsIgnoreCase(label) ? "" : label);
    }

    private double number(String cell, int line, int column) {
        String text = cell == null ? "" : cell.trim();
        try {
            double v = Double.parseDouble(text);
            if (!Double.isFinite(v)) {
                throw new DataFormatException(file, "line " + line + ", column " + (column + 1) + " '" + header.get(column) + "'",
                        "non-finite value '" + text + "'");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new DataFormatException(file, "line " + line + ", column " + (column + 1) + " '" + header.get(column) + "'",
                    "not a number: '" + text + "'");
        }
    }

    EventTable build() {
        if (rows.isEmpty()) {
            throw new DataFormatException(file, "line 2", "no data rows after the header");
        }
        return new EventTable(file.getFileName().toString(), featureNames, rows, ids, sources,
                times.stream().mapToLong(Long::longValue).toArray(), timeCol >= 0, labels);
    }
}
