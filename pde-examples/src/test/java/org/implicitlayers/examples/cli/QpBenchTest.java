package org.implicitlayers.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench qp} reads the reference's problem file and reports what it measured, on both
 * backends.
 */
class QpBenchTest {
    @TempDir Path dir;

    /**
     * A small member of the reference's family, written as qp_layer.py --dump writes it; returns
     * the arrays.
     */
    static Map<String, Tensor> write(Path file, int batch, int n, int m, int pe) throws Exception {
        Rng rng = Rng.seeded(4);
        double[] l = gauss(rng, n * n), q = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = i == j ? 0.1 : 0;
                for (int k = 0; k < n; k++) {
                    v += l[i * n + k] * l[j * n + k] / n;
                }
                q[i * n + j] = v;
            }
        }
        double[] g = gauss(rng, m * n), a = gauss(rng, pe * n), z0 = gauss(rng, batch * n);
        double[] h = new double[batch * m], b = new double[batch * pe];
        for (int s = 0; s < batch; s++) {
            for (int c = 0; c < m; c++) {
                h[s * m + c] = dot(g, c * n, z0, s * n, n) + 0.1 + 0.9 * rng.nextDouble();
            }
            for (int c = 0; c < pe; c++) {
                b[s * pe + c] = dot(a, c * n, z0, s * n, n);
            }
        }
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("Q", Tensor.of(q, n, n));
        t.put("G", Tensor.of(g, m, n));
        t.put("A", Tensor.of(a, pe, n));
        t.put("h", Tensor.of(h, batch, m));
        t.put("b", Tensor.of(b, batch, pe));
        t.put("p", Tensor.of(gauss(rng, batch * n), batch, n));
        t.put("w", Tensor.of(gauss(rng, batch * n), batch, n));
        Npz.write(file, t);
        t.put("z0", Tensor.of(z0, batch, n));
        return t;
    }

    static double[] gauss(Rng rng, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    static double dot(double[] x, int xo, double[] y, int yo, int n) {
        double v = 0;
        for (int i = 0; i < n; i++) {
            v += x[xo + i] * y[yo + i];
        }
        return v;
    }

    private static String[] run(String... args) {
        PrintStream out = System.out, err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream(), e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = ImplicitCli.execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new String[] {
            Integer.toString(code),
            o.toString(StandardCharsets.UTF_8),
            e.toString(StandardCharsets.UTF_8)
        };
    }

    @Test
    void printsTheContractFieldsOnBothBackends() throws Exception {
        Path file = dir.resolve("qp.npz");
        Map<String, Tensor> t = write(file, 6, 8, 12, 3);
        double objective = Double.NaN;
        for (String backend : new String[] {"jvm", "nd4j"}) {
            String[] r =
                    run(
                            "bench",
                            "qp",
                            "--data",
                            file.toString(),
                            "--iters",
                            "2",
                            "--warmup",
                            "1",
                            "--threads",
                            "1",
                            "--backend",
                            backend);
            assertEquals("0", r[0], r[2]);
            JsonNode j = new ObjectMapper().readTree(r[1].trim());
            assertEquals("qp", j.get("benchmark").asText());
            assertTrue(j.get("backend").asText().startsWith(backend), r[1]);
            assertTrue(j.get("ms_median").asDouble() > 0, r[1]);
            assertEquals(0, j.get("failed").asInt(), r[1]);
            assertTrue(
                    j.get("max_ineq_violation").asDouble() <= 1e-9
                            && j.get("max_eq_residual").asDouble() <= 1e-9,
                    r[1]);
            assertTrue(j.get("max_kkt_residual").asDouble() <= 1e-10, r[1]);
            if (backend.equals("jvm")) {
                objective = j.get("objective_mean").asDouble();
            } else {
                assertEquals(
                        objective,
                        j.get("objective_mean").asDouble(),
                        1e-9 * Math.abs(objective),
                        "nd4j vs jvm");
            }
        }
        // The optimum's mean objective is below that of the feasible points z0 the data were made
        // from.
        double[] q = t.get("Q").toDoubleArray(),
                p = t.get("p").toDoubleArray(),
                z0 = t.get("z0").toDoubleArray();
        double at0 = 0;
        for (int s = 0; s < 6; s++) {
            for (int i = 0; i < 8; i++) {
                at0 += z0[s * 8 + i] * (0.5 * dot(q, i * 8, z0, s * 8, 8) + p[s * 8 + i]) / 6;
            }
        }
        assertTrue(objective < at0, objective + " vs " + at0);
    }

    @Test
    void aFileWithoutAnArrayIsRefusedNamingIt() throws Exception {
        Path file = dir.resolve("bad.npz");
        Map<String, Tensor> t = write(file, 2, 3, 2, 1);
        t.remove("w");
        t.remove("z0");
        Npz.write(file, t);
        String[] r = run("bench", "qp", "--data", file.toString(), "--iters", "1");
        assertTrue(!r[0].equals("0") && r[2].contains("'w' missing"), r[0] + " " + r[2]);
        r = run("bench", "qp", "--data", dir.resolve("absent.npz").toString());
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("no such file"), r[2]);
    }

    @Test
    void withoutDataItRunsOnAGeneratedBatchAndSaysSo() throws Exception {
        String[] r =
                run(
                        "bench",
                        "qp",
                        "--batch",
                        "5",
                        "--n",
                        "7",
                        "--m",
                        "9",
                        "--pe",
                        "2",
                        "--seed",
                        "3",
                        "--iters",
                        "1",
                        "--warmup",
                        "0",
                        "--threads",
                        "1");
        assertEquals("0", r[0], r[2]);
        JsonNode j = new ObjectMapper().readTree(r[1].trim());
        assertEquals("generated (seed 3)", j.get("data").asText());
        assertEquals("float64", j.get("dtype").asText());
        assertEquals(5, j.get("batch").asInt());
        assertEquals(7, j.get("n").asInt());
        assertEquals(9, j.get("m").asInt());
        assertEquals(2, j.get("pe").asInt());
        // Every member of the family is strictly feasible (z0 is), so every sample is solved.
        assertEquals(0, j.get("failed").asInt(), r[1]);
        assertTrue(
                j.get("max_ineq_violation").asDouble() <= 1e-9
                        && j.get("max_eq_residual").asDouble() <= 1e-9,
                r[1]);
    }

    @Test
    void float32AndUnknownDtypesAreRefusedInPlainWords() {
        String[] r = run("bench", "qp", "--dtype", "float32", "--iters", "1");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("float64 only"), r[2]);
        for (String bench : new String[] {"qp", "micro", "gemm"}) {
            r = run("bench", bench, "--dtype", "half");
            assertEquals("2", r[0], r[2]);
            assertTrue(r[2].contains("expected float32 or float64, got 'half'"), r[2]);
            assertTrue(!r[2].contains("Exception") && !r[2].contains("java."), r[2]);
        }
    }

    @Test
    void anErrorFoundWhileRunningPrintsTheFullCommandInItsUsage() {
        // Thrown on a CommandLine made from the shared bench options alone, and from the ritz
        // command's own.
        String[] r = run("bench", "qp", "--threads", "0");
        assertEquals("2", r[0], r[2]);
        assertTrue(
                r[2].contains("--threads must be >= 1")
                        && r[2].contains("Usage: implicit bench qp "),
                r[2]);
        r = run("ritz", "--steps", "-1");
        assertEquals("2", r[0], r[2]);
        assertTrue(r[2].contains("Usage: implicit ritz "), r[2]);
    }
}
