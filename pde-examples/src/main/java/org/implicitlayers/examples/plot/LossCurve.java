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

    /**
     * Two panels: the training loss against step (log scale, or linear when the loss takes
     * non-positive values, as the Ritz energy does), and each metric of {@code eval.csv} (log scale).
     */
    public static void write(Path stepsCsv, Path evalCsv, Path png, String title) throws IOException {
        javax.imageio.ImageIO.setUseCache(false);
        System.setProperty("java.awt.headless", "true");
        List<Double> x = new ArrayList<>(), y = new ArrayList<>();
        boolean positive = true;
        for (String[] row : rows(stepsCsv)) {
            double v = Double.parseDouble(row[1]);
            if (Double.isFinite(v)) {
                x.add(Double.parseDouble(row[0]));
                y.add(v);
                positive &= v > 0;
            }
        }
        XYChart loss = new XYChartBuilder().width(900).height(380).title(title + ": loss").xAxisTitle("step")
                .yAxisTitle(positive ? "loss (log scale)" : "loss").build();
        loss.getStyler().setYAxisLogarithmic(positive);
        loss.getStyler().setLegendVisible(false);
        if (!positive && y.size() > 20) {
            // A linear axis would be dominated by the first steps: scale it to the last 95 %.
            double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
            for (double v : y.subList(y.size() / 20, y.size())) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            double pad = 0.05 * Math.max(hi - lo, 1e-12);
            loss.getStyler().setYAxisMin(lo - pad);
            loss.getStyler().setYAxisMax(hi + pad);
        }
        if (!x.isEmpty()) {
            loss.addSeries("training loss", x, y).setMarker(SeriesMarkers.NONE);
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
        if (metrics.isEmpty()) {
            BitmapEncoder.saveBitmap(loss, png.toString(), BitmapEncoder.BitmapFormat.PNG);
            return;
        }
        XYChart eval = new XYChartBuilder().width(900).height(380).title("evaluations").xAxisTitle("step").yAxisTitle("value (log scale)").build();
        eval.getStyler().setYAxisLogarithmic(true);
        eval.getStyler().setMarkerSize(5);
        metrics.forEach((name, pts) -> {
            XYSeries s = eval.addSeries(name, pts.stream().map(p -> p[0]).toList(), pts.stream().map(p -> p[1]).toList());
            s.setMarker(SeriesMarkers.CIRCLE);
        });
        BitmapEncoder.saveBitmap(List.of(loss, eval), 2, 1, png.toString(), BitmapEncoder.BitmapFormat.PNG);
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
