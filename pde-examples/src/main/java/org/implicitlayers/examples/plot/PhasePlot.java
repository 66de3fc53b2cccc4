package org.implicitlayers.examples.plot;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.EqualAspectPlot;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.plot.LinearAxis;
import org.implicitlayers.plot.PhasePlane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** Figures of the neural ODE commands, drawn with the plot module. */
public final class PhasePlot {
    private PhasePlot() {}

    private static double[] column(double[] flat, int c) {
        double[] out = new double[flat.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = flat[2 * i + c];
        }
        return out;
    }

    /**
     * True against fitted trajectories of a 2-D system: the phase plane (equal aspect, with the
     * arrows of the learned field when given) beside both components against time.
     *
     * @param yt true states, [n, 2] flattened
     * @param yf fitted states, [n, 2] flattened
     * @param field the learned vector field, or null
     */
    public static void write(
            Figures figures,
            Path png,
            String title,
            double[] t,
            double[] yt,
            double[] yf,
            PhasePlane.VectorField field)
            throws IOException {
        PhasePlane p =
                PhasePlane.of(title, "y1", "y2")
                        .curve("true", column(yt, 0), column(yt, 1), false)
                        .curve("learned", column(yf, 0), column(yf, 1), true);
        if (field != null) {
            p = p.field(field, 15);
        }
        List<Curves.Panel> panels = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            panels.add(
                    new Curves.Panel(
                            "y" + (c + 1),
                            Curves.Scale.LINEAR,
                            List.of(
                                    Curves.Series.line("y" + (c + 1) + " true", t, column(yt, c)),
                                    Curves.Series.line("y" + (c + 1) + " learned", t, column(yf, c))
                                            .colour(3))));
        }
        figures.writeRow(
                List.of(p.chart(), Curves.chart("components against time", "t", false, panels)),
                new int[][] {{620, 620}, {760, 620}},
                png);
    }

    /**
     * Observed (points) against fitted (lines) components of a time series, one panel per
     * component.
     *
     * @param y observations [rows][n]
     * @param fit fitted values [rows][n]
     */
    public static void writeSeries(
            Figures figures,
            Path png,
            String title,
            double[] t,
            double[][] y,
            double[][] fit,
            List<String> names)
            throws IOException {
        List<Curves.Panel> panels = new ArrayList<>();
        for (int c = 0; c < y[0].length; c++) {
            double[] obs = new double[t.length];
            double[] f = new double[t.length];
            for (int i = 0; i < t.length; i++) {
                obs[i] = y[i][c];
                f[i] = fit[i][c];
            }
            panels.add(
                    new Curves.Panel(
                            names.get(c),
                            Curves.Scale.LINEAR,
                            List.of(
                                    Curves.Series.points(names.get(c) + " observed", t, obs),
                                    Curves.Series.line(names.get(c) + " fitted", t, f).colour(3))));
        }
        figures.write(Curves.chart(title, "t", false, panels), png, 900, 260 * panels.size() + 80);
    }

    /**
     * Two point clouds side by side on equal axes [lo, hi]^2: data (left) and flow samples (right),
     * each [n, 2] flattened.
     */
    public static void writeScatter(
            Figures figures,
            Path png,
            String title,
            double[] data,
            double[] model,
            double lo,
            double hi)
            throws IOException {
        String[] names = {"data", "flow samples"};
        double[][] sets = {data, model};
        List<JFreeChart> charts = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
            XYSeries s = new XYSeries(names[k], false, true);
            for (int i = 0; i < sets[k].length / 2; i++) {
                s.add(sets[k][2 * i], sets[k][2 * i + 1], false);
            }
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
            r.setSeriesPaint(0, k == 0 ? new Color(0x33, 0x33, 0x33) : new Color(0xD6, 0x27, 0x28));
            r.setSeriesShape(0, new java.awt.geom.Ellipse2D.Double(-1.5, -1.5, 3, 3));
            LinearAxis x = new LinearAxis("x1", lo, hi, 8);
            LinearAxis yAxis = new LinearAxis("x2", lo, hi, 8);
            x.setAutoRange(false);
            x.setRange(lo, hi);
            yAxis.setAutoRange(false);
            yAxis.setRange(lo, hi);
            EqualAspectPlot plot = new EqualAspectPlot(new XYSeriesCollection(s), x, yAxis, r);
            plot.setBackgroundPaint(Color.WHITE);
            JFreeChart chart =
                    new JFreeChart(
                            names[k] + ": " + title, JFreeChart.DEFAULT_TITLE_FONT, plot, false);
            chart.setBackgroundPaint(Color.WHITE);
            charts.add(chart);
        }
        figures.writeRow(charts, new int[][] {{560, 580}, {560, 580}}, png);
    }
}
