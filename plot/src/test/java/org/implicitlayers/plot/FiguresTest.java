package org.implicitlayers.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.JFreeChart;
import org.junit.jupiter.api.Test;

class FiguresTest {
    private static final Path OUT = Path.of("target", "figures");

    private static Grid2 diskField(int n) {
        return Grid2.sample(
                -1, 1, n, -1, 1, n, (x, y) -> x * x + y * y < 1 ? 1 - x * x - y * y : Double.NaN);
    }

    @Test
    void heatMapOfTheUnitDiskHasEqualAspectAndIsBlankOutsideTheDisk() throws Exception {
        Grid2 g = diskField(201);
        JFreeChart c =
                HeatMap.of(g)
                        .title("u = 1 - x² - y² on the unit disk")
                        .valueLabel("u")
                        .outline(
                                Contours.outline(
                                        (x, y) -> x * x + y * y < 1, -1.05, 1.05, -1.05, 1.05, 200))
                        .chart();
        BufferedImage img = Png.renderFitted(c, 600);
        Png.write(img, OUT.resolve("disk.png"));
        BufferedImage back = ImageIO.read(OUT.resolve("disk.png").toFile());
        assertEquals(img.getWidth(), back.getWidth());
        // Render once more with rendering info to find the data area: its sides are equal (one unit
        // of x = one unit of y).
        ChartRenderingInfo info = new ChartRenderingInfo();
        java.awt.Graphics2D gr =
                new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB)
                        .createGraphics();
        c.draw(
                gr,
                new java.awt.geom.Rectangle2D.Double(0, 0, img.getWidth(), img.getHeight()),
                info);
        var area = info.getPlotInfo().getDataArea();
        assertEquals(area.getWidth(), area.getHeight(), 2.0, "data area " + area);
        // The data area fills the image's height up to the title and the axis: no blank band (cut
        // to fit).
        assertTrue(
                area.getHeight() > 0.7 * img.getHeight(),
                "data area " + area + " in image " + img.getWidth() + "x" + img.getHeight());
        // The corner of the square (outside the disk) is white; the centre (u = 1, the top of
        // viridis) is yellow.
        int cornerX = (int) (area.getX() + 0.06 * area.getWidth()),
                cornerY = (int) (area.getY() + 0.06 * area.getHeight());
        assertEquals(Color.WHITE.getRGB(), img.getRGB(cornerX, cornerY));
        Color centre = new Color(img.getRGB((int) area.getCenterX(), (int) area.getCenterY()));
        assertTrue(
                centre.getRed() > 200 && centre.getGreen() > 200 && centre.getBlue() < 100,
                "centre " + centre);
    }

    @Test
    void divergingMapIsWhiteAtZeroAndSymmetric() {
        Grid2 g = Grid2.sample(0, 1, 51, 0, 2, 101, (x, y) -> 1e-4 * (x - 0.25));
        HeatMap h = HeatMap.of(g).diverging();
        double[] r = h.colourRange();
        assertEquals(-r[0], r[1], 0.0);
        assertEquals(0.75e-4, r[1], 1e-12);
        Color zero = ColourMap.BLUE_WHITE_RED.at(0.5);
        assertTrue(
                zero.getRed() > 240 && zero.getGreen() > 240 && zero.getBlue() > 240,
                "zero " + zero);
        Color neg = ColourMap.BLUE_WHITE_RED.at(0.1), pos = ColourMap.BLUE_WHITE_RED.at(0.9);
        assertTrue(neg.getBlue() > neg.getRed() && pos.getRed() > pos.getBlue());
    }

    @Test
    void tallDomainGivesATallFigure() throws Exception {
        // [0, 1] x [0, 2]: the figure is about twice as tall as wide, not a square.
        Grid2 g = Grid2.sample(0, 1, 51, 0, 2, 101, (x, y) -> 1e-4 * (x - 0.25) * y);
        BufferedImage img =
                Png.renderFitted(
                        HeatMap.of(g).diverging().title("error").valueLabel("u − u*").chart(), 500);
        Png.write(img, OUT.resolve("tall-error.png"));
        assertTrue(img.getHeight() > 1.25 * img.getWidth(), img.getWidth() + "x" + img.getHeight());
    }

    @Test
    void decisionMapDrawsDataPointsOverTheField() throws Exception {
        Grid2 g = Grid2.sample(-1, 1, 81, -1, 1, 81, (x, y) -> 1 / (1 + Math.exp(-8 * x * y)));
        JFreeChart c =
                HeatMap.of(g)
                        .colours(ColourMap.BLUE_WHITE_RED)
                        .range(0, 1)
                        .title("P(class 2)")
                        .points("class 1", new double[] {-0.5, 0.5}, new double[] {0.5, -0.5})
                        .points("class 2", new double[] {0.5, -0.5}, new double[] {0.5, -0.5})
                        .chart();
        BufferedImage img = Png.renderFitted(c, 500);
        Png.write(img, OUT.resolve("decision.png"));
        ChartRenderingInfo info = new ChartRenderingInfo();
        java.awt.Graphics2D gr =
                new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB)
                        .createGraphics();
        c.draw(
                gr,
                new java.awt.geom.Rectangle2D.Double(0, 0, img.getWidth(), img.getHeight()),
                info);
        var a = info.getPlotInfo().getDataArea();
        // The point (0.5, 0.5) of class 2 is drawn in its series colour (tab10 red) over the red
        // field.
        double px = a.getX() + (0.5 + 1.06) / 2.12 * a.getWidth(),
                py = a.getY() + (1.06 - 0.5) / 2.12 * a.getHeight();
        Color dot = new Color(img.getRGB((int) px, (int) py));
        assertEquals(new Color(0xd62728), dot);
    }

    @Test
    void curvesWithLogAxesWithinOneDecadeHaveLabelledTicks() throws Exception {
        int n = 20000;
        double[] s = new double[n], loss = new double[n], energy = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = i;
            loss[i] = 0.5 + 0.3 * Math.exp(-i / 3000.0) + 0.02 * Math.sin(i);
            energy[i] = i < 300 ? 50 - i / 6.0 : -1.2 - Math.exp(-i / 2000.0);
        }
        double[] es = {1000, 5000, 10000, 15000, 19999}, err = {3e-2, 1e-2, 4e-3, 2e-3, 1e-3};
        JFreeChart c =
                Curves.chart(
                        "training",
                        "step",
                        false,
                        List.of(
                                new Curves.Panel(
                                        "loss",
                                        Curves.Scale.AUTO,
                                        List.of(Curves.Series.line("loss", s, loss))),
                                new Curves.Panel(
                                        "energy",
                                        Curves.Scale.AUTO,
                                        List.of(Curves.Series.line("energy", s, energy))),
                                new Curves.Panel(
                                        "relative error",
                                        Curves.Scale.LOG,
                                        List.of(Curves.Series.points("L2", es, err)))));
        Png.write(c, OUT.resolve("curves.png"), 900, 800);
        assertTrue(Files.size(OUT.resolve("curves.png")) > 10_000);
        List<double[]> t = LogTicksAxis.ticks(0.5, 0.82);
        long labelled = t.stream().filter(r -> r[1] > 0).count();
        assertTrue(labelled >= 3, "labelled ticks within a decade: " + labelled);
    }

    @Test
    void anEarlyTransientIsCutOffALinearAxisAndTheLabelSaysSo() {
        double[] x = new double[30], y = new double[30];
        for (int i = 0; i < 30; i++) {
            x[i] = 10 * (i + 1);
            y[i] = i == 1 ? 27 : i < 6 ? 5 - i : -0.3 + 0.1 * Math.exp(-i / 10.0);
        }
        JFreeChart c =
                Curves.chart(
                        "",
                        "step",
                        false,
                        List.of(
                                new Curves.Panel(
                                        "training loss",
                                        Curves.Scale.AUTO,
                                        List.of(Curves.Series.line("loss", x, y)))));
        var sub =
                (org.jfree.chart.plot.XYPlot)
                        ((org.jfree.chart.plot.CombinedDomainXYPlot) c.getPlot())
                                .getSubplots()
                                .get(0);
        var axis = sub.getRangeAxis();
        assertTrue(axis.getUpperBound() < 1, "upper bound " + axis.getUpperBound());
        assertTrue(axis.getLowerBound() <= -0.3 + 0.1 * Math.exp(-2.9));
        assertTrue(axis.getLabel().contains("early values up to 27 off scale"), axis.getLabel());
    }

    /** Markers at the ends of the x range (a feature index from 0) are drawn whole, inside. */
    @Test
    void pointsAtXZeroStayInsideThePlot() {
        double[] x = new double[30], y = new double[30];
        for (int i = 0; i < 30; i++) {
            x[i] = i;
            y[i] = Math.pow(10, -3 + 2.0 * ((i * 7) % 30) / 29);
        }
        JFreeChart c =
                Curves.chart(
                        "",
                        "feature index",
                        false,
                        List.of(
                                new Curves.Panel(
                                        "lambda",
                                        Curves.Scale.LOG,
                                        List.of(Curves.Series.points("learned", x, y)))));
        var axis = ((org.jfree.chart.plot.CombinedDomainXYPlot) c.getPlot()).getDomainAxis();
        assertTrue(axis.getLowerBound() < 0, "lower bound " + axis.getLowerBound());
        assertTrue(axis.getUpperBound() > 29, "upper bound " + axis.getUpperBound());
    }
}
