package org.implicitlayers.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps of small Ritz runs on an in-process Spark with two task slots (one session for the class).
 */
class SweepOnSparkTest {
    private static SparkSession spark;

    @TempDir Path dir;

    @BeforeAll
    static void start() {
        spark =
                SparkSession.builder()
                        .master("local[2]")
                        .appName("sweep test")
                        .config("spark.ui.enabled", "false")
                        .config("spark.ui.showConsoleProgress", "false")
                        .getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    @Test
    void twelveRunsOnTwoSlotsGiveTheSameBitsAsTheRunsMadeDirectly() throws IOException {
        Sweep sweep =
                SweepFileTest.sweep(
                        "[{\"path\": \"network.width\", \"values\": [6, 8]}, {\"path\": \"optimizer.lr\", "
                                + "\"values\": [0.003, 0.01]}, {\"path\": \"seed\", \"values\": [0, 1, 2]}]");
        assertEquals(12, sweep.runs().size());
        List<SweepRunner.Progress> progress = Collections.synchronizedList(new ArrayList<>());
        Path out = dir.resolve("sweep");
        SweepRunner.Outcome o =
                SweepRunner.run(spark, sweep, out, SweepRunner.Options.defaults(), progress::add);
        assertEquals(0, o.skipped());
        assertEquals(0, o.failed(), () -> o.results().toString());
        ResultTable table = ResultTable.of(sweep, o.results());
        table.writeParquet(spark, out.resolve("results.parquet"));
        table.writeCsv(out.resolve("results.csv"));

        // The same runs made directly, one after the other, in this thread.
        Map<String, RunResult> direct = new HashMap<>();
        for (Run r : sweep.runs()) {
            direct.put(r.id(), RunExecutor.execute(sweep.kind(), r, dir.resolve("direct"), 0));
        }
        List<Row> rows =
                spark.read().parquet(out.resolve("results.parquet").toString()).collectAsList();
        assertEquals(12, rows.size());
        Set<String> ids = new HashSet<>();
        for (Row row : rows) {
            String id = row.getString(row.fieldIndex("id"));
            assertTrue(ids.add(id), "run " + id + " appears twice");
            RunResult d = direct.get(id);
            assertNotNull(d, "unknown run id " + id);
            assertEquals("ok", row.getString(row.fieldIndex("status")));
            assertEquals(Set.of("rel_l2", "rel_h1", "loss"), d.metrics().keySet());
            for (Map.Entry<String, Double> m : d.metrics().entrySet()) {
                double fromTable = row.getDouble(row.fieldIndex(m.getKey()));
                assertEquals(
                        Double.doubleToRawLongBits(m.getValue()),
                        Double.doubleToRawLongBits(fromTable),
                        "run "
                                + id
                                + ", "
                                + m.getKey()
                                + ": direct "
                                + m.getValue()
                                + ", sweep "
                                + fromTable);
            }
            assertEquals(d.steps(), row.getLong(row.fieldIndex("steps")));
        }
        // The CSV carries the same bits (Java's shortest round-trip decimal form).
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = List.of(csv.get(0).split(","));
        assertEquals(
                List.of(
                        "id",
                        "status",
                        "network.width",
                        "optimizer.lr",
                        "seed",
                        "rel_l2",
                        "rel_h1",
                        "loss",
                        "steps",
                        "wall_s",
                        "train_s",
                        "error"),
                header);
        assertEquals(13, csv.size());
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",", -1);
            assertEquals(
                    direct.get(f[0]).metrics().get("rel_l2"),
                    Double.parseDouble(f[header.indexOf("rel_l2")]));
        }
        // Progress: counts only grow, and the last report has every run done.
        SweepRunner.Progress last = progress.get(progress.size() - 1);
        assertEquals(12, last.done());
        assertEquals(0, last.left());
        for (int i = 1; i < progress.size(); i++) {
            assertTrue(progress.get(i).done() >= progress.get(i - 1).done());
        }
        // Run again: everything is skipped and the table is the same.
        SweepRunner.Outcome again =
                SweepRunner.run(spark, sweep, out, SweepRunner.Options.defaults(), p -> {});
        assertEquals(12, again.skipped());
        for (int i = 0; i < 12; i++) {
            assertEquals(o.results().get(i).metrics(), again.results().get(i).metrics());
        }
    }

    @Test
    void aRunThatThrowsOrDivergesIsRecordedAndTheSweepGoesOn() throws IOException {
        // A formula that is not finite in the domain is refused when the problem is read; a penalty
        // of 1e308
        // overflows the loss at the first step instead (a run that diverges).
        Sweep sweep =
                SweepFileTest.sweep(
                        "{\"zip\": [{\"path\": \"penalty\", \"values\": [500, 1e308, 500]},"
                                + "{\"path\": \"boundary[0].type\", \"values\": [\"dirichlet\", \"dirichlet\", \"neumann\"]},"
                                + "{\"path\": \"bc\", \"values\": [\"penalty\", \"penalty\", \"exact\"]}]}");
        Path out = dir.resolve("faults");
        SweepRunner.Outcome o =
                SweepRunner.run(spark, sweep, out, SweepRunner.Options.defaults(), p -> {});
        List<RunResult> r = o.results();
        assertEquals(
                List.of(RunStatus.OK, RunStatus.DIVERGED, RunStatus.ERROR),
                r.stream().map(RunResult::status).toList(),
                r::toString);
        assertTrue(r.get(1).error().contains("step 1: the loss is"), r.get(1).error());
        assertTrue(
                r.get(2).error().contains("bc 'exact' imposes Dirichlet data"), r.get(2).error());
        assertTrue(r.get(1).metrics().isEmpty() && r.get(2).metrics().isEmpty());
        assertEquals(2, o.failed());
        ResultTable table = ResultTable.of(sweep, r);
        table.writeCsv(out.resolve("results.csv"));
        String csv = Files.readString(out.resolve("results.csv"));
        assertTrue(
                csv.contains(",diverged,")
                        && csv.contains(",error,")
                        && csv.contains(r.get(1).error()),
                csv);
        assertEquals(1, Ranking.best(table, "rel_l2", true, 5).size(), "only the ok run is ranked");

        // A stored failure counts as finished, unless failed runs are retried.
        assertEquals(
                3,
                SweepRunner.run(spark, sweep, out, SweepRunner.Options.defaults(), p -> {})
                        .skipped());
        SweepRunner.Outcome retried =
                SweepRunner.run(spark, sweep, out, new SweepRunner.Options(true), p -> {});
        assertEquals(1, retried.skipped());
        assertEquals(RunStatus.DIVERGED, retried.results().get(1).status());
    }

    @Test
    void aRunPastTheTimeLimitIsRecordedAsFailed() throws IOException {
        Sweep sweep =
                SweepFileTest.sweep(
                        "{\"path\": \"optimizer.steps\", \"values\": [1000000]}",
                        ", \"time_limit_s\": 0.5");
        SweepRunner.Outcome o =
                SweepRunner.run(
                        spark, sweep, dir.resolve("slow"), SweepRunner.Options.defaults(), p -> {});
        RunResult r = o.results().get(0);
        assertEquals(RunStatus.TIME_LIMIT, r.status(), r::toString);
        assertTrue(r.error().startsWith("time limit of 0.500 s reached after "), r.error());
        assertTrue(r.wallSeconds() < 30, "stopped soon after the limit: " + r.wallSeconds() + " s");
    }

    @Test
    void aDriverKilledMidSweepLeavesEveryRunExactlyOnceAfterARerun() throws Exception {
        Files.writeString(
                dir.resolve("base.json"),
                SweepFileTest.BASE.replace("\"steps\": 40", "\"steps\": 80"));
        Path file = dir.resolve("sweep.json");
        Files.writeString(
                file,
                "{\"base\": \"base.json\", \"axes\": [{\"path\": \"network.width\", \"values\": [6, 8]},"
                        + "{\"path\": \"seed\", \"range\": {\"from\": 0, \"to\": 3, \"num\": 4}}]}");
        Sweep sweep = Sweep.load(file);
        Path out = dir.resolve("out");
        Path runs = out.resolve("runs");
        List<String> cmd =
                List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--add-modules",
                        "jdk.incubator.vector",
                        "-cp",
                        System.getProperty("java.class.path"),
                        "org.implicitlayers.sweep.cli.SweepCli",
                        "sweep",
                        file.toString(),
                        "--out",
                        out.toString(),
                        "--master",
                        "local[1]");
        Process driver =
                new ProcessBuilder(cmd)
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("driver.log").toFile())
                        .start();
        long deadline = System.nanoTime() + 180_000_000_000L;
        while (finished(runs) < 2 && driver.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(driver.isAlive(), () -> "the driver ended before it was killed: " + log());
        driver.destroyForcibly(); // SIGKILL: no shutdown hooks, no cleanup
        driver.waitFor();
        int before = finished(runs);
        assertTrue(before >= 2 && before < 8, "killed after " + before + " of 8 runs");

        SweepRunner.Outcome o =
                SweepRunner.run(spark, sweep, out, SweepRunner.Options.defaults(), p -> {});
        assertEquals(before, o.skipped(), "finished runs are not run again");
        assertEquals(0, o.failed(), () -> o.results().toString());
        ResultTable table = ResultTable.of(sweep, o.results());
        List<String> ids = table.rows().stream().map(r -> (String) r[0]).toList();
        assertEquals(
                sweep.runs().stream().map(Run::id).toList(),
                ids,
                "every run once, in the sweep's order");
        assertEquals(8, new HashSet<>(ids).size());
        assertEquals(8, finished(runs));
        try (Stream<Path> s = Files.list(runs)) {
            assertEquals(8, s.count(), "one folder per run");
        }
        try (Stream<Path> s = Files.walk(runs)) {
            assertFalse(
                    s.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")),
                    "no partial result file is left");
        }
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("driver.log"));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int finished(Path runs) throws IOException {
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(runs)) {
            return (int) s.filter(d -> Files.exists(d.resolve(RunResult.FILE))).count();
        }
    }
}
