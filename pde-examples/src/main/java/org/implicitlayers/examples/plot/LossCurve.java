package org.implicitlayers.examples.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG plots of the training loss and evaluation metrics, read back from the CSV logs (XChart). */
public final class LossCurve {
    private LossCurve() {
    }

    /** Plots loss against step from {@code steps.csv} and each metric of {@code eval.csv} on a log scale. */
    public static void write(Path stepsCsv, Path evalCsv, Path png, String title) throws IOException {
        // ImageIO's disk cache registers a shutdown hook, which fails when we plot from inside a shutdown (Ctrl-C).
        javax.imageio.ImageIO.setUseCache(false);
        System.setProperty("java.awt.headless", "true");
        XYChart chart = new XYChartBuilder().width(900).height(560).title(title).xAxisTitle("step").yAxisTitle("value (log scale)").build();
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setMarkerSize(4);
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        for (String[] row : rows(stepsCsv)) {
            double v = Double.parseDouble(row[1]);
            if (v > 0) {
                x.add(Double.parseDouble(row[0]));
                y.add(v);
            }
        }
        if (!x.isEmpty()) {
            chart.addSeries("training loss", x, y).setMarker(SeriesMarkers.NONE);
        }
        Map<String, List<double[]>> metrics = new LinkedHashMap<>();
        if (evalCsv != null && Files.exists(evalCsv)) {
            for (String[] row : rows(evalCsv)) {
                double v = Double.parseDouble(row[2]);
                if (v > 0) {
                    metrics.computeIfAbsent(row[1], k -> new ArrayList<>()).add(new double[] {Double.parseDouble(row[0]), v});
                }
            }
        }
        metrics.forEach((name, pts) -> {
            XYSeries s = chart.addSeries(name, pts.stream().map(p -> p[0]).toList(), pts.stream().map(p -> p[1]).toList());
            s.setMarker(SeriesMarkers.CIRCLE);
        });
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    private static List<String[]> rows(Path csv) throws IOException {
        List<String[]> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        for (int i = 1; i < lines.size(); i++) {
            String[] f = lines.get(i).split(",");
            if (f.length >= 2) {
                out.add(f);
            }
        }
        return out;
    }
}
