package org.implicitlayers.plot;

import java.awt.BasicStroke;
import java.awt.geom.Ellipse2D;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Curves against a shared x (training step, time, iterations): one or more panels stacked above
 * each other, each with its own y axis. Long series are decimated (min/max per bin, see {@link
 * Decimation}); y axes are logarithmic with labelled ticks ({@link LogTicksAxis}) when asked or, by
 * default, when every value is positive; a linear axis whose first values would flatten the rest is
 * cut to the rest, and its label says so.
 *
 * <pre>{@code
 * JFreeChart c = Curves.chart("training", "step", false, List.of(
 *         new Curves.Panel("loss", Curves.Scale.AUTO, List.of(Curves.Series.line("loss", steps, loss))),
 *         new Curves.Panel("relative error", Curves.Scale.LOG, List.of(Curves.Series.points("L2", evalSteps, l2)))));
 * }</pre>
 */
public final class Curves {
    /** At most this many points per series reach the renderer (twice the number of bins). */
    public static final int MAX_POINTS = 3000;

    private Curves() {}

    /** How a y axis is scaled. */
    public enum Scale {
        /** Logarithmic when every value is positive, else linear. */
        AUTO,
        LINEAR,
        LOG
    }

    /** How a series is drawn. */
    public enum Mark {
        LINE,
        POINTS,
        LINE_AND_POINTS
    }

    /**
     * One named series; x and y of equal length.
     *
     * @param colour index into the figure palette, or -1 for the series' position
     */
    public record Series(String name, double[] x, double[] y, Mark mark, int colour) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException(
                        "series '"
                                + name
                                + "': "
                                + x.length
                                + " x values but "
                                + y.length
                                + " y values");
            }
        }

        public static Series line(String name, double[] x, double[] y) {
            return new Series(name, x, y, Mark.LINE, -1);
        }

        public static Series points(String name, double[] x, double[] y) {
            return new Series(name, x, y, Mark.LINE_AND_POINTS, -1);
        }

        public Series colour(int index) {
            return new Series(name, x, y, mark, index);
        }
    }

    /** One panel: its y label, scale and series. */
    public record Panel(String yLabel, Scale scale, List<Series> series) {}

    /**
     * The panel of a training loss. A loss that takes negative values (the Ritz energy falls from
     * large positive values to a negative plateau such as -2.47) on a linear axis shows either the
     * first steps or, zoomed, only the noise of the plateau; its gap to the lowest value, loss -
     * min, on a logarithmic axis shows the whole descent, decade by decade. The gap gets a floor of
     * a millionth of the range (the minimum itself would be log 0); the short label gives the
     * minimum (a long one would run past a small panel). A positive loss is drawn as it is,
     * logarithmically.
     */
    public static Panel lossPanel(double[] x, double[] y) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : y) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (!(min <= 0) || !(max > min)) {
            return new Panel(
                    "training loss", Scale.AUTO, List.of(Series.line("training loss", x, y)));
        }
        // The floor: the 10th percentile of the gaps (at least a millionth of the range), so that
        // the plateau's noise, whose
        // lowest sample would otherwise reach down many decades, stays a band about one decade
        // wide.
        double lowest = min;
        double[] sorted =
                java.util.Arrays.stream(y)
                        .filter(Double::isFinite)
                        .map(v -> v - lowest)
                        .sorted()
                        .toArray();
        double floor = Math.max(1e-6 * (max - min), sorted[sorted.length / 10]);
        double[] gap = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            gap[i] = y[i] - min + floor;
        }
        return new Panel(
                "loss \u2212 min (" + TickFormat.compact(min) + ")",
                Scale.LOG,
                List.of(Series.line("training loss", x, gap)));
    }

    /**
     * A chart of the panels over a shared x axis.
     *
     * @param logX logarithmic x axis (the x values must be positive)
     */
    public static JFreeChart chart(String title, String xLabel, boolean logX, List<Panel> panels) {
        double[] xr = {0, 1};
        for (Panel p : panels) {
            for (Series s : p.series()) {
                double[] r = finiteRange(s.x());
                xr[1] = Math.max(xr[1], r[1]);
            }
        }
        ValueAxis x = logX ? new LogTicksAxis(xLabel) : new LinearAxis(xLabel, xr[0], xr[1], 10);
        if (x instanceof NumberAxis
                && panels.stream()
                        .flatMap(p -> p.series().stream())
                        .anyMatch(s -> s.mark() != Mark.LINE)) {
            // Markers at x = 0 sat half outside the plot: JFreeChart's auto range sticks to zero
            // rather than leaving its margin below it. Lines may start on the axis; markers may
            // not.
            ((NumberAxis) x).setAutoRangeStickyZero(false);
        }
        Style.axis(x);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(x);
        plot.setGap(10);
        int colour = 0;
        int total = 0;
        for (Panel p : panels) {
            XYSeriesCollection data = new XYSeriesCollection();
            XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
            boolean positive = true;
            double[] all = new double[0];
            for (Series s : p.series()) {
                double[][] d =
                        s.mark() == Mark.LINE
                                ? Decimation.minMax(s.x(), s.y(), MAX_POINTS / 2)
                                : Decimation.minMax(s.x(), s.y(), Integer.MAX_VALUE / 4);
                XYSeries xy = new XYSeries(s.name(), false, true);
                for (int i = 0; i < d[0].length; i++) {
                    if (!logX || d[0][i] > 0) {
                        xy.add(d[0][i], d[1][i], false);
                        positive &= d[1][i] > 0;
                    }
                }
                int k = data.getSeriesCount();
                data.addSeries(xy);
                r.setSeriesPaint(
                        k,
                        Style.SERIES[
                                (s.colour() >= 0 ? s.colour() : colour) % Style.SERIES.length]);
                colour++;
                r.setSeriesStroke(
                        k, new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                r.setSeriesLinesVisible(k, s.mark() != Mark.POINTS);
                r.setSeriesShapesVisible(k, s.mark() != Mark.LINE);
                r.setSeriesShape(k, new Ellipse2D.Double(-3, -3, 6, 6));
                all = concat(all, d[1]);
                total++;
            }
            boolean log =
                    p.scale() == Scale.LOG
                            || (p.scale() == Scale.AUTO && positive && all.length > 0);
            ValueAxis y;
            if (log) {
                y = new LogTicksAxis(p.yLabel());
            } else {
                double[] yr = finiteRange(all);
                NumberAxis n = new LinearAxis(p.yLabel(), yr[0], yr[1], 8);
                y = n;
                cutOffInitialTransient(n, p, all);
            }
            Style.axis(y);
            XYPlot sub = new XYPlot(data, null, y, r);
            Style.plot(sub, true);
            plot.add(sub, 1);
        }
        Style.plot(plot, true);
        JFreeChart chart =
                Style.chart(title == null || title.isEmpty() ? null : title, plot, total > 1);
        if (chart.getLegend() != null) {
            chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        }
        return chart;
    }

    /**
     * A linear axis over values whose first few percent reach far above the rest (the Ritz energy
     * falls from large positive values to a negative plateau) would show the rest as a flat line:
     * cap it at the largest value after the first fifth of the points and say so in its label.
     */
    private static void cutOffInitialTransient(NumberAxis axis, Panel p, double[] all) {
        if (all.length < 20 || p.series().size() != 1) {
            return;
        }
        double lo = Double.POSITIVE_INFINITY,
                hi = Double.NEGATIVE_INFINITY,
                max = Double.NEGATIVE_INFINITY;
        int skip = all.length / 5;
        for (int i = 0; i < all.length; i++) {
            max = Math.max(max, all[i]);
            lo = Math.min(lo, all[i]);
            if (i >= skip) {
                hi = Math.max(hi, all[i]);
            }
        }
        if (hi > lo && (max - lo) > 5 * (hi - lo)) {
            double pad = 0.05 * (hi - lo);
            axis.setAutoRange(false);
            axis.setRange(lo - pad, hi + pad);
            axis.setLabel(
                    String.format(
                            Locale.ROOT,
                            "%s; early values up to %s off scale",
                            axis.getLabel(),
                            TickFormat.compact(max)));
        }
    }

    private static double[] finiteRange(double[] v) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double a : v) {
            if (Double.isFinite(a)) {
                lo = Math.min(lo, a);
                hi = Math.max(hi, a);
            }
        }
        return lo <= hi ? new double[] {lo, hi} : new double[] {0, 1};
    }

    private static double[] concat(double[] a, double[] b) {
        double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
