package org.implicitlayers.sweep;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The PNG of a metric against each swept setting: one panel per axis, every ok run as a point and
 * the median over the runs that share the setting's value as a line. The metric's axis is
 * logarithmic when its values are positive and contain two powers of ten or more (a log axis is
 * labelled at those only); a setting's axis likewise, when it was swept on a log scale or its
 * values span a factor of 50; settings that are not numbers are shown as categories in the order
 * they first appear.
 */
public final class SweepPlot {
    private static final int WIDTH = 520;
    private static final int HEIGHT = 400;

    private SweepPlot() {}

    /** Writes the plot of {@code metric} against every axis of {@code sweep} to {@code png}. */
    public static void write(Path png, Sweep sweep, ResultTable table, String metric)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        ImageIO.setUseCache(false);
        int m = table.column(metric);
        int status = table.column("status");
        if (m < 0) {
            throw new IllegalArgumentException(
                    "metric '"
                            + metric
                            + "': no run reports it; the runs report "
                            + table.metrics());
        }
        List<Object[]> ok =
                table.rows().stream()
                        .filter(r -> RunStatus.OK.label().equals(r[status]) && r[m] != null)
                        .toList();
        long failed =
                table.rows().size()
                        - table.rows().stream()
                                .filter(r -> RunStatus.OK.label().equals(r[status]))
                                .count();
        double[] ys = ok.stream().mapToDouble(r -> (Double) r[m]).toArray();
        boolean logY = labelledDecades(ys) >= 2;
        double maxAbs = Arrays.stream(ys).map(Math::abs).max().orElse(1);
        List<Chart<?, ?>> charts = new ArrayList<>();
        for (SweepSpace.Axis axis : sweep.space().axes()) {
            charts.add(panel(sweep, table, axis, ok, m, metric, logY, maxAbs, failed));
        }
        // Panels in a grid of up to three columns (XChart's own grid needs it full); white where
        // none is left.
        int cols = charts.size() == 4 ? 2 : Math.min(3, charts.size());
        int rows = (charts.size() + cols - 1) / cols;
        BufferedImage img =
                new BufferedImage(cols * WIDTH, rows * HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        for (int i = 0; i < charts.size(); i++) {
            g.drawImage(
                    BitmapEncoder.getBufferedImage(charts.get(i)),
                    (i % cols) * WIDTH,
                    (i / cols) * HEIGHT,
                    null);
        }
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }

    private static XYChart panel(
            Sweep sweep,
            ResultTable table,
            SweepSpace.Axis axis,
            List<Object[]> ok,
            int m,
            String metric,
            boolean logY,
            double maxAbs,
            long failed) {
        int a = table.column(axis.name());
        ResultTable.Type type = table.columns().get(a).type();
        boolean numeric = type == ResultTable.Type.LONG || type == ResultTable.Type.DOUBLE;
        Map<String, Integer> categories = new LinkedHashMap<>();
        if (!numeric) {
            for (Object[] r : table.rows()) {
                categories.putIfAbsent(String.valueOf(r[a]), categories.size());
            }
        }
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        TreeMap<Double, List<Double>> byValue = new TreeMap<>();
        for (Object[] r : ok) {
            double x =
                    numeric ? ((Number) r[a]).doubleValue() : categories.get(String.valueOf(r[a]));
            double y = (Double) r[m];
            xs.add(x);
            ys.add(y);
            byValue.computeIfAbsent(x, k -> new ArrayList<>()).add(y);
        }
        double[] xv = xs.stream().mapToDouble(Double::doubleValue).toArray();
        boolean logX =
                numeric
                        && labelledDecades(xv) >= 2
                        && (axis.log()
                                || Arrays.stream(xv).max().getAsDouble()
                                        >= 50 * Arrays.stream(xv).min().getAsDouble());
        String subtitle = failed > 0 ? " (" + failed + " failed runs not shown)" : "";
        XYChart c =
                new XYChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(sweep.name() + ": " + metric + " vs " + axis.name() + subtitle)
                        .xAxisTitle(axis.name() + (logX ? " (log scale)" : ""))
                        .yAxisTitle(metric + (logY ? " (log scale)" : ""))
                        .build();
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setYAxisLogarithmic(logY);
        c.getStyler().setLegendVisible(true);
        c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        c.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        c.getStyler().setChartBackgroundColor(Color.WHITE);
        c.getStyler().setChartTitleFont(c.getStyler().getChartTitleFont().deriveFont(13f));
        c.getStyler().setYAxisDecimalPattern(logY || maxAbs < 0.01 ? "0.##E0" : "0.####");
        if (!numeric) {
            List<String> names = new ArrayList<>(categories.keySet());
            c.getStyler()
                    .setxAxisTickLabelsFormattingFunction(
                            v -> {
                                long i = Math.round(v);
                                return Math.abs(v - i) < 1e-9 && i >= 0 && i < names.size()
                                        ? names.get((int) i)
                                        : "";
                            });
            // No explicit axis range here: with one, XChart probes only its ends and labels no
            // category.
        } else if (!logX) {
            c.getStyler().setXAxisDecimalPattern(type == ResultTable.Type.LONG ? "0" : "0.###");
        }
        if (xs.isEmpty()) {
            return c;
        }
        XYSeries pts = c.addSeries("runs", xs, ys);
        pts.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        pts.setMarker(SeriesMarkers.CIRCLE);
        List<Double> mx = new ArrayList<>(byValue.keySet());
        List<Double> my = byValue.values().stream().map(SweepPlot::median).toList();
        XYSeries med = c.addSeries("median", mx, my);
        med.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        med.setMarker(SeriesMarkers.NONE);
        return c;
    }

    private static double median(List<Double> v) {
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /**
     * How many powers of ten lie within the range of positive values (0 when a value is not
     * positive): XChart labels only those on a log axis, so fewer than two would leave it
     * unreadable.
     */
    private static int labelledDecades(double[] v) {
        if (v.length == 0 || Arrays.stream(v).anyMatch(x -> !(x > 0))) {
            return 0;
        }
        double lo = Arrays.stream(v).min().getAsDouble(), hi = Arrays.stream(v).max().getAsDouble();
        return (int) (Math.floor(Math.log10(hi) + 1e-9) - Math.ceil(Math.log10(lo) - 1e-9)) + 1;
    }
}
