package org.implicitlayers.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bilevel inverse-pde} as a user runs it: a short run that recovers the coefficient, exact
 * resume, refused settings.
 */
class InversePdeCommandTest {
    /** A small, quick instance: coarse truth grid, small network and quadrature. */
    private static final List<String> SMALL =
            List.of(
                    "bilevel",
                    "inverse-pde",
                    "--fd-grid",
                    "64",
                    "--observations",
                    "64",
                    "--points",
                    "1024",
                    "--warmup",
                    "200",
                    "--inner",
                    "10",
                    "--eval-every",
                    "5",
                    "--quiet");

    @TempDir Path dir;

    private static String[] run(List<String> base, String... more) {
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of(more));
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = ImplicitCli.execute(args.toArray(new String[0]));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {
            Integer.toString(rc),
            o.toString(StandardCharsets.UTF_8),
            e.toString(StandardCharsets.UTF_8)
        };
    }

    private static JsonNode lastJson(String stdout) throws Exception {
        String[] lines = stdout.trim().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    @Test
    void aShortRunReducesTheCoefficientErrorAndWritesItsFigures() throws Exception {
        Path out = dir.resolve("run");
        String[] r = run(SMALL, "--steps", "25", "--out", out.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        JsonNode j = lastJson(r[1]);
        double err = j.get("a_rel_l2_err").asDouble(),
                prior = j.get("a_rel_l2_err_prior").asDouble();
        assertTrue(
                err < 0.5 * prior,
                "coefficient error " + err + " against " + prior + " for a = 1: " + r[1]);
        assertTrue(j.get("grad_check_rel_err").asDouble() < 1e-6, r[1]);
        assertTrue(j.get("u_rel_l2_err").asDouble() < 0.1 && j.get("misfit").asDouble() > 0, r[1]);
        for (String png :
                new String[] {"a_true.png", "a_recovered.png", "a_difference.png", "loss.png"}) {
            assertNotNull(javax.imageio.ImageIO.read(out.resolve(png).toFile()), png);
        }
        assertEquals(65, Files.readAllLines(out.resolve("observations.csv")).size());
        assertEquals(26, Files.readAllLines(out.resolve("metrics.csv")).size());
    }

    @Test
    void resumeReproducesTheUninterruptedRunBitForBit() throws Exception {
        Path whole = dir.resolve("whole"), parts = dir.resolve("parts");
        assertEquals("0", run(SMALL, "--steps", "8", "--out", whole.toString())[0]);
        assertEquals("0", run(SMALL, "--steps", "3", "--out", parts.toString())[0]);
        String[] r = run(SMALL, "--steps", "8", "--resume", "--out", parts.toString());
        assertEquals("0", r[0], r[1] + r[2]);
        Map<String, Tensor> a = Npz.read(whole.resolve("params.npz")).tensors(),
                b = Npz.read(parts.resolve("params.npz")).tensors();
        assertEquals(a.keySet(), b.keySet());
        assertTrue(a.containsKey("coefficient.theta"), a.keySet().toString());
        for (String k : a.keySet()) {
            assertArrayEquals(a.get(k).toDoubleArray(), b.get(k).toDoubleArray(), 0.0, k);
            double[] x = a.get(k).toDoubleArray(), y = b.get(k).toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                assertEquals(
                        Double.doubleToRawLongBits(x[i]),
                        Double.doubleToRawLongBits(y[i]),
                        k + "[" + i + "]");
            }
        }
        // Another run's checkpoint is not continued.
        String[] other =
                run(SMALL, "--steps", "9", "--modes", "2", "--resume", "--out", parts.toString());
        assertEquals("1", other[0], other[1] + other[2]);
    }

    @Test
    void badSettingsAreRefusedByNameBeforeAnyOutput() {
        String[][] cases = {
            {"--noise", "-0.1"},
            {"--steps", "0"},
            {"--modes", "9"},
            {"--observations", "0"},
            {"--cg-tol", "2"},
            {"--fd-grid", "8"},
            {"--alpha", "NaN"},
            {"--threads", "0"}
        };
        for (String[] c : cases) {
            Path out = dir.resolve("bad" + c[0]);
            String[] r =
                    run(
                            List.of("bilevel", "inverse-pde", "--quiet"),
                            c[0],
                            c[1],
                            "--out",
                            out.toString());
            assertEquals("1", r[0], String.join(" ", c) + ": " + r[1] + r[2]);
            assertTrue(r[2].contains(c[0]), String.join(" ", c) + ": " + r[2]);
            assertFalse(Files.exists(out), "no output folder for " + String.join(" ", c));
        }
    }
}
