package org.implicitlayers.gui.node;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.gui.common.Fields;
import org.implicitlayers.gui.common.LossHistory;
import org.implicitlayers.gui.common.RunControls;
import org.implicitlayers.ode.Gradient;
import org.implicitlayers.ode.fit.TimeSeries;
import org.implicitlayers.ode.fit.TimeSeriesFit;
import org.implicitlayers.ode.spiral.SpiralProblem;
import org.implicitlayers.ode.spiral.SpiralTraining;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.PhasePlane;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;

/**
 * The neural ODE workbench. On torchdiffeq's cubic spiral (dy/dt = y^3 A): train the model f(y) =
 * W2 tanh(W1 y^3 + b1) + b2 from 10-point segments of the true trajectory on a background thread,
 * with the batch and full-trajectory L1 losses live; the phase plane shows the true and the fitted
 * trajectory over the arrows of the learned vector field, refreshed at each evaluation, beside both
 * components against time. The training is the library's {@link SpiralTraining}, the same as {@code
 * bin/implicit node spiral}.
 *
 * <p>On a time series of the user's (a CSV file, {@link #loadCsv}): fit dy/dt = MLP(y) with the
 * library's {@link TimeSeriesFit}, the same as {@code bin/implicit node fit}; each component
 * against time shows the observations and the fitted trajectory integrated from the first one, and
 * the phase plane the first two components.
 */
public final class NodeWorkbench extends BorderPane {
    private static final long REFRESH_NANOS = 400_000_000L;

    final TextField iters =
            Fields.text("node-iters", "300", "Optimiser steps (RMSprop, lr 1e-3), default 300.");
    final ComboBox<String> gradient = new ComboBox<>();
    final TextField seed =
            Fields.text(
                    "node-seed",
                    "0",
                    "Seed of the initial weights and of the batches (default 0).");
    final ComboBox<String> dtype = new ComboBox<>();
    final RunControls controls =
            new RunControls(
                    "node-",
                    "Run",
                    "Train the neural ODE on the spiral with these settings.",
                    new javafx.beans.property.SimpleBooleanProperty(true));
    final Button run = controls.run;
    final Label status = controls.status;
    final Label message = controls.message;
    final ChartViewer phase = new ChartViewer(null);
    final ChartViewer time = new ChartViewer(null);
    final ChartViewer curves = new ChartViewer(null);
    private final SpiralProblem truth = new SpiralProblem(DType.FLOAT64);
    private volatile SpiralTraining training;
    private final LossHistory history = new LossHistory();
    private final List<double[]> evals = new ArrayList<>();
    private long lastRefresh;
    private String lastResult = "";

    /** The loaded time series (null: the spiral), its file name and the fit running on it. */
    private TimeSeries series;

    private String seriesName;
    private volatile TimeSeriesFit seriesFit;

    /**
     * The folder of this session's runs (run-1, run-2, ...: each a job with its lock and
     * checkpoint).
     */
    private final java.nio.file.Path sessionDir;

    private int runCount;

    /** The run now going, or the last one. */
    private volatile RunContext job;

    final ComboBox<String> data = new ComboBox<>();
    private final Label dataText = new Label();
    private final Label title = new Label("Neural ODE: the spiral");
    private static final String SPIRAL = "spiral (built in)";
    private static final String SPIRAL_TEXT =
            "Data: torchdiffeq's cubic spiral, dy/dt = y^3 A with A = [[-0.1, 2], [-2, -0.1]], y0 = (2, 0),"
                    + " 1000 points on t in [0, 25]; batches of 20 segments of 10 points. Model: f(y) = W2 tanh(W1 y^3 + b1) + b2, widths 2-50-2;"
                    + " Dormand-Prince 5(4), rtol 1e-7, atol 1e-9; loss: mean |prediction - truth|.";

    /** A workbench whose runs are kept in a new temporary folder. */
    public NodeWorkbench() {
        this(temporaryFolder());
    }

    private static java.nio.file.Path temporaryFolder() {
        try {
            return java.nio.file.Files.createTempDirectory("implicit-node-");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(
                    "cannot create a temporary folder for the runs: " + e.getMessage(), e);
        }
    }

    /**
     * @param sessionDir where each training runs as a job (run-1, run-2, ...: the run lock and
     *     checkpoint)
     */
    public NodeWorkbench(java.nio.file.Path sessionDir) {
        this.sessionDir = sessionDir;
        setId("node-workbench");
        gradient.setId("node-gradient");
        gradient.getItems().addAll("direct", "adjoint", "checkpointed");
        gradient.setValue("adjoint");
        gradient.setTooltip(
                new Tooltip(
                        "direct: backpropagate through the solver's steps; adjoint: solve the adjoint ODE backwards"
                                + " (memory independent of the steps); checkpointed: store a few states and recompute. Default: adjoint."));
        dtype.setId("node-dtype");
        dtype.getItems().addAll("float32", "float64");
        dtype.setValue("float32");
        dtype.setTooltip(new Tooltip("Precision of the model and the solver (default float32)."));
        status.setText("Press Run to learn the spiral's dynamics.");
        run.setOnAction(e -> start());
        controls.cancel.setOnAction(
                e -> {
                    RunContext j = job;
                    if (j != null) {
                        j.cancel();
                        status.setText("Cancelling...");
                    }
                });
        data.setId("node-data");
        data.getItems().add(SPIRAL);
        data.setValue(SPIRAL);
        data.setTooltip(
                new Tooltip(
                        "The built-in spiral, or a time series opened with File > Open time series (CSV)."));
        data.setOnAction(e -> showData());
        dataText.setWrapText(true);
        dataText.setText(SPIRAL_TEXT);
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(6);
        g.addRow(0, new Label("data"), data);
        g.addRow(1, new Label("steps"), iters);
        g.addRow(2, new Label("gradient"), gradient);
        g.addRow(3, new Label("seed"), seed);
        g.addRow(4, new Label("precision"), dtype);
        VBox left = new VBox(12, title, dataText, g);
        left.setPadding(new Insets(10));
        left.setPrefWidth(360);
        left.setMinWidth(300);
        phase.setId("node-phase");
        time.setId("node-time");
        curves.setId("node-curves");
        SplitPane top = new SplitPane(phase, time);
        SplitPane right = new SplitPane(top, curves);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.6);
        SplitPane centre = new SplitPane(left, right);
        centre.setDividerPositions(0.24);
        setCenter(centre);
        setBottom(controls);
        drawTrajectories(null, null);
    }

    /** True while training. */
    public ReadOnlyBooleanProperty runningProperty() {
        return controls.runningProperty();
    }

    /** Sets the number of steps (the demo's short run). */
    public void setSteps(int s) {
        iters.setText(Integer.toString(s));
    }

    /** Presses Run. */
    public void pressRun() {
        run.fire();
    }

    /** How the last run ended ("done", "cancelled", "failed: ..."), empty before. */
    public String lastResult() {
        return lastResult;
    }

    /**
     * Loads a time series (CSV: t, y1, y2, ..., optional header; as {@code node fit} reads it) and
     * selects it as the data; a bad file leaves the data as it was and says why.
     */
    public boolean loadCsv(java.nio.file.Path file) {
        try {
            TimeSeries s = TimeSeries.readCsv(file);
            series = s;
            seriesName = file.getFileName().toString();
            data.getItems().setAll(SPIRAL, seriesName);
            data.setValue(seriesName);
            message.setText("");
            showData();
            return true;
        } catch (java.io.IOException | RuntimeException e) {
            message.setText(
                    "Cannot open "
                            + file
                            + ": "
                            + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return false;
        }
    }

    /** The message line: the last error, or empty. */
    public String messageText() {
        return message.getText();
    }

    /** A number as written by hand: 0, 10, 2.5, 1e-06. */
    private static String plain(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? Long.toString((long) v)
                : Double.toString(v);
    }

    private boolean onSeries() {
        return series != null && seriesName.equals(data.getValue());
    }

    /** Shows the chosen data and its description; the charts start over. */
    private void showData() {
        if (onSeries()) {
            TimeSeries s = series;
            title.setText("Neural ODE: " + seriesName);
            dataText.setText(
                    String.format(
                            Locale.ROOT,
                            "Data: %s, %d observations of %d component%s (%s) on t in [%s, %s]."
                                    + " Model: dy/dt = MLP(y), widths %d-64-64-%d, tanh, on standardised components; Adam lr 3e-3; batches of 16"
                                    + " segments of 10 consecutive observations, each solved at its own times (Dormand-Prince 5(4), rtol 1e-6,"
                                    + " atol 1e-8); loss: mean squared error. The fit is integrated from the first observation. Float64.",
                            seriesName,
                            s.rows(),
                            s.dim(),
                            s.dim() == 1 ? "" : "s",
                            String.join(", ", s.names()),
                            plain(s.t()[0]),
                            plain(s.t()[s.rows() - 1]),
                            s.dim(),
                            s.dim()));
            status.setText("Press Run to fit a neural ODE to " + seriesName + ".");
            dtype.setValue("float64"); // the time-series fit runs in float64
            dtype.setDisable(true);
            controls.run.setTooltip(
                    new Tooltip("Fit the neural ODE to " + seriesName + " with these settings."));
            JFreeChart[] c = seriesCharts(null);
            phase.setChart(c[0]);
            time.setChart(c[1]);
        } else {
            title.setText("Neural ODE: the spiral");
            dataText.setText(SPIRAL_TEXT);
            status.setText("Press Run to learn the spiral's dynamics.");
            dtype.setDisable(false);
            dtype.setValue("float32");
            controls.run.setTooltip(
                    new Tooltip("Train the neural ODE on the spiral with these settings."));
            drawTrajectories(null, null);
        }
        history.clear();
        evals.clear();
        seriesFit = null;
        drawCurves();
    }

    private void start() {
        int k;
        long s;
        try {
            k = Integer.parseInt(iters.getText().trim());
            s = Long.parseLong(seed.getText().trim());
            if (k < 1) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            message.setText(
                    "Cannot run: steps must be a positive whole number and seed a whole number.");
            return;
        }
        message.setText("");
        DType dt = "float64".equals(dtype.getValue()) ? DType.FLOAT64 : DType.FLOAT32;
        Gradient gr = Gradient.byName(gradient.getValue());
        // Each run is a job in a folder of its own: the run lock, the checkpoint, the cancel
        // request.
        RunContext j;
        try {
            j = RunContext.open(sessionDir.resolve("run-" + (++runCount)), false);
        } catch (java.io.IOException e) {
            message.setText("Cannot run: " + e.getMessage());
            return;
        }
        job = j;
        if (onSeries()) {
            TimeSeriesFit f =
                    new TimeSeriesFit(
                            series,
                            TimeSeriesFit.Options.defaults()
                                    .withSteps(k)
                                    .withGradient(gr)
                                    .withSeed(s)
                                    .withEvalEvery(Math.max(1, k / 15))
                                    .withCheckpoint(j.checkpoint())
                                    .withResume(false));
            seriesFit = f;
            training = null;
            j.onCancel(f::cancel);
            launch(j, () -> fitSeries(f, k, j));
            return;
        }
        seriesFit = null;
        SpiralProblem problem = new SpiralProblem(dt);
        SpiralTraining t =
                new SpiralTraining(
                        problem,
                        SpiralTraining.Options.defaults()
                                .withIters(k)
                                .withGradient(gr)
                                .withDtype(dt)
                                .withSeed(s)
                                .withEvalEvery(Math.max(1, k / 15))
                                .withCheckpoint(j.checkpoint())
                                .withResume(false));
        training = t;
        j.onCancel(t::cancel);
        launch(j, () -> train(t, k, j));
    }

    /** A run's body, on the background thread. */
    private interface Work {
        void run() throws Exception;
    }

    /**
     * Starts {@code run} on a background thread with fresh curves; a failure ends the run with its
     * message; the job ends with it.
     */
    private void launch(RunContext j, Work run) {
        history.clear();
        evals.clear();
        controls.setRunning(true);
        controls.progress.setProgress(0);
        Thread th =
                new Thread(
                        () -> {
                            try (j) {
                                run.run();
                            } catch (Throwable e) {
                                Platform.runLater(
                                        () -> {
                                            controls.setRunning(false);
                                            lastResult = "failed: " + e;
                                            message.setText(
                                                    "The run failed: "
                                                            + (e.getMessage() == null
                                                                    ? e.toString()
                                                                    : e.getMessage()));
                                        });
                            }
                        },
                        "node-run");
        th.setDaemon(true);
        th.start();
    }

    /**
     * Live progress: each step's loss, and at each evaluation the metric {@code metric} and the
     * charts from {@code charts} (computed here, on the training thread).
     */
    private TrainingCallback live(
            int total, String metric, java.util.function.Supplier<JFreeChart[]> charts) {
        return new TrainingCallback() {
            @Override
            public void onStep(Trainer.StepInfo info) {
                double step = info.step(), loss = info.loss(), sec = info.elapsedSeconds();
                Platform.runLater(() -> step(step, loss, sec, total));
            }

            @Override
            public void onEval(long step, Map<String, Double> metrics) {
                JFreeChart[] c = charts.get();
                double v = metrics.getOrDefault(metric, Double.NaN);
                Platform.runLater(
                        () -> {
                            evals.add(new double[] {step, v});
                            showCharts(c);
                        });
            }
        };
    }

    /** The two trajectory charts and the loss curves (FX thread). */
    private void showCharts(JFreeChart[] c) {
        phase.setChart(c[0]);
        time.setChart(c[1]);
        drawCurves();
    }

    private void train(SpiralTraining t, int total, RunContext j) throws java.io.IOException {
        j.callback(live(total, "full_l1", () -> trajectoryCharts(fitted(t), t)));
        SpiralTraining.Result r = t.run(j.callbacks());
        JFreeChart[] charts = trajectoryCharts(fitted(t), t);
        Platform.runLater(
                () -> {
                    controls.setRunning(false);
                    boolean done = r.steps().size() >= total;
                    lastResult = done ? "done" : "cancelled";
                    status.setText(
                            String.format(
                                    Locale.ROOT,
                                    "%s after %d steps: full-trajectory L1 loss %.4f",
                                    done ? "Done" : "Cancelled",
                                    r.steps().isEmpty()
                                            ? 0
                                            : r.steps().get(r.steps().size() - 1).step(),
                                    r.finalLoss()));
                    showCharts(charts);
                });
    }

    private void fitSeries(TimeSeriesFit f, int total, RunContext j) throws java.io.IOException {
        j.callback(live(total, "rmse", () -> seriesCharts(f.fitted())));
        TimeSeriesFit.Result r = f.run(j.callbacks());
        JFreeChart[] charts = seriesCharts(r.fitted());
        Platform.runLater(
                () -> {
                    controls.setRunning(false);
                    lastResult = r.cancelled() ? "cancelled" : "done";
                    StringBuilder per = new StringBuilder();
                    for (int c = 0; c < r.rmsePerComponent().length; c++) {
                        per.append(c == 0 ? "" : ", ")
                                .append(series.names().get(c))
                                .append(
                                        String.format(
                                                Locale.ROOT, " %.3g", r.rmsePerComponent()[c]));
                    }
                    status.setText(
                            String.format(
                                    Locale.ROOT,
                                    "%s after %d steps: RMSE of the whole series %.4g (%s)",
                                    r.cancelled() ? "Cancelled" : "Done",
                                    r.lastStep(),
                                    r.rmse(),
                                    per));
                    showCharts(charts);
                });
    }

    /**
     * The loaded series' charts: the first two components against each other (or, for one
     * component, the fit's residual against time), and every component against time (up to 6),
     * observations as points and the fit as a line. {@code fit} null before the first evaluation.
     */
    private JFreeChart[] seriesCharts(double[][] fit) {
        TimeSeries s = series;
        int n = s.rows(), d = s.dim();
        double[][] obs = new double[d][n], fitted = fit == null ? null : new double[d][n];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < d; c++) {
                obs[c][i] = s.y()[i][c];
                if (fitted != null) {
                    fitted[c][i] = fit[i][c];
                }
            }
        }
        JFreeChart first;
        if (d >= 2) {
            // Two quantities in their own units: no equal aspect, unlike the spiral's phase plane.
            List<Curves.Series> ph =
                    new ArrayList<>(
                            List.of(Curves.Series.points("observed", obs[0], obs[1]).colour(0)));
            if (fitted != null) {
                ph.add(Curves.Series.line("fitted", fitted[0], fitted[1]).colour(3));
            }
            first =
                    Curves.chart(
                            s.names().get(1)
                                    + " against "
                                    + s.names().get(0)
                                    + (fit == null ? ": observations" : ": observations and fit"),
                            s.names().get(0),
                            false,
                            List.of(new Curves.Panel(s.names().get(1), Curves.Scale.LINEAR, ph)));
        } else {
            List<Curves.Series> res = new ArrayList<>();
            if (fitted != null) {
                double[] r = new double[n];
                for (int i = 0; i < n; i++) {
                    r[i] = fitted[0][i] - obs[0][i];
                }
                res.add(Curves.Series.points("fit - observation", s.t(), r).colour(3));
            }
            first =
                    Curves.chart(
                            "residual",
                            "t",
                            false,
                            List.of(new Curves.Panel(s.names().get(0), Curves.Scale.LINEAR, res)));
        }
        List<Curves.Panel> panels = new ArrayList<>();
        for (int c = 0; c < Math.min(d, 6); c++) {
            // Each component its own colour pair: observed points in a dark shade, the fit in a
            // bright one.
            int[][] pairs = {{0, 3}, {2, 1}, {4, 5}};
            int[] pair = pairs[c % pairs.length];
            List<Curves.Series> ser =
                    new ArrayList<>(
                            List.of(
                                    Curves.Series.points(
                                                    s.names().get(c) + " observed", s.t(), obs[c])
                                            .colour(pair[0])));
            if (fitted != null) {
                ser.add(
                        Curves.Series.line(s.names().get(c) + " fitted", s.t(), fitted[c])
                                .colour(pair[1]));
            }
            panels.add(new Curves.Panel(s.names().get(c), Curves.Scale.LINEAR, ser));
        }
        return new JFreeChart[] {
            first,
            Curves.chart(
                    "components against time" + (d > 6 ? " (first 6)" : ""), "t", false, panels)
        };
    }

    /** The fitted trajectory from the true y0, {y1[], y2[]}; called on the training thread. */
    private static double[][] fitted(SpiralTraining t) {
        double[] y = t.fittedTrajectory().toDoubleArray();
        int m = y.length / 2;
        double[][] out = new double[2][m];
        for (int i = 0; i < m; i++) {
            out[0][i] = y[2 * i];
            out[1][i] = y[2 * i + 1];
        }
        return out;
    }

    private void step(double step, double loss, double seconds, int total) {
        history.add(step, loss);
        controls.showProgress(
                step,
                total,
                String.format(
                        Locale.ROOT, seriesFit != null ? "batch MSE %.4g" : "batch L1 %.4f", loss),
                seconds);
        long now = System.nanoTime();
        if (now - lastRefresh > REFRESH_NANOS) {
            lastRefresh = now;
            drawCurves();
        }
    }

    private void drawCurves() {
        double[] es = evals.stream().mapToDouble(e -> e[0]).toArray(),
                ev = evals.stream().mapToDouble(e -> e[1]).toArray();
        if (seriesFit != null) {
            // Different quantities, different panels: the batch loss on standardised data, the RMSE
            // in the data's units.
            List<Curves.Series> rmse =
                    evals.isEmpty()
                            ? List.of()
                            : List.of(
                                    Curves.Series.points("whole-series RMSE (data units)", es, ev)
                                            .colour(3));
            curves.setChart(
                    Curves.chart(
                            "training",
                            "step",
                            false,
                            List.of(
                                    new Curves.Panel(
                                            "batch MSE",
                                            Curves.Scale.AUTO,
                                            List.of(
                                                    Curves.Series.line(
                                                            "batch MSE (standardised data)",
                                                            history.steps(),
                                                            history.losses()))),
                                    new Curves.Panel("RMSE", Curves.Scale.AUTO, rmse))));
            return;
        }
        List<Curves.Series> s = new ArrayList<>();
        s.add(Curves.Series.line("batch L1", history.steps(), history.losses()));
        if (!evals.isEmpty()) {
            s.add(Curves.Series.points("full-trajectory L1", es, ev).colour(3));
        }
        curves.setChart(
                Curves.chart(
                        "training",
                        "step",
                        false,
                        List.of(new Curves.Panel("L1 loss", Curves.Scale.AUTO, s))));
    }

    /**
     * Phase plane and components as charts; fit and t null before the first evaluation. Safe off
     * the FX thread.
     */
    private JFreeChart[] trajectoryCharts(double[][] fit, SpiralTraining t) {
        double[] y = truth.trueTrajectory().toDoubleArray(), ts = truth.times().toDoubleArray();
        int m = y.length / 2;
        double[] a = new double[m], b = new double[m];
        for (int i = 0; i < m; i++) {
            a[i] = y[2 * i];
            b[i] = y[2 * i + 1];
        }
        PhasePlane p =
                PhasePlane.of(
                                "phase plane"
                                        + (t == null
                                                ? ": true trajectory"
                                                : ": true, learned, learned field"),
                                "y1",
                                "y2")
                        .curve("true", a, b, false);
        List<Curves.Series> comps =
                new ArrayList<>(
                        List.of(
                                Curves.Series.line("y1 true", ts, a).colour(0),
                                Curves.Series.line("y2 true", ts, b).colour(2)));
        if (fit != null) {
            p.curve("learned", fit[0], fit[1], true).field(points -> learnedField(t, points), 15);
            comps.add(Curves.Series.line("y1 learned", ts, fit[0]).colour(3));
            comps.add(Curves.Series.line("y2 learned", ts, fit[1]).colour(1));
        }
        return new JFreeChart[] {
            p.chart(),
            Curves.chart(
                    "components against time",
                    "t",
                    false,
                    List.of(new Curves.Panel("y", Curves.Scale.LINEAR, comps)))
        };
    }

    private void drawTrajectories(double[][] fit, SpiralTraining t) {
        JFreeChart[] c = trajectoryCharts(fit, t);
        phase.setChart(c[0]);
        time.setChart(c[1]);
    }

    /**
     * The learned right-hand side at the points {x0, y0, x1, y1, ...}; called on the training
     * thread.
     */
    private static double[] learnedField(SpiralTraining t, double[] points) {
        try (Grad.Scope g = Grad.noGrad()) {
            var model = t.model().field();
            DType dt = model.parameters().values().iterator().next().value().dtype();
            return model.forward(Tensor.of(DType.FLOAT64, points, points.length / 2, 2).to(dt))
                    .toDoubleArray();
        }
    }
}
