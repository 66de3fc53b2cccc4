package org.implicitlayers.examples.plot;

import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.implicitlayers.plot.EqualAspectPlot;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.plot.LinearAxis;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Point-cloud registration: the target with the source before (left) and after (right) the fitted
 * transform, on equal axes.
 */
public final class RegistrationPlot {
    private RegistrationPlot() {}

    /**
     * @param before the source as given, [n, 2] flattened
     * @param after the source moved by the fitted transform, [n, 2] flattened
     * @param target the target, [m, 2] flattened, its {@code outliers} outliers last
     * @param captions the two panels' titles
     */
    public static void write(
            Figures figures,
            Path file,
            double[] before,
            double[] after,
            double[] target,
            int outliers,
            String[] captions)
            throws IOException {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] set : new double[][] {before, after, target}) {
            for (double v : set) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
        }
        double pad = 0.05 * (hi - lo);
        lo -= pad;
        hi += pad;
        int m = target.length / 2 - outliers;
        List<JFreeChart> panels = new ArrayList<>();
        double[][] sources = {before, after};
        for (int k = 0; k < 2; k++) {
            XYSeriesCollection data = new XYSeriesCollection();
            data.addSeries(series("target", target, 0, m));
            data.addSeries(series("target outliers", target, m, m + outliers));
            data.addSeries(
                    series(
                            k == 0 ? "source" : "source, transformed",
                            sources[k],
                            0,
                            sources[k].length / 2));
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(false, true);
            Color[] colours = {
                new Color(0x1F, 0x77, 0xB4),
                new Color(0x7F, 0x7F, 0x7F),
                new Color(0xD6, 0x27, 0x28)
            };
            for (int s = 0; s < 3; s++) {
                r.setSeriesPaint(s, colours[s]);
                r.setSeriesShape(s, new Ellipse2D.Double(-2.5, -2.5, 5, 5));
            }
            LinearAxis x = new LinearAxis("x1 (shape units)", lo, hi, 8);
            LinearAxis y = new LinearAxis("x2 (shape units)", lo, hi, 8);
            x.setAutoRange(false);
            x.setRange(lo, hi);
            y.setAutoRange(false);
            y.setRange(lo, hi);
            EqualAspectPlot plot = new EqualAspectPlot(data, x, y, r);
            plot.setBackgroundPaint(Color.WHITE);
            plot.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
            plot.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
            JFreeChart chart =
                    new JFreeChart(captions[k], JFreeChart.DEFAULT_TITLE_FONT, plot, true);
            LegendTitle legend = chart.getLegend();
            legend.setPosition(RectangleEdge.BOTTOM);
            chart.setBackgroundPaint(Color.WHITE);
            panels.add(chart);
        }
        figures.writeRow(panels, new int[][] {{600, 640}, {600, 640}}, file);
    }

    private static XYSeries series(String name, double[] flat, int from, int to) {
        XYSeries s = new XYSeries(name, false, true);
        for (int i = from; i < to; i++) {
            s.add(flat[2 * i], flat[2 * i + 1], false);
        }
        return s;
    }
}
