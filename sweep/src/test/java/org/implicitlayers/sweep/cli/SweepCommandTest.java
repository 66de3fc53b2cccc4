package org.implicitlayers.sweep.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sweep command as a user runs it (its own Spark session, local[1]). */
class SweepCommandTest {
    @TempDir Path dir;

    @Test
    void writesTheTablesThePlotAndASummaryAndARerunSkipsEverything() throws Exception {
        Files.writeString(
                dir.resolve("base.json"),
                """
                {"name": "sq", "domain": {"type": "box", "lo": [0, 0], "hi": [1, 1]},
                 "pde": {"f": "${k}*2*pi^2*sin(pi*x)*sin(pi*y)"}, "boundary": [{"type": "dirichlet", "g": "0"}],
                 "exact": "${k}*sin(pi*x)*sin(pi*y)",
                 "network": {"type": "resnet", "width": 8, "depth": 1, "activation": "tanh"},
                 "optimizer": {"steps": 40, "lr": 0.003}, "sampling": {"interior": 64, "boundary": 16}, "eval_every": 40}
                """);
        Path file = dir.resolve("sweep.json");
        Files.writeString(
                file,
                """
                {"name": "cli", "base": "base.json",
                 "axes": [{"path": "$k", "values": [1, 2, 3]}, {"path": "optimizer.lr", "values": [0.003, 1e30]}]}
                """);
        Path out = dir.resolve("out");
        String[] args = {
            "sweep", file.toString(), "--out", out.toString(), "--master", "local[1]", "--top", "3"
        };
        String[] first = run(args);
        assertTrue(first[1].contains("cli: 6 runs over $k, optimizer.lr"), first[1]);
        assertTrue(first[1].contains("[6/6] done 6, failed 3, left 0"), first[1]);
        assertTrue(first[0].contains("6 runs: 3 ok, 3 failed; 6 ran now"), first[0]);
        assertTrue(first[0].contains("best 3 by rel_l2 (smallest):"), first[0]);
        // A learning rate of 1e30 would overflow the first step: the run is refused before
        // training, naming the field.
        assertTrue(
                first[0].matches(
                        "(?s).*failed [0-9a-f]{16} \\(error\\): optimizer.lr: 1.00e\\+30 makes Adam's first step .*"),
                first[0]);
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(7, csv.size());
        assertTrue(
                csv.get(0).startsWith("id,status,$k,optimizer.lr,rel_l2,rel_h1,loss,"), csv.get(0));
        assertTrue(Files.isDirectory(out.resolve("results.parquet")));
        BufferedImage png = ImageIO.read(out.resolve("rel_l2.png").toFile());
        assertEquals(2 * 520, png.getWidth(), "two panels side by side");
        assertEquals(400, png.getHeight());

        String[] second = run(args);
        assertTrue(
                second[0].contains("6 runs: 3 ok, 3 failed; 0 ran now in 0:00, 6 finished before"),
                second[0]);
        assertEquals(
                csv,
                Files.readAllLines(out.resolve("results.csv")),
                "the rerun gives the same table");
    }

    @Test
    void aSweepOfAMillionRunsIsCountedAndEstimatedWithoutListingItsRuns() throws Exception {
        Files.writeString(
                dir.resolve("base.json"),
                """
                {"name": "sq", "domain": {"type": "box", "lo": [0, 0], "hi": [1, 1]},
                 "pde": {"f": "${k}*2*pi^2*sin(pi*x)*sin(pi*y)"}, "boundary": [{"type": "dirichlet", "g": "0"}],
                 "network": {"type": "resnet", "width": 8, "depth": 1, "activation": "tanh"},
                 "optimizer": {"steps": 1000, "lr": 0.003}, "sampling": {"interior": 64, "boundary": 16}}
                """);
        Path file = dir.resolve("million.json");
        Files.writeString(
                file,
                """
                {"base": "base.json", "time_limit_s": 3600,
                 "axes": [{"path": "$k", "range": {"from": 1.0, "to": 2.0, "num": 100}},
                          {"path": "optimizer.lr", "range": {"from": 1e-4, "to": 1e-2, "num": 100, "scale": "log"}},
                          {"path": "seed", "range": {"from": 0, "to": 99, "num": 100, "integer": true}}]}
                """);
        org.implicitlayers.sweep.Sweep.Plan plan = org.implicitlayers.sweep.Sweep.plan(file);
        assertEquals(1_000_000, plan.count());
        assertEquals(
                "1",
                plan.firstProblem().path("pde").path("f").asText().substring(0, 1),
                "the first run's $k is applied");
        String line = SweepCommand.estimate(plan, "local[4]");
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile(
                                "estimate: about (\\S+) (s|min|h|days) per run .*, (\\S+) (s|min|h|days) for the "
                                        + "1000000 runs on 4 task slots")
                        .matcher(line);
        assertTrue(m.matches(), line);
        double one = Double.parseDouble(m.group(1)) * unit(m.group(2)),
                all = Double.parseDouble(m.group(3)) * unit(m.group(4));
        assertTrue(one > 0 && one <= 3600, line);
        // The total is one run's time times the runs over the slots (to the rounding of the printed
        // figures).
        assertEquals(one * 1_000_000 / 4, all, 0.3 * all, line);
        assertTrue(
                SweepCommand.estimate(plan, "spark://host:7077")
                        .contains("of task time in all, divided by the cluster's task slots"));
    }

    private static double unit(String u) {
        return switch (u) {
            case "s" -> 1;
            case "min" -> 60;
            case "h" -> 3600;
            default -> 86_400;
        };
    }

    /** Runs the tool; returns stdout and stderr. */
    private static String[] run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = SweepCli.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String[] r = {o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)};
        assertEquals(0, rc, () -> r[0] + r[1]);
        return r;
    }

    /**
     * bench sweep takes --threads like the other benchmarks, and refuses a count below one before
     * any run.
     */
    @Test
    void benchSweepTakesThreads() {
        picocli.CommandLine bench =
                new picocli.CommandLine(new SweepCli())
                        .getSubcommands()
                        .get("bench")
                        .getSubcommands()
                        .get("sweep");
        org.junit.jupiter.api.Assertions.assertEquals(
                "2", bench.getCommandSpec().findOption("--threads").defaultValue());
        org.junit.jupiter.api.Assertions.assertNotEquals(
                0, SweepCli.execute("bench", "sweep", "--threads", "0"));
    }
}
