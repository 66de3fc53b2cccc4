package org.implicitlayers.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The result of a sweep as a table: one row per run with its id, status, every swept setting (one
 * column per axis, named by its path), the final metrics, steps, wall and training time in seconds,
 * and the error message of a failed run. Written as CSV (one file) and Parquet.
 */
public final class ResultTable {
    /** The type of a column. */
    public enum Type {
        STRING,
        LONG,
        DOUBLE,
        BOOLEAN
    }

    /**
     * A column.
     *
     * @param name its header
     * @param type its type
     */
    public record Column(String name, Type type) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Column> columns;
    private final List<Object[]> rows;
    private final List<String> axes;
    private final List<String> metrics;

    private ResultTable(
            List<Column> columns, List<Object[]> rows, List<String> axes, List<String> metrics) {
        this.columns = List.copyOf(columns);
        this.rows = rows;
        this.axes = List.copyOf(axes);
        this.metrics = List.copyOf(metrics);
    }

    /** The table of a sweep's results ({@code results} in the order of {@code sweep.runs()}). */
    public static ResultTable of(Sweep sweep, List<RunResult> results) throws IOException {
        List<String> axes = sweep.axisNames();
        Set<String> metricNames = new LinkedHashSet<>();
        results.forEach(r -> metricNames.addAll(r.metrics().keySet()));
        List<JsonNode> settings = new ArrayList<>();
        for (Run r : sweep.runs()) {
            settings.add(JSON.readTree(r.settings()));
        }
        List<Column> cols = new ArrayList<>();
        cols.add(new Column("id", Type.STRING));
        cols.add(new Column("status", Type.STRING));
        Type[] axisTypes = new Type[axes.size()];
        for (int a = 0; a < axes.size(); a++) {
            String name = axes.get(a);
            axisTypes[a] = typeOf(settings.stream().map(s -> s.get(name)).toList());
            cols.add(new Column(name, axisTypes[a]));
        }
        metricNames.forEach(m -> cols.add(new Column(m, Type.DOUBLE)));
        cols.add(new Column("steps", Type.LONG));
        cols.add(new Column("wall_s", Type.DOUBLE));
        cols.add(new Column("train_s", Type.DOUBLE));
        cols.add(new Column("error", Type.STRING));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            RunResult r = results.get(i);
            List<Object> row = new ArrayList<>();
            row.add(r.id());
            row.add(r.status().label());
            for (int a = 0; a < axes.size(); a++) {
                row.add(value(settings.get(i).get(axes.get(a)), axisTypes[a]));
            }
            for (String m : metricNames) {
                row.add(r.metrics().get(m));
            }
            row.add(r.steps());
            row.add(r.wallSeconds());
            row.add(Double.isFinite(r.trainSeconds()) ? r.trainSeconds() : null);
            row.add(r.error());
            rows.add(row.toArray());
        }
        return new ResultTable(cols, rows, axes, new ArrayList<>(metricNames));
    }

    private static Type typeOf(List<JsonNode> values) {
        if (values.stream().allMatch(JsonNode::isIntegralNumber)) {
            return Type.LONG;
        }
        if (values.stream().allMatch(JsonNode::isNumber)) {
            return Type.DOUBLE;
        }
        if (values.stream().allMatch(JsonNode::isBoolean)) {
            return Type.BOOLEAN;
        }
        return Type.STRING;
    }

    private static Object value(JsonNode v, Type t) {
        return switch (t) {
            case LONG -> v.asLong();
            case DOUBLE -> v.asDouble();
            case BOOLEAN -> v.asBoolean();
            case STRING -> v.isTextual() ? v.asText() : v.toString();
        };
    }

    public List<Column> columns() {
        return columns;
    }

    /**
     * The rows, one per run in the sweep's order; each value a String, Long, Double, Boolean or
     * null.
     */
    public List<Object[]> rows() {
        return rows.stream().map(r -> Arrays.copyOf(r, r.length)).toList();
    }

    /** The swept settings' column names. */
    public List<String> axes() {
        return axes;
    }

    /** The metrics' column names. */
    public List<String> metrics() {
        return metrics;
    }

    /** The index of a column by name, or -1. */
    public int column(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Writes the table as one CSV file (doubles in Java's shortest round-trip form, empty cells for
     * missing values).
     */
    public void writeCsv(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(String.join(",", columns.stream().map(c -> csv(c.name())).toList()));
            w.write('\n');
            for (Object[] row : rows) {
                StringBuilder b = new StringBuilder();
                for (int i = 0; i < row.length; i++) {
                    b.append(i == 0 ? "" : ",")
                            .append(row[i] == null ? "" : csv(row[i].toString()));
                }
                w.write(b.append('\n').toString());
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String csv(String s) {
        if (s.contains(",") || s.contains("\"") || s.contains("\n") || s.contains("\r")) {
            return '"' + s.replace("\"", "\"\"") + '"';
        }
        return s;
    }

    /** Writes the table as Parquet (a folder, replaced if present) with Spark. */
    public void writeParquet(SparkSession spark, Path dir) {
        List<StructField> fields = new ArrayList<>();
        for (Column c : columns) {
            DataType t =
                    switch (c.type()) {
                        case STRING -> DataTypes.StringType;
                        case LONG -> DataTypes.LongType;
                        case DOUBLE -> DataTypes.DoubleType;
                        case BOOLEAN -> DataTypes.BooleanType;
                    };
            fields.add(DataTypes.createStructField(c.name(), t, true));
        }
        List<Row> data = rows.stream().map(RowFactory::create).toList();
        spark.createDataFrame(data, new StructType(fields.toArray(new StructField[0])))
                .coalesce(1)
                .write()
                .mode(SaveMode.Overwrite)
                .parquet(dir.toAbsolutePath().toUri().toString());
    }
}
