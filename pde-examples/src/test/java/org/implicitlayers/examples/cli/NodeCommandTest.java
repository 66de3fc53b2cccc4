package org.implicitlayers.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The neural ODE commands as a user runs them. */
class NodeCommandTest {
    @TempDir Path dir;

    private static String captureStdout(Runnable r) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void spiralTrainsWritesItsPlotsAndResumes() throws Exception {
        Path out = dir.resolve("spiral");
        String s1 =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "node",
                                                "spiral",
                                                "--iters",
                                                "20",
                                                "--eval-every",
                                                "10",
                                                "--out",
                                                out.toString())));
        assertTrue(
                s1.contains("full-trajectory L1 loss") && s1.contains("function evaluations"), s1);
        assertNotNull(
                javax.imageio.ImageIO.read(out.resolve("phase.png").toFile()),
                "a readable phase-plane PNG");
        assertNotNull(
                javax.imageio.ImageIO.read(out.resolve("loss.png").toFile()),
                "a readable loss PNG");
        assertEquals(1001, Files.readAllLines(out.resolve("trajectory.csv")).size());
        assertEquals(21, Files.readAllLines(out.resolve("metrics.csv")).size());
        captureStdout(
                () ->
                        assertEquals(
                                0,
                                ImplicitCli.execute(
                                        "node",
                                        "spiral",
                                        "--iters",
                                        "30",
                                        "--eval-every",
                                        "10",
                                        "--resume",
                                        "--out",
                                        out.toString())));
        assertEquals(31, Files.readAllLines(out.resolve("metrics.csv")).size());
    }

    @Test
    void nodeSpiralBenchPrintsOneLinePerMode() throws Exception {
        String s =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "bench",
                                                "node-spiral",
                                                "--iters",
                                                "4",
                                                "--threads",
                                                "1")));
        String[] lines = s.trim().split("\n");
        assertEquals(3, lines.length, s);
        List<String> modes = List.of("direct", "adjoint", "checkpointed");
        for (int i = 0; i < 3; i++) {
            JsonNode j = new ObjectMapper().readTree(lines[i]);
            assertEquals(modes.get(i), j.get("mode").asText());
            assertTrue(
                    j.get("ms_per_iter").asDouble() > 0
                            && j.get("nfe_forward").asDouble() > 0
                            && j.get("final_loss").asDouble() > 0,
                    s);
            assertEquals(
                    i == 0,
                    j.get("nfe_backward").asDouble() == 0,
                    "only direct backpropagation evaluates f no further: " + s);
        }
    }

    @Test
    void fitReportsTheErrorAndWritesTheFittedSeries() throws Exception {
        Path out = dir.resolve("fit");
        String s =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "node",
                                                "fit",
                                                "../examples/damped-oscillator.csv",
                                                "--steps",
                                                "20",
                                                "--out",
                                                out.toString())));
        assertTrue(s.contains("fit of 80 observations of 2 components") && s.contains("RMSE"), s);
        List<String> rows = Files.readAllLines(out.resolve("fitted.csv"));
        assertEquals("t,x,x_fit,v,v_fit", rows.get(0));
        assertEquals(81, rows.size());
        assertNotNull(
                javax.imageio.ImageIO.read(out.resolve("fit.png").toFile()), "a readable PNG");
    }

    @Test
    void aBadTimeSeriesIsReportedWithFileAndLine() throws Exception {
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "t,a\n0,1\n1,2\n0.5,3\n");
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            assertEquals(1, ImplicitCli.execute("node", "fit", bad.toString()));
        } finally {
            System.setErr(old);
        }
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(
                e.contains("implicit node fit: ")
                        && e.contains("bad.csv:4: time 0.5 does not increase"),
                e);
    }

    @Test
    void cnfReportsTheLikelihoodAndWritesItsPlots() throws Exception {
        Path out = dir.resolve("cnf");
        String s =
                captureStdout(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "node",
                                                "cnf",
                                                "--steps",
                                                "3",
                                                "--hutchinson",
                                                "--out",
                                                out.toString())));
        assertTrue(s.contains("held-out log-likelihood") && s.contains("probability mass"), s);
        double mass = Double.parseDouble(s.replaceAll("(?s).*\\[-3, 3\\]\\^2 ([0-9.]+).*", "$1"));
        assertTrue(mass > 0.9 && mass <= 1.01, "a density: mass " + mass + " on [-3, 3]^2");
        assertNotNull(javax.imageio.ImageIO.read(out.resolve("density.png").toFile()));
        assertNotNull(javax.imageio.ImageIO.read(out.resolve("samples.png").toFile()));
    }
}
