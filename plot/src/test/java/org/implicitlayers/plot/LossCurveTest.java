package org.implicitlayers.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loss panel of curves.png shows the descent, not the noise of the plateau. */
class LossCurveTest {
    @Test
    void aNegativeEnergyIsDrawnAsItsGapToTheMinimumOnALogAxis(@TempDir Path dir) throws Exception {
        // A Ritz-like energy: from +5 down to a plateau at -2.47 within the first tenth, then noise
        // of 1e-3.
        int n = 500;
        double[] x = new double[n], y = new double[n];
        java.util.Random r = new java.util.Random(3);
        for (int i = 0; i < n; i++) {
            x[i] = 10 * (i + 1);
            y[i] = -2.47 + 7.47 * Math.exp(-i / 10.0) + 1e-3 * r.nextGaussian();
        }
        Curves.Panel p = LossCurve.lossPanel(x, y);
        assertEquals(Curves.Scale.LOG, p.scale());
        double[] g = p.series().get(0).y();
        final double min = java.util.Arrays.stream(y).min().orElseThrow(),
                max = java.util.Arrays.stream(y).max().orElseThrow();
        // The gap to the minimum plus one positive floor, no larger than most gaps (so the descent
        // is not flattened).
        double floor = g[0] - (y[0] - min);
        assertTrue(floor >= 1e-6 * (max - min), "floor " + floor);
        for (int i = 0; i < n; i++) {
            assertEquals(y[i] - min + floor, g[i], 1e-12);
        }
        double[] gaps = java.util.Arrays.stream(y).map(v -> v - min).sorted().toArray();
        assertTrue(floor <= gaps[n / 2], "floor " + floor + " below the median gap " + gaps[n / 2]);
        assertTrue(
                p.yLabel().contains("min")
                        && p.yLabel().contains("\u22122.47")
                        && p.yLabel().length() < 25,
                p.yLabel());
        // The descent spans decades on this axis; the plateau's noise stays within its last few.
        assertTrue(g[0] / g[n / 2] > 100, g[0] + " vs " + g[n / 2]);
        // A positive loss is drawn as it is.
        double[] pos = java.util.Arrays.stream(y).map(v -> v + 10).toArray();
        assertEquals(Curves.Scale.AUTO, LossCurve.lossPanel(x, pos).scale());
        assertEquals(pos[7], LossCurve.lossPanel(x, pos).series().get(0).y()[7]);
        // And the figure is written.
        StringBuilder csv = new StringBuilder("step,loss,lr,elapsed_s\n");
        for (int i = 0; i < n; i++) {
            csv.append((long) x[i]).append(',').append(y[i]).append(",0.001,0\n");
        }
        Path steps = Files.writeString(dir.resolve("metrics.csv"), csv);
        LossCurve.write(steps, null, dir.resolve("curves.png"), "test");
        assertNotNull(javax.imageio.ImageIO.read(dir.resolve("curves.png").toFile()));
    }

    @Test
    void labelsNameTheAxesAndTheMetricsInsteadOfTheirCsvNames(@TempDir Path dir) throws Exception {
        Path steps =
                Files.writeString(
                        dir.resolve("metrics.csv"), "step,loss\n1,0.5\n2,0.25\n3,0.125\n");
        Path eval =
                Files.writeString(
                        dir.resolve("eval.csv"),
                        "step,metric,value\n1,angle_error_deg,12\n3,angle_error_deg,3\n");
        Path svg = dir.resolve("loss.svg");
        LossCurve.write(
                steps,
                eval,
                Figures.defaults().withFormat(FigureFormat.SVG),
                svg,
                "t",
                new LossCurve.Labels(
                        "Sinkhorn divergence",
                        "error",
                        java.util.Map.of("angle_error_deg", "angle error (degrees)")));
        String text = Files.readString(svg);
        assertTrue(
                text.contains("Sinkhorn divergence") && text.contains("angle error (degrees)"),
                "labels drawn");
        assertTrue(
                !text.contains("angle_error_deg") && !text.contains("training loss"),
                "CSV names replaced");
    }
}
