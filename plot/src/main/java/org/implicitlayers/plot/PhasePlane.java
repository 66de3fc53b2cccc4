package org.implicitlayers.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Trajectories of a planar system in its phase plane, with equal aspect, optionally over the arrows
 * of a vector field (e.g. a learned right-hand side): the figure of a neural ODE fit.
 *
 * <pre>{@code
 * JFreeChart c = PhasePlane.of("spiral", "y1", "y2").curve("true", x, y, false).curve("learned", xf, yf, true)
 *         .field(points -> velocities(points), 15).chart();
 * }</pre>
 */
public final class PhasePlane {
    /**
     * A vector field of the plane, evaluated at many points at once: {x0, y0, x1, y1, ...} to
     * {dx0/dt, dy0/dt, ...}.
     */
    @FunctionalInterface
    public interface VectorField {
        double[] at(double[] points);
    }

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final List<double[][]> curves = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final List<Boolean> dashed = new ArrayList<>();
    private VectorField field;
    private int arrows;

    private PhasePlane(String title, String xLabel, String yLabel) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
    }

    public static PhasePlane of(String title, String xLabel, String yLabel) {
        return new PhasePlane(title, xLabel, yLabel);
    }

    /** A trajectory; dashed for fitted curves drawn over true ones. */
    public PhasePlane curve(String name, double[] x, double[] y, boolean dash) {
        curves.add(new double[][] {x, y});
        names.add(name);
        dashed.add(dash);
        return this;
    }

    /**
     * Arrows of {@code f} on an n x n grid over the plotted window, scaled so the longest spans
     * most of a cell.
     */
    public PhasePlane field(VectorField f, int n) {
        field = f;
        arrows = n;
        return this;
    }

    public JFreeChart chart() {
        double x0 = Double.POSITIVE_INFINITY,
                x1 = Double.NEGATIVE_INFINITY,
                y0 = Double.POSITIVE_INFINITY,
                y1 = Double.NEGATIVE_INFINITY;
        for (double[][] c : curves) {
            for (int i = 0; i < c[0].length; i++) {
                if (Double.isFinite(c[0][i]) && Double.isFinite(c[1][i])) {
                    x0 = Math.min(x0, c[0][i]);
                    x1 = Math.max(x1, c[0][i]);
                    y0 = Math.min(y0, c[1][i]);
                    y1 = Math.max(y1, c[1][i]);
                }
            }
        }
        if (!(x1 > x0) || !(y1 > y0)) {
            x0 = y0 = -1;
            x1 = y1 = 1;
        }
        double pad = 0.06 * Math.max(x1 - x0, y1 - y0);
        x0 -= pad;
        x1 += pad;
        y0 -= pad;
        y1 += pad;
        XYSeriesCollection data = new XYSeriesCollection();
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
        for (int k = 0; k < curves.size(); k++) {
            double[][] c = curves.get(k);
            double[][] d = Decimation.minMax(c[0], c[1], Integer.MAX_VALUE / 4);
            XYSeries s = new XYSeries(names.get(k), false, true);
            for (int i = 0; i < d[0].length; i++) {
                s.add(d[0][i], d[1][i], false);
            }
            data.addSeries(s);
            r.setSeriesPaint(
                    k,
                    k == 0
                            ? new Color(0x33, 0x33, 0x33)
                            : Style.SERIES[(k == 1 ? 3 : k) % Style.SERIES.length]);
            r.setSeriesStroke(
                    k,
                    dashed.get(k)
                            ? new BasicStroke(
                                    1.8f,
                                    BasicStroke.CAP_BUTT,
                                    BasicStroke.JOIN_ROUND,
                                    10,
                                    new float[] {6, 4},
                                    0)
                            : new BasicStroke(2.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        }
        LinearAxis x = new LinearAxis(xLabel, x0, x1, 8);
        LinearAxis y = new LinearAxis(yLabel, y0, y1, 8);
        x.setAutoRange(false);
        x.setRange(x0, x1);
        y.setAutoRange(false);
        y.setRange(y0, y1);
        Style.axis(x);
        Style.axis(y);
        EqualAspectPlot plot = new EqualAspectPlot(data, x, y, r);
        Style.plot(plot, true);
        if (field != null && arrows > 1) {
            plot.addAnnotation(
                    new Segments(arrowSegments(x0, x1, y0, y1), new Color(0x9a, 0x9a, 0x9a), 1.0f));
        }
        JFreeChart chart = Style.chart(title, plot, curves.size() > 1);
        if (chart.getLegend() != null) {
            chart.getLegend().setPosition(RectangleEdge.BOTTOM);
        }
        return chart;
    }

    private List<double[]> arrowSegments(double x0, double x1, double y0, double y1) {
        int n = arrows;
        double hx = (x1 - x0) / n, hy = (y1 - y0) / n, h = Math.min(hx, hy);
        double[] pts = new double[2 * n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                pts[2 * (i * n + j)] = x0 + (i + 0.5) * hx;
                pts[2 * (i * n + j) + 1] = y0 + (j + 0.5) * hy;
            }
        }
        double[] f = field.at(pts);
        double[][][] v = new double[n][n][];
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                v[i][j] = new double[] {f[2 * (i * n + j)], f[2 * (i * n + j) + 1]};
                if (Double.isFinite(v[i][j][0]) && Double.isFinite(v[i][j][1])) {
                    max = Math.max(max, Math.hypot(v[i][j][0], v[i][j][1]));
                }
            }
        }
        List<double[]> out = new ArrayList<>();
        if (!(max > 0) || !Double.isFinite(max)) {
            return out;
        }
        double scale = 0.85 * h / max;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double cx = x0 + (i + 0.5) * hx, cy = y0 + (j + 0.5) * hy;
                double dx = v[i][j][0] * scale, dy = v[i][j][1] * scale;
                double len = Math.hypot(dx, dy);
                if (!(len > 1e-3 * h)) {
                    continue;
                }
                double ax = cx - dx / 2, ay = cy - dy / 2, bx = cx + dx / 2, by = cy + dy / 2;
                out.add(new double[] {ax, ay, bx, by});
                // Arrow head: two strokes at 25 degrees, a third of the shaft long (at most a
                // quarter cell).
                double head = Math.min(len / 3, 0.25 * h),
                        ux = dx / len,
                        uy = dy / len,
                        c = Math.cos(0.44),
                        s = Math.sin(0.44);
                out.add(
                        new double[] {
                            bx, by, bx - head * (c * ux - s * uy), by - head * (s * ux + c * uy)
                        });
                out.add(
                        new double[] {
                            bx, by, bx - head * (c * ux + s * uy), by - head * (-s * ux + c * uy)
                        });
            }
        }
        return out;
    }
}
