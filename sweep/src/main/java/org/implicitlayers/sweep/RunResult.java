package org.implicitlayers.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Serializable;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The outcome of one run: a row of the result table, also stored as {@code runs/<id>/result.json}.
 *
 * @param id the run's id
 * @param status how it ended
 * @param error the message of a failed run (null when ok)
 * @param metrics final metrics of an ok run (empty otherwise), in the solver's order
 * @param steps optimiser steps taken
 * @param wallSeconds wall-clock time of the whole run on its executor, in seconds
 * @param trainSeconds training time (evaluations excluded), in seconds; NaN for a failed run
 */
public record RunResult(
        String id,
        RunStatus status,
        String error,
        Map<String, Double> metrics,
        long steps,
        double wallSeconds,
        double trainSeconds)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The file of a finished run inside its folder. */
    public static final String FILE = "result.json";

    public RunResult {
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /**
     * Writes {@code result.json} atomically (a temporary file, flushed, then renamed), so that a
     * killed process leaves either no result or a complete one: a rerun then skips exactly the
     * finished runs.
     */
    public void write(Path dir, String settings) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", id);
        n.set("settings", JSON.readTree(settings));
        n.put("status", status.label());
        n.put("error", error);
        ObjectNode m = n.putObject("metrics");
        metrics.forEach(m::put);
        n.put("steps", steps);
        n.put("wall_s", wallSeconds);
        if (Double.isFinite(trainSeconds)) {
            n.put("train_s", trainSeconds);
        }
        Path tmp = dir.resolve(FILE + ".tmp");
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n);
        try (FileChannel ch =
                FileChannel.open(
                        tmp,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE,
                        StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
        }
        Files.move(
                tmp,
                dir.resolve(FILE),
                StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    /** Reads {@code dir/result.json}; null when there is none (the run has not finished). */
    public static RunResult read(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        JsonNode n = JSON.readTree(Files.readString(f, StandardCharsets.UTF_8));
        try {
            Map<String, Double> metrics = new LinkedHashMap<>();
            n.get("metrics")
                    .fields()
                    .forEachRemaining(e -> metrics.put(e.getKey(), e.getValue().asDouble()));
            JsonNode err = n.get("error");
            return new RunResult(
                    n.get("id").asText(),
                    RunStatus.ofLabel(n.get("status").asText()),
                    err == null || err.isNull() ? null : err.asText(),
                    metrics,
                    n.get("steps").asLong(),
                    n.get("wall_s").asDouble(),
                    n.has("train_s") ? n.get("train_s").asDouble() : Double.NaN);
        } catch (RuntimeException e) {
            throw new IOException(f + ": not a result file of a sweep run (" + e + ")", e);
        }
    }
}
