package org.implicitlayers.examples.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** True against fitted trajectories of a 2-D system: the phase plane (equal aspect) beside both components against time. */
public final class PhasePlot {
    private PhasePlot() {
    }

    /**
     * @param t    times [n]
     * @param yt   true states, [n, 2] flattened
     * @param yf   fitted states, [n, 2] flattened
     */
    public static void write(Path png, String title, double[] t, double[] yt, double[] yf) throws IOException {
        javax.imageio.ImageIO.setUseCache(false);
        System.setProperty("java.awt.headless", "true");
        int n = t.length;
        double[][] c = new double[4][n];
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            c[0][i] = yt[2 * i];
            c[1][i] = yt[2 * i + 1];
            c[2][i] = yf[2 * i];
            c[3][i] = yf[2 * i + 1];
            lo = Math.min(lo, Math.min(Math.min(c[0][i], c[1][i]), Math.min(c[2][i], c[3][i])));
            hi = Math.max(hi, Math.max(Math.max(c[0][i], c[1][i]), Math.max(c[2][i], c[3][i])));
        }
        if (!Double.isFinite(lo) || !Double.isFinite(hi)) {
            lo = -1;
            hi = 1;
        }
        double pad = 0.05 * Math.max(hi - lo, 1e-9);
        XYChart phase = new XYChartBuilder().width(620).height(600).title(title).xAxisTitle("y1").yAxisTitle("y2").build();
        // Equal aspect: the same range on both axes of a (nearly) square plot area.
        phase.getStyler().setXAxisMin(lo - pad).setXAxisMax(hi + pad).setYAxisMin(lo - pad).setYAxisMax(hi + pad);
        phase.getStyler().setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
        phase.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        XYSeries truth = phase.addSeries("true", c[0], c[1]);
        truth.setMarker(SeriesMarkers.NONE).setLineColor(Color.DARK_GRAY).setLineWidth(2.5f);
        XYSeries fit = phase.addSeries("learned", c[2], c[3]);
        fit.setMarker(SeriesMarkers.NONE).setLineColor(new Color(0xD6, 0x27, 0x28))
                .setLineStyle(new BasicStroke(1.8f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        XYChart time = new XYChartBuilder().width(620).height(600).title("components against time").xAxisTitle("t").yAxisTitle("y").build();
        time.getStyler().setXAxisDecimalPattern("0").setYAxisDecimalPattern("0.0");
        time.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
        Color[] colours = {new Color(0x1F, 0x77, 0xB4), new Color(0x2C, 0xA0, 0x2C)};
        for (int k = 0; k < 2; k++) {
            time.addSeries("y" + (k + 1) + " true", t, c[k]).setMarker(SeriesMarkers.NONE).setLineColor(colours[k]).setLineWidth(2.5f);
            time.addSeries("y" + (k + 1) + " learned", t, c[k + 2]).setMarker(SeriesMarkers.NONE).setLineColor(colours[k].darker())
                    .setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0));
        }
        BitmapEncoder.saveBitmap(List.of(phase, time), 1, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Observed (markers) against fitted (lines) components of a time series, one panel per component.
     *
     * @param y   observations [rows][n]
     * @param fit fitted values [rows][n]
     */
    public static void writeSeries(Path png, String title, double[] t, double[][] y, double[][] fit, List<String> names) throws IOException {
        javax.imageio.ImageIO.setUseCache(false);
        System.setProperty("java.awt.headless", "true");
        int d = y[0].length;
        List<XYChart> charts = new java.util.ArrayList<>();
        for (int c = 0; c < d; c++) {
            double[] obs = new double[t.length];
            double[] f = new double[t.length];
            for (int i = 0; i < t.length; i++) {
                obs[i] = y[i][c];
                f[i] = fit[i][c];
            }
            XYChart ch = new XYChartBuilder().width(900).height(300).title(c == 0 ? title : "").xAxisTitle("t").yAxisTitle(names.get(c)).build();
            ch.getStyler().setYAxisDecimalPattern("0.00").setXAxisDecimalPattern("0.#");
            ch.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
            XYSeries o = ch.addSeries(names.get(c) + " observed", t, obs);
            o.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            o.setMarker(SeriesMarkers.CIRCLE);
            o.setMarkerColor(Color.DARK_GRAY);
            ch.addSeries(names.get(c) + " fitted", t, f).setMarker(SeriesMarkers.NONE).setLineColor(new Color(0xD6, 0x27, 0x28)).setLineWidth(2f);
            charts.add(ch);
        }
        BitmapEncoder.saveBitmap(charts, d, 1, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** Two point clouds side by side on equal axes [lo, hi]^2: data (left) and flow samples (right), each [n, 2] flattened. */
    public static void writeScatter(Path png, String title, double[] data, double[] model, double lo, double hi) throws IOException {
        javax.imageio.ImageIO.setUseCache(false);
        System.setProperty("java.awt.headless", "true");
        List<XYChart> charts = new java.util.ArrayList<>();
        String[] names = {"data", "flow samples"};
        double[][] sets = {data, model};
        for (int k = 0; k < 2; k++) {
            int n = sets[k].length / 2;
            double[] x = new double[n];
            double[] y = new double[n];
            for (int i = 0; i < n; i++) {
                x[i] = sets[k][2 * i];
                y[i] = sets[k][2 * i + 1];
            }
            XYChart ch = new XYChartBuilder().width(560).height(560).title(names[k] + ": " + title).xAxisTitle("x1")
                    .yAxisTitle("x2").build();
            ch.getStyler().setXAxisMin(lo).setXAxisMax(hi).setYAxisMin(lo).setYAxisMax(hi).setLegendVisible(false).setMarkerSize(3);
            ch.getStyler().setXAxisDecimalPattern("0.0").setYAxisDecimalPattern("0.0");
            XYSeries s = ch.addSeries(names[k], x, y);
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(k == 0 ? Color.DARK_GRAY : new Color(0xD6, 0x27, 0x28));
            charts.add(ch);
        }
        BitmapEncoder.saveBitmap(charts, 1, 2, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
