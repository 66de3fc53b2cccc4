package org.implicitlayers.examples.plot;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.PhasePlane;
import org.implicitlayers.plot.Png;

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
        int n = t.length;
        double[][] c = new double[4][n];
        for (int i = 0; i < n; i++) {
            c[0][i] = yt[2 * i];
            c[1][i] = yt[2 * i + 1];
            c[2][i] = yf[2 * i];
            c[3][i] = yf[2 * i + 1];
        }
        BufferedImage phase = Png.renderFitted(PhasePlane.of(title, "y1", "y2").curve("true", c[0], c[1], false)
                .curve("learned", c[2], c[3], true).chart(), 620);
        List<Curves.Series> series = List.of(Curves.Series.line("y1 true", t, c[0]).colour(0), Curves.Series.line("y1 learned", t, c[2]).colour(3),
                Curves.Series.line("y2 true", t, c[1]).colour(2), Curves.Series.line("y2 learned", t, c[3]).colour(1));
        BufferedImage time = Png.render(Curves.chart("components against time", "t", false,
                List.of(new Curves.Panel("y", Curves.Scale.LINEAR, series))), 620, phase.getHeight());
        Png.write(Png.sideBySide(List.of(phase, time)), png);
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

    /** Two point clouds side by side on equal axes [lo, hi]^2: data (left) and model samples (right), each [n, 2] flattened. */
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
            XYChart ch = new XYChartBuilder().width(560).height(560).title(k == 0 ? title + ": " + names[k] : names[k]).xAxisTitle("x1")
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
