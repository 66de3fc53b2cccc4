package org.implicitlayers.examples.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The convex-layer examples run, write their figures and end with one JSON line that says what they
 * found.
 */
class ConvexCommandsTest {
    @TempDir Path dir;

    private static JsonNode lastJsonLine(String... args) throws Exception {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            assertEquals(0, ImplicitCli.execute(args));
        } finally {
            System.setOut(old);
        }
        String[] lines = buf.toString(StandardCharsets.UTF_8).trim().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    @Test
    void sparsemaxLayerTrainsExactlyLikeTheClosedForm() throws Exception {
        Path out = dir.resolve("sm");
        JsonNode j = lastJsonLine("convex", "sparsemax", "--steps", "15", "--out", out.toString());
        assertTrue(j.get("max_loss_curve_diff").asDouble() < 1e-9, j.toString());
        assertTrue(
                j.get("final_loss").asDouble() < 0.5 && j.get("test_accuracy").asDouble() > 0.5,
                j.toString());
        assertNotNull(javax.imageio.ImageIO.read(out.resolve("sparsemax.png").toFile()));
    }

    @Test
    void metricAndMpcExamplesReduceTheirLosses() throws Exception {
        Path m = dir.resolve("metric");
        JsonNode j = lastJsonLine("convex", "metric", "--steps", "12", "--out", m.toString());
        assertTrue(
                j.get("train_loss_final").asDouble() < j.get("train_loss_initial").asDouble(),
                j.toString());
        assertNotNull(javax.imageio.ImageIO.read(m.resolve("metric.png").toFile()));
        Path c = dir.resolve("mpc");
        JsonNode k =
                lastJsonLine(
                        "convex", "mpc", "--steps", "6", "--horizon", "5", "--out", c.toString());
        assertTrue(
                k.get("train_loss_final").asDouble() < k.get("train_loss_initial").asDouble(),
                k.toString());
        assertNotNull(javax.imageio.ImageIO.read(c.resolve("mpc.png").toFile()));
        assertNotNull(javax.imageio.ImageIO.read(c.resolve("mpc-controls.png").toFile()));
    }

    @Test
    void badOptionsAreRefusedWithAMessage() {
        assertEquals(
                1,
                ImplicitCli.execute(
                        "convex", "mpc", "--steps", "0", "--out", dir.resolve("x").toString()));
    }
}
