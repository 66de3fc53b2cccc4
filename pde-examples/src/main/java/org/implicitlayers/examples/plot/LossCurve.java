package org.implicitlayers.examples.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.Png;

/** The training figure of a run, read back from its CSV logs: loss against step above the evaluation metrics. */
public final class LossCurve {
    private LossCurve() {
    }

    /**
     * Writes {@code png}: the training loss against step (logarithmic when every value is positive;
     * otherwise, as for the Ritz energy, the gap to its lowest value on a logarithmic axis, see
     * {@link #lossPanel}), and below it each metric of {@code evalCsv} (logarithmic), when there is any.
     *
     * @param stepsCsv {@code step,loss,...} per logged step, with a header line
     * @param evalCsv {@code step,name,value} per evaluation, with a header line; may be null or absent
     */
    public static void write(Path stepsCsv, Path evalCsv, Path png, String title) throws IOException {
        List<String[]> steps = rows(stepsCsv);
        double[] x = new double[steps.size()], y = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            x[i] = Double.parseDouble(steps.get(i)[0]);
            y[i] = Double.parseDouble(steps.get(i)[1]);
        }
        List<Curves.Panel> panels = new ArrayList<>();
        panels.add(lossPanel(x, y));
        Map<String, List<double[]>> metrics = new LinkedHashMap<>();
        if (evalCsv != null && Files.exists(evalCsv)) {
            for (String[] row : rows(evalCsv)) {
                double v = Double.parseDouble(row[2]);
                if (v > 0 && Double.isFinite(v)) {
                    metrics.computeIfAbsent(row[1], k -> new ArrayList<>()).add(new double[] {Double.parseDouble(row[0]), v});
                }
            }
        }
        if (!metrics.isEmpty()) {
            List<Curves.Series> series = new ArrayList<>();
            int colour = 1;
            for (Map.Entry<String, List<double[]>> e : metrics.entrySet()) {
                double[] sx = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
                double[] sy = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
                series.add(Curves.Series.points(e.getKey(), sx, sy).colour(colour++));
            }
            panels.add(new Curves.Panel("evaluation", Curves.Scale.LOG, series));
        }
        Png.write(Curves.chart(title, "step", false, panels), png, 900, metrics.isEmpty() ? 420 : 760);
    }

    /**
     * The loss panel. A loss that takes values of both signs or negative ones (the Ritz energy
     * falls from large positive values to a negative plateau such as -2.47) on a linear axis shows
     * either the first steps or, zoomed, only the noise of the plateau; its gap to the lowest value
     * logged, loss - min, on a logarithmic axis shows the whole descent, decade by decade. The gap
     * gets a floor of a millionth of the range (the minimum itself would be log 0); the label gives
     * the minimum. A positive loss is drawn as it is, logarithmically.
     */
    static Curves.Panel lossPanel(double[] x, double[] y) {
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
        for (double v : y) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (!(min <= 0) || !(max > min)) {
            return new Curves.Panel("training loss", Curves.Scale.AUTO, List.of(Curves.Series.line("training loss", x, y)));
        }
        double floor = 1e-6 * (max - min);
        double[] gap = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            gap[i] = y[i] - min + floor;
        }
        return new Curves.Panel(String.format(java.util.Locale.ROOT, "training loss \u2212 its minimum (%s)",
                org.implicitlayers.plot.TickFormat.compact(min)), Curves.Scale.LOG, List.of(Curves.Series.line("training loss", x, gap)));
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
