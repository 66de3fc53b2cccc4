package org.implicitlayers.examples.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code implicit bilevel sinkhorn} as a user runs it: its report, its outputs, exact resume,
 * refused settings.
 */
class BilevelSinkhornCommandTest {
    @TempDir Path dir;

    private static String[] capture(Runnable r) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {
            o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8)
        };
    }

    private static String[] args(Path out, String... extra) {
        String[] base = {
            "bilevel", "sinkhorn", "--points", "20", "--quiet", "--out", out.toString()
        };
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return all;
    }

    @Test
    void registersReportsTheFiguresOfMeritAndResumesExactly() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        String[] full =
                capture(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                args(
                                                        a,
                                                        "--epsilon",
                                                        "0.2",
                                                        "--steps",
                                                        "6",
                                                        "--check-every",
                                                        "3"))));
        String[] lines = full[0].trim().split("\n");
        JsonNode j = new ObjectMapper().readTree(lines[lines.length - 1]);
        assertEquals(6, j.get("steps").asInt());
        // The implicit gradient against float64 central differences, and against the unrolled one
        // at the same sweeps.
        assertTrue(j.get("grad_check_rel_err").asDouble() < 1e-5, full[0]);
        assertTrue(j.get("implicit_vs_unrolled_rel_err").asDouble() < 1e-4, full[0]);
        assertTrue(
                j.get("tape_bytes_unrolled").asLong() > 10 * j.get("tape_bytes_implicit").asLong(),
                full[0]);
        assertTrue(
                j.has("angle_error_deg") && j.has("translation_error") && j.has("wall_s"), full[0]);
        assertNotNull(
                javax.imageio.ImageIO.read(a.resolve("registration.png").toFile()),
                "a readable registration PNG");
        assertNotNull(
                javax.imageio.ImageIO.read(a.resolve("loss.png").toFile()), "a readable loss PNG");

        capture(
                () ->
                        assertEquals(
                                0,
                                ImplicitCli.execute(
                                        args(
                                                b,
                                                "--epsilon",
                                                "0.2",
                                                "--steps",
                                                "3",
                                                "--check-every",
                                                "3"))));
        Map<String, Tensor> half = Npz.read(b.resolve("transform.npz")).tensors();
        assertFalse(
                java.util.Arrays.equals(
                        half.get("angle").toDoubleArray(),
                        Npz.read(a.resolve("transform.npz"))
                                .tensors()
                                .get("angle")
                                .toDoubleArray()),
                "three steps differ from six");
        capture(
                () ->
                        assertEquals(
                                0,
                                ImplicitCli.execute(
                                        args(
                                                b,
                                                "--epsilon",
                                                "0.2",
                                                "--steps",
                                                "6",
                                                "--check-every",
                                                "3",
                                                "--resume"))));
        Map<String, Tensor> straight = Npz.read(a.resolve("transform.npz")).tensors(),
                resumed = Npz.read(b.resolve("transform.npz")).tensors();
        assertEquals(straight.keySet(), resumed.keySet());
        for (String k : straight.keySet()) {
            assertArrayEquals(
                    straight.get(k).toDoubleArray(),
                    resumed.get(k).toDoubleArray(),
                    0.0,
                    k + " bit for bit");
        }
    }

    @Test
    void badSettingsAreRefusedBeforeAnythingIsWritten() {
        String[][] cases = {
            {"--epsilon", "0", "--epsilon"},
            {"--steps", "0", "--steps"},
            {"--epsilon", "-1", "--epsilon"},
            {"--points", "0", "--points"},
            {"--outliers", "1.5", "--outliers"},
            {"--tol", "0", "--tol"},
            {"--gradient", "adjoint", "--gradient"},
            {"--lr", "nan", "--lr"}
        };
        for (String[] c : cases) {
            Path out = dir.resolve("bad" + c[0] + c[1]);
            String[] r =
                    capture(() -> assertNotEquals(0, ImplicitCli.execute(args(out, c[0], c[1]))));
            assertTrue(r[1].contains(c[2]), "the message names " + c[2] + ": " + r[1]);
            assertFalse(Files.exists(out), "no output folder for " + c[0] + " " + c[1]);
        }
    }
}
