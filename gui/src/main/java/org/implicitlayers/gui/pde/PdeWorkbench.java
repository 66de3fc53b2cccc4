package org.implicitlayers.gui.pde;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.geometry.Orientation;
import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.SplitPane;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.gui.common.RunControls;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.plot.Grid2;
import org.implicitlayers.plot.HeatMap;
import org.implicitlayers.plot.Segments;
import org.implicitlayers.ritz.ProblemFile;
import org.implicitlayers.ritz.ProblemSpec;
import org.implicitlayers.ritz.RitzOutputs;
import org.implicitlayers.ritz.RitzSolver;
import org.implicitlayers.ritz.SolutionGrid;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.fx.interaction.ChartMouseEventFX;
import org.jfree.chart.fx.interaction.ChartMouseListenerFX;
import org.jfree.chart.plot.XYPlot;

/**
 * The variational PDE workbench: the problem form on the left; the solution and its error as heat
 * maps, the training curves, a line probe and the list of runs on the right; Run, Cancel, progress
 * and time left below. A run writes the form as a problem file and loads it with the library's
 * {@link ProblemFile}, exactly as {@code bin/implicit ritz FILE.json} does, then solves it on a
 * background thread ({@link PdeRun}).
 */
public final class PdeWorkbench extends BorderPane {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(JsonParser.Feature.ALLOW_COMMENTS);
    private static final long CURVE_REFRESH_NANOS = 400_000_000L;

    final ProblemForm form = new ProblemForm();
    final RunControls controls =
            new RunControls(
                    "",
                    "Run",
                    "Solve the problem as posed (the form is saved as a problem file and run as bin/implicit ritz would).",
                    form.validProperty());
    final Button run = controls.run;
    final Button cancel = controls.cancel;
    final ProgressBar progress = controls.progress;
    final Label status = controls.status;
    final Label message = controls.message;
    final ChartPane solutionView =
            new ChartPane("solution-view", "The solution appears here a few seconds after Run.");
    final ChartPane errorView =
            new ChartPane("error-view", "With an exact solution, its error appears here.");
    final ChartPane curvesView =
            new ChartPane(
                    "curves-view", "Loss and error curves appear here while the problem trains.");
    final ChartPane probeView =
            new ChartPane(
                    "probe-view", "Press 'Line probe', then click two points on the solution map.");
    final Label hover = new Label(" ");
    final ToggleButton probe = new ToggleButton("Line probe");
    final javafx.scene.control.Slider slice = new javafx.scene.control.Slider(0, 1, 0.5);
    final Label sliceLabel = new Label("slice z");
    final TableView<RunRecord> runs = new TableView<>();
    private final Path sessionDir;
    private RunRecord active;
    private RunRecord shown;
    private long lastCurves;
    private double[] probeStart;
    private double[] probeSegment;
    private volatile long trainingEndedAt;

    /**
     * @param sessionDir where each run's problem file is written (run-1/problem.json, ...)
     */
    public PdeWorkbench(Path sessionDir) {
        this.sessionDir = sessionDir;
        setId("pde-workbench");
        form.setPrefWidth(440);
        form.setMinWidth(360);
        run.setDefaultButton(true);
        status.setText("Pose a problem and press Run.");
        hover.setId("hover");
        hover.setStyle("-fx-font-family: monospace;");
        probe.setId("probe");
        probe.setTooltip(
                new Tooltip(
                        "Click two points on the solution map: the probe tab plots u (and the exact solution) along the segment."));
        run.setOnAction(e -> startRun());
        cancel.setOnAction(e -> cancelRun());
        form.setOnChange(
                () -> {
                    if (!controls.runningProperty().get()) {
                        String p = form.firstProblem();
                        message.setText(p == null ? "" : "Cannot run: " + p);
                    }
                });

        SplitPane maps = new SplitPane(solutionView, errorView);
        TabPane lower =
                new TabPane(
                        new Tab("Training", curvesView),
                        new Tab("Line probe", probeView),
                        new Tab("Runs", runs));
        lower.setId("lower-tabs");
        lower.getTabs().forEach(t -> t.setClosable(false));
        slice.setId("slice-z");
        slice.setTooltip(new Tooltip("For 3-D problems: the height z of the slice the maps show."));
        slice.setPrefWidth(200);
        slice.valueProperty().addListener((o, a, b) -> resliceShown());
        for (javafx.scene.Node n : List.of(slice, sliceLabel)) {
            n.setVisible(false);
            n.managedProperty().bind(n.visibleProperty());
        }
        HBox tools = new HBox(8, probe, sliceLabel, slice, hover);
        tools.setAlignment(Pos.CENTER_LEFT);
        SplitPane right = new SplitPane(new VBox(maps, tools), lower);
        VBox.setVgrow(maps, Priority.ALWAYS);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.56);
        SplitPane centre = new SplitPane(form, right);
        centre.setDividerPositions(0.3);
        SplitPane.setResizableWithParent(form, false);
        setCenter(centre);
        setBottom(controls);
        setupRunsTable();
        setupPointer(solutionView);
        setupPointer(errorView);
    }

    /** True while a run is in progress. */
    public ReadOnlyBooleanProperty runningProperty() {
        return controls.runningProperty();
    }

    /** The run whose figures are shown (the latest, or the one selected in the runs table). */
    RunRecord shownRun() {
        return shown;
    }

    /** Sets the number of Adam steps in the form. */
    public void setSteps(int steps) {
        form.steps.set(steps);
    }

    /** Presses Run, as the user would (nothing happens while it is disabled). */
    public void pressRun() {
        run.fire();
    }

    /** Whether the last run ended without an error (done or cancelled). */
    public boolean lastRunSucceeded() {
        return shown != null && !"failed".equals(shown.status.get());
    }

    /**
     * The problem (as its file would hold it) of the run whose figures are shown, or null before
     * the first run.
     */
    public ObjectNode shownProblem() {
        return shown == null ? null : shown.problem.deepCopy();
    }

    /** The steps the shown run has taken (0 before the first run). */
    public long shownSteps() {
        return shown == null ? 0 : Long.parseLong(shown.steps.get());
    }

    /** {@link System#nanoTime()} when the last run's training loop ended (0 before). */
    long trainingEndedAt() {
        return trainingEndedAt;
    }

    /** The error line below the buttons (empty when all is well). */
    public String messageText() {
        return message.getText();
    }

    // ---- problems in and out

    /** Shows a built-in problem of the library (its name as in {@code bin/implicit ritz NAME}). */
    public void loadBuiltIn(String name) {
        form.fromJson(BuiltInProblems.json(name));
        message.setText("");
        status.setText("Loaded the built-in problem " + name + ".");
    }

    /**
     * Shows a problem file; a syntax error is reported with its line and column, nothing changes
     * then. Returns whether the file was opened (else the message line says why, naming the file).
     */
    public boolean open(Path file) {
        try {
            JsonNode root = MAPPER.readTree(Files.readString(file));
            if (root == null || !root.isObject()) {
                throw new IOException("expected a JSON object at the top level");
            }
            form.fromJson(root);
            message.setText("");
            status.setText("Opened " + file + ".");
            return true;
        } catch (JsonProcessingException e) {
            message.setText(file + ": " + org.implicitlayers.ritz.JsonSyntax.describe(e));
        } catch (java.nio.file.NoSuchFileException e) {
            message.setText(file + ": no such problem file");
        } catch (IOException | RuntimeException e) {
            message.setText(file + ": " + e.getMessage());
        }
        return false;
    }

    /** Writes the form as a problem file that {@code bin/implicit ritz FILE} runs. */
    public void save(Path file) throws IOException {
        Files.writeString(file, form.toJson().toPrettyString() + "\n");
        status.setText("Saved " + file + ".");
    }

    // ---- running

    /** What the Run button does. */
    void startRun() {
        String p = form.firstProblem();
        if (p != null) {
            message.setText("Cannot run: " + p);
            return;
        }
        ObjectNode json = form.toJson();
        int index = runs.getItems().size() + 1;
        ProblemSpec spec;
        Path dir;
        try {
            // Read in memory, as the command line reads a file (the library names the field); the
            // run's folder keeps a copy.
            spec = ProblemFile.read(json, null);
            dir = Files.createDirectories(sessionDir.resolve("run-" + index));
            Files.writeString(dir.resolve("problem.json"), json.toPrettyString() + "\n");
        } catch (IOException | RuntimeException e) {
            String m = e.getMessage() == null ? e.toString() : e.getMessage();
            message.setText("Cannot run: " + m);
            return;
        }
        message.setText("");
        PdeRun r = new PdeRun(spec, new Listener(), Platform::runLater);
        double[] lo = spec.problem().domain().lower(), hi = spec.problem().domain().upper();
        if (lo.length == 3) {
            r.setSliceZ(lo[2] + slice.getValue() * (hi[2] - lo[2]));
        }
        RunRecord rec = new RunRecord(index, json, r);
        runs.getItems().add(rec);
        active = rec;
        probeSegment = null;
        show(rec);
        controls.setRunning(true);
        progress.setProgress(0);
        status.setText("Starting " + spec.name() + "...");
        try {
            r.start(dir);
        } catch (IOException e) {
            controls.setRunning(false);
            rec.status.set("failed");
            message.setText("Cannot run: " + e.getMessage());
        }
    }

    /**
     * What the Cancel button does: the run stops after its current step and keeps what it learnt.
     */
    void cancelRun() {
        if (active != null) {
            active.run.cancel();
            status.setText("Cancelling...");
        }
    }

    private final class Listener implements PdeRun.Listener {
        @Override
        public void progress(PdeRun.Progress p, double[] steps, double[] losses) {
            RunRecord rec = active;
            if (rec == null) {
                return;
            }
            rec.losses.addAll(steps, losses);
            rec.steps.set(Long.toString(p.step()));
            rec.seconds.set(String.format(Locale.ROOT, "%.1f", p.seconds()));
            controls.showProgress(
                    p.step(),
                    p.total(),
                    String.format(Locale.ROOT, "loss %.4g", p.loss()),
                    p.seconds());
            long now = System.nanoTime();
            if (now - lastCurves > CURVE_REFRESH_NANOS && rec == shown) {
                lastCurves = now;
                drawCurves(rec);
            }
        }

        @Override
        public void evaluation(long step, Map<String, Double> metrics) {
            RunRecord rec = active;
            if (rec == null) {
                return;
            }
            rec.addMetrics(step, metrics);
            setMetrics(rec, metrics);
            if (rec == shown) {
                drawCurves(rec);
            }
        }

        @Override
        public void trainingEnded(long step, boolean cancelled) {
            trainingEndedAt = System.nanoTime();
            if (cancelled) {
                status.setText(
                        "Cancelled at step "
                                + step
                                + ": computing the final errors and maps of what was trained...");
            } else {
                status.setText(
                        "Trained " + step + " steps: computing the final errors and maps...");
            }
        }

        @Override
        public void solution(SolutionGrid grid, List<double[]> outline) {
            RunRecord rec = active;
            if (rec == null) {
                return;
            }
            rec.grid = grid;
            rec.outline = outline;
            if (rec == shown) {
                drawMaps(rec);
            }
        }

        @Override
        public void finished(RitzSolver.Result result) {
            RunRecord rec = active;
            active = null;
            controls.setRunning(false);
            if (rec == null) {
                return;
            }
            rec.status.set(result.cancelled() ? "cancelled" : "done");
            rec.steps.set(Long.toString(result.steps()));
            rec.seconds.set(String.format(Locale.ROOT, "%.1f", result.trainSeconds()));
            setMetrics(rec, result.metrics());
            progress.setProgress(result.cancelled() ? progress.getProgress() : 1);
            StringBuilder m = new StringBuilder();
            result.metrics()
                    .forEach((k, v) -> m.append(String.format(Locale.ROOT, "   %s %.3e", k, v)));
            status.setText(
                    (result.cancelled() ? "Cancelled at step " : "Done: ")
                            + result.steps()
                            + " steps in "
                            + String.format(Locale.ROOT, "%.1f s", result.trainSeconds())
                            + m);
            if (rec == shown) {
                drawCurves(rec);
                drawMaps(rec);
            }
        }

        @Override
        public void failed(Throwable error) {
            RunRecord rec = active;
            active = null;
            controls.setRunning(false);
            if (rec != null) {
                rec.status.set("failed");
            }
            message.setText(
                    "The run failed: "
                            + (error.getMessage() == null ? error.toString() : error.getMessage()));
            status.setText("Failed.");
        }
    }

    private static void setMetrics(RunRecord rec, Map<String, Double> metrics) {
        if (metrics.containsKey("rel_l2")) {
            rec.relL2.set(String.format(Locale.ROOT, "%.3e", metrics.get("rel_l2")));
        }
        if (metrics.containsKey("rel_h1")) {
            rec.relH1.set(String.format(Locale.ROOT, "%.3e", metrics.get("rel_h1")));
        }
        if (metrics.containsKey("eigenvalue")) {
            rec.relH1.set(String.format(Locale.ROOT, "lambda %.5g", metrics.get("eigenvalue")));
        }
    }

    // ---- figures

    /** Shows a run's figures (the running one, or one picked in the runs table). */
    void show(RunRecord rec) {
        shown = rec;
        drawCurves(rec);
        drawMaps(rec);
    }

    private void drawCurves(RunRecord rec) {
        curvesView.show(curvesChart(rec));
    }

    static JFreeChart curvesChart(RunRecord rec) {
        List<Curves.Panel> panels = new ArrayList<>();
        double[] s = rec.losses.steps(), l = rec.losses.losses();
        panels.add(Curves.lossPanel(s, l));
        List<Curves.Series> errs = new ArrayList<>();
        List<String> names = new ArrayList<>(rec.metrics.keySet());
        names.sort(
                java.util.Comparator.comparingInt(PdeWorkbench::metricOrder).thenComparing(n -> n));
        for (String name : names) {
            List<double[]> pts = rec.metrics.get(name);
            double[] x = pts.stream().mapToDouble(p -> p[0]).toArray(),
                    y = pts.stream().mapToDouble(p -> p[1]).toArray();
            if (Arrays.stream(y).allMatch(v -> v > 0)) {
                errs.add(Curves.Series.points(name, x, y).colour(metricColour(name)));
            }
        }
        if (!errs.isEmpty()) {
            panels.add(new Curves.Panel("evaluation", Curves.Scale.AUTO, errs));
        }
        return Curves.chart(
                rec.name() + ": training (run " + rec.index + ")", "step", false, panels);
    }

    /**
     * The metrics the solver reports, in the order (and so with the colours) every run shows them.
     */
    private static final List<String> METRICS =
            List.of("rel_l2", "rel_h1", "eigenvalue", "eigenvalue_rel_error");

    private static int metricOrder(String name) {
        int i = METRICS.indexOf(name);
        return i < 0 ? METRICS.size() : i;
    }

    /**
     * A metric's colour in the figure palette: fixed by its name, so that it is the same in every
     * run.
     */
    static int metricColour(String name) {
        int i = METRICS.indexOf(name);
        return 1 + (i >= 0 ? i : METRICS.size() + Math.floorMod(name.hashCode(), 4));
    }

    /**
     * After a run of a 3-D problem, moving the slider samples the trained network on the new slice.
     */
    private void resliceShown() {
        RunRecord rec = shown;
        if (rec == null || rec.run.spec().problem().domain().dim() != 3) {
            return;
        }
        double[] lo = rec.run.spec().problem().domain().lower(),
                hi = rec.run.spec().problem().domain().upper();
        double z = lo[2] + slice.getValue() * (hi[2] - lo[2]);
        rec.run.setSliceZ(z);
        sliceLabel.setText(String.format(Locale.ROOT, "slice z = %.3g", z));
        if (!"running".equals(rec.status.get()) && rec.run.solver() != null) {
            Object[] m = rec.run.sample(PdeRun.LIVE_GRID);
            rec.grid = (SolutionGrid) m[0];
            @SuppressWarnings("unchecked")
            List<double[]> o = (List<double[]>) m[1];
            rec.outline = o;
            drawMaps(rec);
        }
    }

    private void drawMaps(RunRecord rec) {
        SolutionGrid g = rec.grid;
        int dim = rec.run.spec().problem().domain().dim();
        slice.setVisible(dim == 3);
        sliceLabel.setVisible(dim == 3);
        if (g == null) {
            String why =
                    dim <= 3
                            ? "The solution appears here after the first steps."
                            : "Maps are drawn for problems in 2-D and slices of 3-D ones; this one is "
                                    + dim
                                    + "-D (its errors are in the curves and the runs table).";
            solutionView.clear(why);
            errorView.clear(dim == 2 ? "" : why);
            return;
        }
        solutionView.show(solutionChart(rec));
        errorView.placeholder.setText("No exact solution given: no error map.");
        errorView.show(errorChart(rec));
        if (probeSegment != null) {
            drawProbe(rec);
        }
    }

    static JFreeChart solutionChart(RunRecord rec) {
        SolutionGrid g = rec.grid;
        String when =
                "running".equals(rec.status.get()) ? "step " + rec.steps.get() : rec.status.get();
        return HeatMap.of(new Grid2(g.xs(), g.ys(), g.u()))
                .title(rec.name() + ": u" + sliceNote(rec) + " (" + when + ")")
                .valueLabel("u")
                .outline(rec.outline)
                .chart();
    }

    private static String sliceNote(RunRecord rec) {
        return rec.run.spec().problem().domain().dim() == 3
                ? String.format(Locale.ROOT, " on z = %.3g", rec.run.sliceZ())
                : "";
    }

    static JFreeChart errorChart(RunRecord rec) {
        SolutionGrid g = rec.grid;
        if (g.error() == null) {
            return null;
        }
        return HeatMap.of(new Grid2(g.xs(), g.ys(), g.error()))
                .diverging()
                .title(rec.name() + ": error u \u2212 u_exact" + sliceNote(rec))
                .valueLabel("u \u2212 u_exact")
                .outline(rec.outline)
                .chart();
    }

    // ---- pointer: hover read-out and the line probe

    private void setupPointer(ChartPane pane) {
        ChartViewer v = pane.viewer;
        v.addChartMouseListener(
                new ChartMouseListenerFX() {
                    @Override
                    public void chartMouseMoved(ChartMouseEventFX e) {
                        double[] p =
                                ChartCoordinates.data(
                                        v, e.getTrigger().getX(), e.getTrigger().getY());
                        hover.setText(
                                p == null || shown == null || shown.grid == null
                                        ? " "
                                        : readout(shown.grid, p[0], p[1]));
                    }

                    @Override
                    public void chartMouseClicked(ChartMouseEventFX e) {
                        if (!probe.isSelected() || shown == null || shown.grid == null) {
                            return;
                        }
                        double[] p =
                                ChartCoordinates.data(
                                        v, e.getTrigger().getX(), e.getTrigger().getY());
                        if (p != null) {
                            probeClick(p);
                        }
                    }
                });
    }

    /** A click of the line probe at p (data coordinates): the segment's start, then its end. */
    void probeClick(double[] p) {
        if (probeStart == null) {
            probeStart = p;
            status.setText(
                    String.format(
                            Locale.ROOT, "Probe from (%.3g, %.3g): click its end.", p[0], p[1]));
        } else {
            setProbe(probeStart[0], probeStart[1], p[0], p[1]);
            status.setText(
                    String.format(
                            Locale.ROOT,
                            "Probe from (%.3g, %.3g) to (%.3g, %.3g): u along it in the Line probe tab;"
                                    + " click again for another.",
                            probeStart[0],
                            probeStart[1],
                            p[0],
                            p[1]));
            probeStart = null;
        }
    }

    /** The status line (for tests). */
    String statusText() {
        return status.getText();
    }

    /** "x = ..., y = ..., u = ..." at a point, with the exact solution and error when known. */
    static String readout(SolutionGrid g, double x, double y) {
        double u = new Grid2(g.xs(), g.ys(), g.u()).interpolate(x, y);
        StringBuilder b =
                new StringBuilder(
                        String.format(
                                Locale.ROOT,
                                "x = %.4f  y = %.4f  u = %s",
                                x,
                                y,
                                Double.isNaN(u)
                                        ? "(outside)"
                                        : String.format(Locale.ROOT, "%.5g", u)));
        if (g.exact() != null && !Double.isNaN(u)) {
            double ex = new Grid2(g.xs(), g.ys(), g.exact()).interpolate(x, y);
            b.append(String.format(Locale.ROOT, "  u_exact = %.5g  error = %.3e", ex, u - ex));
        }
        return b.toString();
    }

    /** Probes u along the segment from (x0, y0) to (x1, y1) of the shown run. */
    void setProbe(double x0, double y0, double x1, double y1) {
        probeSegment = new double[] {x0, y0, x1, y1};
        if (shown != null && shown.grid != null) {
            drawProbe(shown);
        }
    }

    private void drawProbe(RunRecord rec) {
        double[] s = probeSegment;
        Segments line = new Segments(List.of(s), Color.WHITE, 2.2f);
        Segments inner = new Segments(List.of(s), Color.BLACK, 1.0f);
        for (ChartPane v : List.of(solutionView, errorView)) {
            if (v.chart() != null) {
                ((XYPlot) v.chart().getPlot()).addAnnotation(line);
                ((XYPlot) v.chart().getPlot()).addAnnotation(inner);
            }
        }
        probeView.show(probeChart(rec, s));
    }

    static JFreeChart probeChart(RunRecord rec, double[] seg) {
        int n = 301;
        double len = Math.hypot(seg[2] - seg[0], seg[3] - seg[1]);
        double[] t = new double[n], u = new double[n], ex = new double[n];
        Grid2 gu = new Grid2(rec.grid.xs(), rec.grid.ys(), rec.grid.u());
        Grid2 ge =
                rec.grid.exact() == null
                        ? null
                        : new Grid2(rec.grid.xs(), rec.grid.ys(), rec.grid.exact());
        for (int i = 0; i < n; i++) {
            double f = (double) i / (n - 1);
            double x = seg[0] + f * (seg[2] - seg[0]), y = seg[1] + f * (seg[3] - seg[1]);
            t[i] = f * len;
            u[i] = gu.interpolate(x, y);
            ex[i] = ge == null ? Double.NaN : ge.interpolate(x, y);
        }
        List<Curves.Series> series = new ArrayList<>();
        if (ge != null) {
            // The exact solution as markers every 15th sample, drawn over the network's line: where
            // the two agree a line of
            // the same width would hide it.
            int m = (n - 1) / 15 + 1;
            double[] te = new double[m], xe = new double[m];
            for (int i = 0; i < m; i++) {
                te[i] = t[15 * i];
                xe[i] = ex[15 * i];
            }
            series.add(new Curves.Series("u_exact", te, xe, Curves.Mark.POINTS, -1));
        }
        series.add(Curves.Series.line("u (network)", t, u));
        String title =
                String.format(
                        Locale.ROOT,
                        "u along (%.3g, %.3g) to (%.3g, %.3g)",
                        seg[0],
                        seg[1],
                        seg[2],
                        seg[3]);
        return Curves.chart(
                title,
                "distance along the segment",
                false,
                List.of(new Curves.Panel("u", Curves.Scale.LINEAR, series)));
    }

    // ---- runs table and export

    private void setupRunsTable() {
        runs.setId("runs");
        runs.setPlaceholder(
                new Label(
                        "Runs of this session appear here, with their settings and final errors."));
        runs.getColumns().add(column("#", r -> Integer.toString(r.index), 40));
        runs.getColumns().add(column("problem", RunRecord::name, 120));
        runs.getColumns().add(column("status", r -> r.status.get(), 80));
        runs.getColumns().add(column("steps", r -> r.steps.get(), 60));
        runs.getColumns().add(column("time (s)", r -> r.seconds.get(), 70));
        runs.getColumns().add(column("rel L2", r -> r.relL2.get(), 90));
        runs.getColumns().add(column("rel H1", r -> r.relH1.get(), 90));
        runs.getColumns().add(column("settings", RunRecord::settings, 520));
        runs.getSelectionModel()
                .selectedItemProperty()
                .addListener(
                        (o, a, b) -> {
                            if (b != null && b != shown) {
                                show(b);
                            }
                        });
    }

    private static TableColumn<RunRecord, String> column(
            String title, java.util.function.Function<RunRecord, String> f, double width) {
        TableColumn<RunRecord, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(
                cd -> {
                    RunRecord r = cd.getValue();
                    javafx.beans.binding.StringBinding b =
                            javafx.beans.binding.Bindings.createStringBinding(
                                    () -> f.apply(r),
                                    r.status,
                                    r.steps,
                                    r.relL2,
                                    r.relH1,
                                    r.seconds);
                    return b;
                });
        return c;
    }

    /**
     * Writes the shown run's files into {@code dir} as PNG figures ({@link #exportRun(Path,
     * Figures)}).
     */
    public void exportRun(Path dir) throws IOException {
        exportRun(dir, Figures.defaults());
    }

    /**
     * Writes the shown run's files into {@code dir}: the same set as {@code implicit ritz} writes
     * into its output folder and a sweep into a run's ({@link RitzOutputs}: problem.json,
     * params.npz, metrics.csv, eval.csv, curves, and the solution's files and maps), all or none.
     */
    public void exportRun(Path dir, Figures figures) throws IOException {
        RunRecord rec = shown;
        if (rec == null) {
            throw new IOException("no run to export yet");
        }
        if ("running".equals(rec.status.get())) {
            throw new IOException("the run is still going: cancel it or wait for it to finish");
        }
        if (rec.run.solver() == null) {
            throw new IOException(
                    "run " + rec.index + " failed before it trained: nothing to export");
        }
        try (OutputSet files = OutputSet.in(dir)) {
            RitzOutputs.write(rec.run.solver(), rec.problem, rec.run.folder(), files, figures);
            files.commit();
        }
        status.setText("Exported run " + rec.index + " to " + dir + ".");
    }
}
