package org.implicitlayers.plot;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training figure of a run, read back from its CSV logs: loss against step above the evaluation
 * metrics.
 */
public final class LossCurve {
    private LossCurve() {}

    /**
     * Writes {@code png}: the training loss against step (logarithmic when every value is positive;
     * otherwise, as for the Ritz energy, the gap to its lowest value on a logarithmic axis, see
     * {@link #lossPanel}), and below it each metric of {@code evalCsv} (logarithmic), when there is
     * any.
     *
     * @param stepsCsv {@code step,loss,...} per logged step, with a header line
     * @param evalCsv {@code step,name,value} per evaluation, with a header line; may be null or
     *     absent
     */
    public static void write(Path stepsCsv, Path evalCsv, Path png, String title)
            throws IOException {
        write(stepsCsv, evalCsv, Figures.defaults(), png, title);
    }

    /**
     * As {@link #write(Path, Path, Path, String)}, in the format and size of {@code figures}
     * (default 900 x 420 points, 900 x 760 with metrics).
     */
    public static void write(Path stepsCsv, Path evalCsv, Figures figures, Path file, String title)
            throws IOException {
        write(stepsCsv, evalCsv, figures, file, title, Labels.DEFAULT);
    }

    /**
     * How the panels and the metrics are named in the figure: the loss axis, the evaluation axis,
     * and a readable name (with its unit) for each metric of the CSV, which otherwise appears under
     * its column name.
     */
    public record Labels(String loss, String evaluation, Map<String, String> metrics) {
        /** "training loss", "evaluation", the CSV names. */
        public static final Labels DEFAULT = new Labels("training loss", "evaluation", Map.of());

        public Labels {
            metrics = Map.copyOf(metrics);
        }
    }

    /**
     * As {@link #write(Path, Path, Figures, Path, String)}, with the axes and metrics named by
     * {@code labels}.
     */
    public static void write(
            Path stepsCsv, Path evalCsv, Figures figures, Path file, String title, Labels labels)
            throws IOException {
        List<String[]> steps = rows(stepsCsv);
        double[] x = new double[steps.size()], y = new double[steps.size()];
        for (int i = 0; i < steps.size(); i++) {
            x[i] = Double.parseDouble(steps.get(i)[0]);
            y[i] = Double.parseDouble(steps.get(i)[1]);
        }
        List<Curves.Panel> panels = new ArrayList<>();
        Curves.Panel loss = lossPanel(x, y);
        if (!labels.loss().equals(Labels.DEFAULT.loss())) {
            List<Curves.Series> renamed = new ArrayList<>();
            for (Curves.Series c : loss.series()) {
                renamed.add(new Curves.Series(labels.loss(), c.x(), c.y(), c.mark(), c.colour()));
            }
            String axis = loss.yLabel().replace(Labels.DEFAULT.loss(), labels.loss());
            loss = new Curves.Panel(axis, loss.scale(), renamed);
        }
        panels.add(loss);
        Map<String, List<double[]>> metrics = new LinkedHashMap<>();
        if (evalCsv != null && Files.exists(evalCsv)) {
            for (String[] row : rows(evalCsv)) {
                double v = Double.parseDouble(row[2]);
                if (v > 0 && Double.isFinite(v)) {
                    metrics.computeIfAbsent(row[1], k -> new ArrayList<>())
                            .add(new double[] {Double.parseDouble(row[0]), v});
                }
            }
        }
        if (!metrics.isEmpty()) {
            List<Curves.Series> series = new ArrayList<>();
            int colour = 1;
            for (Map.Entry<String, List<double[]>> e : metrics.entrySet()) {
                double[] sx = e.getValue().stream().mapToDouble(p -> p[0]).toArray();
                double[] sy = e.getValue().stream().mapToDouble(p -> p[1]).toArray();
                String name = labels.metrics().getOrDefault(e.getKey(), e.getKey());
                series.add(Curves.Series.points(name, sx, sy).colour(colour++));
            }
            panels.add(new Curves.Panel(labels.evaluation(), Curves.Scale.LOG, series));
        }
        figures.write(
                Curves.chart(title, "step", false, panels),
                file,
                900,
                metrics.isEmpty() ? 420 : 760);
    }

    /** The loss panel ({@link Curves#lossPanel}). */
    static Curves.Panel lossPanel(double[] x, double[] y) {
        return Curves.lossPanel(x, y);
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
