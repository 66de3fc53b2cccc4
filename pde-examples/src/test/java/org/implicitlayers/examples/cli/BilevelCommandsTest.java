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
 * The bilevel commands as a user runs them: figures of merit, gradient checks, exact resume,
 * refusals.
 */
class BilevelCommandsTest {
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

    private static JsonNode lastLine(String stdout) throws Exception {
        String[] lines = stdout.trim().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static Map<String, Tensor> npz(Path p) throws Exception {
        return Npz.read(p).tensors();
    }

    @Test
    void hyperReportsBothMethodsItsChecksAndResumesExactly() throws Exception {
        Path a = dir.resolve("a"), b = dir.resolve("b");
        String[] s =
                capture(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                "bilevel",
                                                "hyper",
                                                "--steps",
                                                "6",
                                                "--quiet",
                                                "--out",
                                                a.toString())));
        JsonNode j = lastLine(s[0]);
        assertTrue(j.get("grad_check_rel_err").asDouble() < 1e-6, s[0]);
        assertTrue(j.get("ridge_closed_form_rel_err").asDouble() < 1e-8, s[0]);
        assertEquals(6, j.get("inner_solves").asInt());
        for (String k :
                new String[] {
                    "implicit_val_loss", "implicit_test_loss", "grid_val_loss", "grid_test_loss"
                }) {
            assertTrue(j.get(k).asDouble() > 0 && j.get(k).asDouble() < 1, k + ": " + s[0]);
        }
        assertTrue(
                j.get("implicit_test_acc").asDouble() > 0.8
                        && j.get("grid_test_acc").asDouble() > 0.8,
                s[0]);
        assertNotNull(javax.imageio.ImageIO.read(a.resolve("validation.png").toFile()));
        assertNotNull(javax.imageio.ImageIO.read(a.resolve("lambda.png").toFile()));
        // Run to 3 steps, then resumed to 6: the same hyperparameters, bit for bit.
        capture(
                () ->
                        assertEquals(
                                0,
                                ImplicitCli.execute(
                                        "bilevel",
                                        "hyper",
                                        "--steps",
                                        "3",
                                        "--quiet",
                                        "--out",
                                        b.toString())));
        capture(
                () ->
                        assertEquals(
                                0,
                                ImplicitCli.execute(
                                        "bilevel",
                                        "hyper",
                                        "--steps",
                                        "6",
                                        "--quiet",
                                        "--out",
                                        b.toString(),
                                        "--resume")));
        Map<String, Tensor> ua = npz(a.resolve("hyper.npz")), ub = npz(b.resolve("hyper.npz"));
        assertArrayEquals(
                ua.get("log_lambda").toDoubleArray(), ub.get("log_lambda").toDoubleArray(), 0);
        assertArrayEquals(
                ua.get("val_loss_history").toDoubleArray(),
                ub.get("val_loss_history").toDoubleArray(),
                0);
        assertNotEquals(
                0.0,
                ua.get("log_lambda").sub(Math.log(0.01)).abs().max().item(),
                "the strengths moved");
    }

    @Test
    void imamlReportsTheThreeMethodsAndResumesExactly() throws Exception {
        Path a = dir.resolve("ia"), b = dir.resolve("ib");
        String[] common = {
            "bilevel",
            "imaml",
            "--eval-every",
            "2",
            "--val-tasks",
            "3",
            "--meta-batch",
            "2",
            "--test-tasks",
            "5",
            "--quiet"
        };
        String[] s =
                capture(
                        () ->
                                assertEquals(
                                        0,
                                        ImplicitCli.execute(
                                                concat(
                                                        common,
                                                        "--steps",
                                                        "4",
                                                        "--out",
                                                        a.toString()))));
        JsonNode j = lastLine(s[0]);
        assertTrue(j.get("grad_check_rel_err").asDouble() < 1e-6, s[0]);
        for (String m : new String[] {"imaml", "fomaml", "maml"}) {
            assertTrue(
                    j.get(m + "_mse").asDouble() > 0 && j.get(m + "_mse_se").asDouble() > 0,
                    m + ": " + s[0]);
            assertTrue(j.get(m + "_tape_ops").asLong() > 0, m + ": " + s[0]);
        }
        assertTrue(j.get("maml_tape_ops").asLong() > j.get("imaml_tape_ops").asLong(), s[0]);
        assertNotNull(javax.imageio.ImageIO.read(a.resolve("meta_test.png").toFile()));
        assertNotNull(javax.imageio.ImageIO.read(a.resolve("adapted.png").toFile()));
        capture(
                () ->
                        assertEquals(
                                0,
                                ImplicitCli.execute(
                                        concat(common, "--steps", "2", "--out", b.toString()))));
        capture(
                () ->
                        assertEquals(
                                0,
                                ImplicitCli.execute(
                                        concat(
                                                common,
                                                "--steps",
                                                "4",
                                                "--out",
                                                b.toString(),
                                                "--resume"))));
        Map<String, Tensor> ua = npz(a.resolve("imaml.npz")), ub = npz(b.resolve("imaml.npz"));
        for (String m : new String[] {"imaml", "fomaml", "maml"}) {
            assertArrayEquals(
                    ua.get("theta_" + m).toDoubleArray(),
                    ub.get("theta_" + m).toDoubleArray(),
                    0,
                    m);
            assertArrayEquals(
                    ua.get("curve_" + m).toDoubleArray(),
                    ub.get("curve_" + m).toDoubleArray(),
                    0,
                    m);
        }
        assertFalse(
                java.util.Arrays.equals(
                        ua.get("theta_imaml").toDoubleArray(),
                        ua.get("theta_maml").toDoubleArray()));
    }

    @Test
    void badSettingsAreRefusedBeforeTheOutputFolderExists() {
        Path out = dir.resolve("never");
        String[][] bad = {
            {"bilevel", "hyper", "--steps", "0"},
            {"bilevel", "hyper", "--lr", "-1"},
            {"bilevel", "hyper", "--train", "500"},
            {"bilevel", "imaml", "--lambda", "0"},
            {"bilevel", "imaml", "--meta-batch", "0"},
            {"bilevel", "imaml", "--test-tasks", "1"},
        };
        for (String[] args : bad) {
            String[] s =
                    capture(
                            () ->
                                    assertNotEquals(
                                            0,
                                            ImplicitCli.execute(
                                                    concat(args, "--out", out.toString()))));
            assertTrue(s[1].contains(args[2]), String.join(" ", args) + ": " + s[1]);
            assertFalse(Files.exists(out), String.join(" ", args));
        }
    }

    private static String[] concat(String[] a, String... b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
