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
import org.implicitlayers.core.io.Npz;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command-line tool as a user runs it: outputs exist, parse and say what they should. */
class CommandsTest {
    @TempDir
    Path dir;

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
    void trainDemoWritesItsOutputsAndResumes() throws Exception {
        Path out = dir.resolve("td");
        String s1 = captureStdout(() -> assertEquals(0, ImplicitCli.execute("train-demo", "--steps", "300", "--out", out.toString())));
        assertTrue(s1.contains("done: 300 steps"), s1);
        List<String> rows = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals(301, rows.size());
        assertNotNull(javax.imageio.ImageIO.read(out.resolve("loss.png").toFile()), "a readable PNG");
        assertTrue(Npz.read(out.resolve("params.npz")).tensors().containsKey("layers.0.weight"));
        String s2 = captureStdout(() -> assertEquals(0, ImplicitCli.execute("train-demo", "--steps", "450", "--resume", "--out", out.toString())));
        assertTrue(s2.contains("resumed from step 300"), s2);
        assertEquals(451, Files.readAllLines(out.resolve("metrics.csv")).size());
    }

    @Test
    void microBenchPrintsOneJsonLineWithItsFields() throws Exception {
        String s = captureStdout(() -> assertEquals(0, ImplicitCli.execute("bench", "micro", "--iters", "3", "--warmup", "1",
                "--train-steps", "5", "--threads", "1")));
        String[] lines = s.trim().split("\n");
        assertEquals(1, lines.length, s);
        JsonNode j = new ObjectMapper().readTree(lines[0]);
        for (String f : List.of("fwd_nograd_us", "fwd_tape_us", "fwd_bwd_us", "ritz_pattern_us", "gemm_gflops_1024",
                "gemm_gflops_2048", "peak_rss_mb")) {
            assertTrue(j.get(f).asDouble() > 0, f + " in " + s);
        }
        assertEquals("micro", j.get("benchmark").asText());
    }

    @Test
    void demoChecksDerivatives() {
        String s = captureStdout(() -> assertEquals(0, ImplicitCli.execute("demo", "--steps", "600")));
        assertTrue(s.contains("largest error of u'"), s);
    }
}
