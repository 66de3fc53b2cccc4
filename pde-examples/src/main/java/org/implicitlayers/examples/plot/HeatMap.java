package org.implicitlayers.examples.plot;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;

/** A PNG heat map of values on a grid (XChart); NaN cells (outside the domain) are left blank. */
public final class HeatMap {
    /** Viridis-like colour ramp, dark blue to yellow. */
    private static final Color[] RAMP = {new Color(68, 1, 84), new Color(59, 82, 139), new Color(33, 145, 140),
        new Color(94, 201, 98), new Color(253, 231, 37)};

    private HeatMap() {
    }

    /**
     * @param values values[i][j] at (xs[i], ys[j]); NaN where undefined
     */
    public static void write(Path png, String title, double[] xs, double[] ys, double[][] values) throws IOException {
        javax.imageio.ImageIO.setUseCache(false);
        int nx = xs.length, ny = ys.length;
        // Label about ten ticks; cells are indexed.
        List<String> xl = new ArrayList<>(), yl = new ArrayList<>();
        // Category axes: label every tenth cell; the others get distinct blank labels.
        for (int i = 0; i < nx; i++) {
            xl.add(i % Math.max(1, (nx - 1) / 10) == 0 ? String.format(java.util.Locale.ROOT, "%.2f", xs[i]) : " ".repeat(i + 1));
        }
        for (int j = 0; j < ny; j++) {
            yl.add(j % Math.max(1, (ny - 1) / 10) == 0 ? String.format(java.util.Locale.ROOT, "%.2f", ys[j]) : " ".repeat(j + 1));
        }
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        List<Number[]> cells = new ArrayList<>();
        for (int i = 0; i < nx; i++) {
            for (int j = 0; j < ny; j++) {
                double v = values[i][j];
                if (Double.isFinite(v)) {
                    cells.add(new Number[] {i, j, v});
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        if (!(hi > lo)) {
            hi = lo + 1e-12;
        }
        HeatMapChart chart = new HeatMapChartBuilder().width(760).height(680).title(title).xAxisTitle("x").yAxisTitle("y").build();
        chart.getStyler().setRangeColors(RAMP);
        chart.getStyler().setMin(lo);
        chart.getStyler().setMax(hi);
        chart.getStyler().setShowValue(false);
        chart.getStyler().setPlotContentSize(1.0);
        chart.getStyler().setPlotGridLinesVisible(false);
        chart.getStyler().setDrawBorder(false);
        chart.getStyler().setAxisTicksMarksVisible(false);
        chart.getStyler().setHeatMapDecimalValueFormatter(v -> String.format(java.util.Locale.ROOT, "%.3g", v));
        chart.addSeries(title, xl, yl, cells);
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
