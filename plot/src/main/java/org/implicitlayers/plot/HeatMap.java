package org.implicitlayers.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A heat map of a field on a 2-D grid, the figure of a PDE solution or an error: equal aspect, no
 * cell borders, blank where the field is NaN, a colour bar with formatted ticks, optionally the
 * domain's outline, contour lines and data points drawn over it.
 *
 * <pre>{@code
 * JFreeChart c = HeatMap.of(grid).title("u(x, y)").valueLabel("u").outline(segments).chart();
 * Png.writeFitted(c, Path.of("u.png"), 520);
 * }</pre>
 *
 * With {@link ColourMap#BLUE_WHITE_RED} (see {@link #diverging()}) the colour range is symmetric
 * about zero, so white is zero and the colour says the sign.
 */
public final class HeatMap {
    private final Grid2 grid;
    private String title = "";
    private String xLabel = "x";
    private String yLabel = "y";
    private String valueLabel = "";
    private ColourMap map = ColourMap.VIRIDIS;
    private double lo = Double.NaN;
    private double hi = Double.NaN;
    private final List<double[]> outline = new ArrayList<>();
    private final List<double[]> contours = new ArrayList<>();
    private final List<XYSeries> points = new ArrayList<>();
    private double[] window;

    private HeatMap(Grid2 grid) {
        this.grid = grid;
    }

    /** A heat map of {@code grid}. */
    public static HeatMap of(Grid2 grid) {
        return new HeatMap(grid);
    }

    /** Title above the plot (default: none). */
    public HeatMap title(String t) {
        title = t;
        return this;
    }

    /** Axis labels (default "x", "y"). */
    public HeatMap axes(String x, String y) {
        xLabel = x;
        yLabel = y;
        return this;
    }

    /** Label of the colour bar (default: none). */
    public HeatMap valueLabel(String l) {
        valueLabel = l;
        return this;
    }

    /** Colour map (default {@link ColourMap#VIRIDIS}). */
    public HeatMap colours(ColourMap m) {
        map = m;
        return this;
    }

    /** The diverging map with a range symmetric about zero: for errors and other signed fields. */
    public HeatMap diverging() {
        return colours(ColourMap.BLUE_WHITE_RED);
    }

    /** Fixed colour range (default: the finite range of the data, symmetric for diverging maps). */
    public HeatMap range(double lower, double upper) {
        lo = lower;
        hi = upper;
        return this;
    }

    /**
     * The domain's outline (segments {x0, y0, x1, y1}, e.g. from {@link Contours#outline}), drawn
     * dark over the field.
     */
    public HeatMap outline(List<double[]> segments) {
        outline.addAll(segments);
        return this;
    }

    /**
     * The outline of a region given by its membership test (see {@link Contours#outlineAround}).
     */
    public HeatMap outlineOf(Contours.Region region) {
        return outline(Contours.outlineAround(region, grid));
    }

    /**
     * Contour lines of the field at {@code level}, drawn in black (e.g. the zero level set of an
     * SDF).
     */
    public HeatMap contour(double level) {
        contours.addAll(Contours.of(grid, level));
        return this;
    }

    /** Data points drawn over the field as filled circles with a white rim, one colour per call. */
    public HeatMap points(String name, double[] x, double[] y) {
        XYSeries s = new XYSeries(name, false, true);
        for (int i = 0; i < x.length; i++) {
            s.add(x[i], y[i], false);
        }
        points.add(s);
        return this;
    }

    /** The plotted window {x0, x1, y0, y1} (default: the grid's extent plus 3 % on each side). */
    public HeatMap window(double x0, double x1, double y0, double y1) {
        window = new double[] {x0, x1, y0, y1};
        return this;
    }

    /** The colour range this map will use: {lower, upper}. */
    public double[] colourRange() {
        double a = lo, b = hi;
        if (Double.isNaN(a) || Double.isNaN(b)) {
            if (map.diverging()) {
                double m = grid.maxAbs();
                a = -m;
                b = m;
            } else {
                double[] r = grid.finiteRange();
                a = r[0];
                b = r[1];
            }
        }
        if (Double.isNaN(a)) {
            a = 0;
            b = 1;
        }
        if (!(b > a)) {
            // A constant field: a small range around it so that the colour bar has ticks.
            double pad = Math.max(Math.abs(a) * 1e-6, 1e-12);
            a -= pad;
            b += pad;
        }
        return new double[] {a, b};
    }

    /** Builds the chart (an {@link EqualAspectPlot} with a colour bar on the right). */
    public JFreeChart chart() {
        double[] r = colourRange();
        PaintScale scale = map.scale(r[0], r[1]);
        double[] w = window;
        if (w == null) {
            double[] xs = grid.xs(), ys = grid.ys();
            double px = 0.03 * (xs[xs.length - 1] - xs[0]), py = 0.03 * (ys[ys.length - 1] - ys[0]);
            double pad = Math.max(px, py);
            w =
                    new double[] {
                        xs[0] - pad, xs[xs.length - 1] + pad, ys[0] - pad, ys[ys.length - 1] + pad
                    };
        }
        NumberAxis x = axis(xLabel, w[0], w[1]);
        NumberAxis y = axis(yLabel, w[2], w[3]);
        XYSeriesCollection data = new XYSeriesCollection();
        points.forEach(data::addSeries);
        XYLineAndShapeRenderer dots = new XYLineAndShapeRenderer(false, true);
        for (int s = 0; s < points.size(); s++) {
            dots.setSeriesShape(s, new Ellipse2D.Double(-3.5, -3.5, 7, 7));
            dots.setSeriesPaint(
                    s, Style.SERIES[(s == 0 ? 0 : s == 1 ? 3 : s) % Style.SERIES.length]);
        }
        dots.setUseOutlinePaint(true);
        dots.setDefaultOutlinePaint(Color.WHITE);
        dots.setDrawOutlines(true);
        dots.setDefaultOutlineStroke(new BasicStroke(0.8f));
        dots.addAnnotation(new FieldImage(grid, scale), Layer.BACKGROUND);
        EqualAspectPlot plot = new EqualAspectPlot(data, x, y, dots);
        Style.plot(plot, false);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        if (!contours.isEmpty()) {
            plot.addAnnotation(new Segments(contours, Color.BLACK, 1.4f));
        }
        if (!outline.isEmpty()) {
            plot.addAnnotation(new Segments(outline, new Color(0x22, 0x22, 0x22), 1.2f));
        }
        JFreeChart chart = Style.chart(title.isEmpty() ? null : title, plot, points.size() > 1);
        NumberAxis barAxis = new LinearAxis(valueLabel, r[0], r[1], 8);
        barAxis.setRange(r[0], r[1]);
        // Read the label bottom to top, as the y axis label reads.
        barAxis.setLabelAngle(Math.PI);
        Style.axis(barAxis);
        barAxis.setMinorTickMarksVisible(false);
        PaintScaleLegend bar = new PaintScaleLegend(scale, barAxis);
        bar.setPosition(RectangleEdge.RIGHT);
        bar.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
        bar.setStripWidth(14);
        bar.setStripOutlineVisible(true);
        bar.setStripOutlinePaint(Style.AXIS);
        bar.setAxisOffset(3);
        bar.setSubdivisionCount(256);
        bar.setMargin(new RectangleInsets(4, 14, 4, 4));
        bar.setBackgroundPaint(Color.WHITE);
        chart.addSubtitle(bar);
        if (chart.getLegend() != null) {
            chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        }
        return chart;
    }

    private static NumberAxis axis(String label, double lo, double hi) {
        NumberAxis a = new LinearAxis(label, lo, hi, 8);
        a.setAutoRange(false);
        a.setRange(lo, hi);
        Style.axis(a);
        return a;
    }
}
