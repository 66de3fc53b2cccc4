package org.implicitlayers.gui.sdf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javafx.application.Platform;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.geometry.Insets;
import javafx.geometry.Orientation;
import javafx.scene.control.Button;
import javafx.scene.control.ComboBox;
import javafx.scene.control.Label;
import javafx.scene.control.Slider;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextField;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.gui.common.Fields;
import org.implicitlayers.gui.common.LossHistory;
import org.implicitlayers.gui.common.RunControls;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.Grid2;
import org.implicitlayers.plot.HeatMap;
import org.implicitlayers.sdf.fit.SdfFit;
import org.implicitlayers.sdf.fit.SdfModel;
import org.implicitlayers.sdf.io.BuiltinClouds;
import org.implicitlayers.sdf.io.GeometryReader;
import org.implicitlayers.sdf.io.MeshWriter;
import org.implicitlayers.sdf.io.Normalization;
import org.implicitlayers.sdf.io.PointCloud;
import org.implicitlayers.sdf.mesh.GridSampler;
import org.implicitlayers.sdf.mesh.Mesh;
import org.implicitlayers.sdf.net.IgrNetwork;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.fx.ChartViewer;

/**
 * The signed distance field workbench: a point cloud (a built-in shape, the bunny, or a PLY, OBJ,
 * OFF, STL or XYZ(N) file) shown in 3-D; an IGR fit ({@link SdfFit}, the library's pipeline) on a
 * background thread with a live loss curve; then the mesh extracted by marching cubes, shaded in
 * 3-D, beside a slice of the learned field with its zero contour. The mesh exports as OBJ, PLY or
 * STL.
 */
public final class SdfWorkbench extends BorderPane {
    private static final long REFRESH_NANOS = 400_000_000L;

    final ComboBox<String> cloudName = new ComboBox<>();
    final TextField points =
            Fields.text(
                    "sdf-points",
                    "2000",
                    "Surface samples of a built-in analytic shape (default 2000; the bunny has its own 1839).");
    final TextField width =
            Fields.text(
                    "sdf-width",
                    "64",
                    "Hidden width of the IGR network (the library's default is 256; 64 trains in seconds).");
    final TextField depth = Fields.text("sdf-depth", "4", "Hidden layers (default 4).");
    final TextField steps =
            Fields.text(
                    "sdf-steps",
                    "400",
                    "Adam steps (lr 1e-3), default 400 here (2000 in the benchmark).");
    final TextField resolution =
            Fields.text(
                    "sdf-resolution",
                    "64",
                    "Marching-cubes grid nodes per side over [-1.1, 1.1]^3 (default 64).");
    final TextField seed =
            Fields.text("sdf-seed", "0", "Seed of the initialisation and the samples (default 0).");
    final RunControls controls =
            new RunControls(
                    "sdf-",
                    "Fit",
                    "Fit a neural SDF to the cloud with these settings, then extract its mesh.",
                    new javafx.beans.property.SimpleBooleanProperty(true));
    final Button run = controls.run;
    final Label status = controls.status;
    final Label message = controls.message;
    final Slider sliceZ = new Slider(-1, 1, 0);
    final MeshView3d view = new MeshView3d();
    final ChartViewer slice = new ChartViewer(null);
    final ChartViewer curves = new ChartViewer(null);
    private PointCloud cloud;
    private Path cloudFile;

    /**
     * The folder of this session's fits (fit-1, fit-2, ...: each a run folder with its lock and
     * checkpoint).
     */
    private final Path sessionDir;

    private int fits;

    /** The fit running now, or the last one. */
    private volatile RunContext job;

    private SdfModel model;
    private Mesh mesh;
    private final LossHistory history = new LossHistory();
    private long lastRefresh;
    private String lastResult = "";

    /** A workbench whose fits run in a new temporary folder. */
    public SdfWorkbench() {
        this(temporaryFolder());
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("implicit-sdf-");
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot create a temporary folder for the fits: " + e.getMessage(), e);
        }
    }

    /**
     * @param sessionDir where each fit runs as a job (fit-1, fit-2, ...: the run lock and
     *     checkpoint)
     */
    public SdfWorkbench(Path sessionDir) {
        this.sessionDir = sessionDir;
        setId("sdf-workbench");
        cloudName.setId("sdf-cloud");
        cloudName.getItems().addAll("sphere", "torus", "box", "bunny");
        cloudName.setValue("torus");
        cloudName.setTooltip(
                new Tooltip(
                        "A built-in cloud: samples of an analytic sphere, torus or box with exact normals, or the"
                                + " Stanford bunny (shared/data/bunny.xyzn). Default: torus."));
        cloudName.valueProperty().addListener((o, a, b) -> loadBuiltIn());
        status.setText("Pick a point cloud and press Fit.");
        run.setOnAction(e -> start());
        controls.cancel.setOnAction(
                e -> {
                    RunContext j = job;
                    if (j != null) {
                        j.cancel();
                    }
                    status.setText("Cancelling...");
                });
        sliceZ.setId("sdf-slice-z");
        sliceZ.setShowTickLabels(true);
        sliceZ.setMajorTickUnit(0.5);
        sliceZ.setTooltip(
                new Tooltip(
                        "Height z of the slice through the field (normalised units: the cloud fits the unit ball)."));
        sliceZ.valueProperty().addListener((o, a, b) -> drawSlice());
        GridPane g = new GridPane();
        g.setHgap(6);
        g.setVgap(6);
        g.addRow(0, new Label("cloud"), cloudName);
        g.addRow(1, new Label("points"), points);
        g.addRow(2, new Label("width"), width);
        g.addRow(3, new Label("depth"), depth);
        g.addRow(4, new Label("steps"), steps);
        g.addRow(5, new Label("grid"), resolution);
        g.addRow(6, new Label("seed"), seed);
        Label about =
                new Label(
                        "Implicit geometric regularisation (Gropp et al. 2020): f = 0 on the points, grad f = the normals there,"
                                + " |grad f| = 1 elsewhere; softplus network with geometric initialisation. File > Open point cloud reads PLY, OBJ, OFF,"
                                + " STL and XYZ(N) (normals estimated when absent).");
        about.setWrapText(true);
        VBox left =
                new VBox(
                        12,
                        new Label("Signed distance field"),
                        about,
                        g,
                        new Label("slice height z"),
                        sliceZ);
        left.setPadding(new Insets(10));
        left.setPrefWidth(330);
        left.setMinWidth(280);
        slice.setId("sdf-slice");
        curves.setId("sdf-curves");
        SplitPane top = new SplitPane(view, slice);
        SplitPane right = new SplitPane(top, curves);
        right.setOrientation(Orientation.VERTICAL);
        right.setDividerPositions(0.62);
        SplitPane centre = new SplitPane(left, right);
        centre.setDividerPositions(0.22);
        setCenter(centre);
        setBottom(controls);
        loadBuiltIn();
    }

    public ReadOnlyBooleanProperty runningProperty() {
        return controls.runningProperty();
    }

    public void setSteps(int s) {
        steps.setText(Integer.toString(s));
    }

    public void pressRun() {
        run.fire();
    }

    /** How the last fit ended ("done", "cancelled", "failed: ..."), empty before. */
    public String lastResult() {
        return lastResult;
    }

    /** The extracted mesh of the last fit, or null. */
    public Mesh mesh() {
        return mesh;
    }

    private void loadBuiltIn() {
        try {
            int k = Integer.parseInt(points.getText().trim());
            showCloud(
                    BuiltinClouds.load(
                            cloudName.getValue(), k, Long.parseLong(seed.getText().trim())),
                    null);
        } catch (IOException | RuntimeException e) {
            message.setText("Cannot load " + cloudName.getValue() + ": " + e.getMessage());
        }
    }

    /** Opens a point cloud file (PLY, OBJ, OFF, STL, XYZ); errors name the file and line. */
    /**
     * Shows the cloud in {@code file}; false (and the reason in the message line) when it cannot be
     * read.
     */
    public boolean open(Path file) {
        try {
            showCloud(GeometryReader.readCloud(file), file);
            return true;
        } catch (IOException | RuntimeException e) {
            message.setText(e.getMessage());
            return false;
        }
    }

    /** The message line: the last error, or empty. */
    public String messageText() {
        return message.getText();
    }

    private void showCloud(PointCloud c, Path file) {
        cloud = c;
        cloudFile = file;
        model = null;
        mesh = null;
        message.setText("");
        PointCloud unit = c.normalized(Normalization.unitBall(c.points()));
        view.showPoints(unit.points(), 0.008);
        slice.setChart(emptySlice());
        status.setText(
                (file == null ? cloudName.getValue() : file.getFileName().toString())
                        + ": "
                        + c.size()
                        + " points"
                        + (c.hasNormals() ? " with normals" : "")
                        + ". Press Fit.");
    }

    private static JFreeChart emptySlice() {
        return Curves.chart(
                "SDF slice: after the fit",
                "x",
                false,
                List.of(new Curves.Panel("y", Curves.Scale.LINEAR, List.of())));
    }

    /** Writes the extracted mesh (OBJ, PLY or STL by extension). */
    public void exportMesh(Path file) throws IOException {
        if (mesh == null) {
            throw new IOException("no mesh yet: fit a field first");
        }
        MeshWriter.write(mesh, file);
        status.setText(
                "Wrote "
                        + file
                        + " ("
                        + mesh.vertexCount()
                        + " vertices, "
                        + mesh.faceCount()
                        + " faces).");
    }

    private void start() {
        int w, d, k, res;
        long s;
        try {
            w = Integer.parseInt(width.getText().trim());
            d = Integer.parseInt(depth.getText().trim());
            k = Integer.parseInt(steps.getText().trim());
            res = Integer.parseInt(resolution.getText().trim());
            s = Long.parseLong(seed.getText().trim());
            if (w < 1 || d < 1 || k < 1 || res < 8) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            message.setText(
                    "Cannot fit: width, depth and steps must be positive whole numbers, grid at least 8.");
            return;
        }
        if (cloud == null) {
            message.setText("Cannot fit: no point cloud.");
            return;
        }
        message.setText("");
        SdfFit.Options o =
                SdfFit.Options.defaults()
                        .withSteps(k)
                        .withSeed(s)
                        .withNetwork(
                                IgrNetwork.Options.defaults()
                                        .withSize(w, d)
                                        .withDtype(DType.FLOAT32))
                        .withGrid(GridSampler.Options.defaults().withResolution(res));
        RunContext h;
        try {
            h = RunContext.open(sessionDir.resolve("fit-" + (++fits)), false);
        } catch (IOException e) {
            message.setText("Cannot fit: " + e.getMessage());
            return;
        }
        job = h;
        history.clear();
        controls.setRunning(true);
        controls.progress.setProgress(0);
        PointCloud c = cloud;
        Thread t = new Thread(() -> fit(c, o, h, k), "sdf-fit");
        t.setDaemon(true);
        t.start();
    }

    private void fit(PointCloud c, SdfFit.Options o, RunContext h, int total) {
        try (h) {
            TrainingCallback cb =
                    new TrainingCallback() {
                        @Override
                        public void onStep(Trainer.StepInfo info) {
                            double step = info.step(),
                                    loss = info.loss(),
                                    sec = info.elapsedSeconds();
                            Platform.runLater(() -> step(step, loss, sec, total));
                        }
                    };
            h.callback(cb);
            SdfModel m = SdfFit.fit(c, o, h).model();
            boolean cancelled = h.cancelled();
            Platform.runLater(
                    () ->
                            status.setText(
                                    "Extracting the mesh (marching cubes on a "
                                            + o.grid().resolution()
                                            + "^3 grid)..."));
            SdfFit.Extraction e = SdfFit.extract(m, o.grid());
            JFreeChart sl = sliceChart(m, sliceZ.getValue());
            Platform.runLater(
                    () -> {
                        model = m;
                        mesh = e.mesh();
                        controls.setRunning(false);
                        lastResult = cancelled ? "cancelled" : "done";
                        Mesh u = e.normalizedMesh();
                        if (u.faceCount() > 0) {
                            view.showMesh(u.vertices(), u.faces(), Color.web("#c9b38f"));
                        }
                        slice.setChart(sl);
                        drawCurves();
                        status.setText(
                                String.format(
                                        Locale.ROOT,
                                        "%s: %d vertices, %d faces (marching cubes %.2f s). Drag to rotate, scroll to zoom.",
                                        cancelled ? "Cancelled; mesh of what was trained" : "Done",
                                        u.vertexCount(),
                                        u.faceCount(),
                                        e.extractSeconds()));
                    });
        } catch (Throwable e) {
            Platform.runLater(
                    () -> {
                        controls.setRunning(false);
                        lastResult = "failed: " + e;
                        message.setText(
                                "The fit failed: "
                                        + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    });
        }
    }

    private void step(double step, double loss, double seconds, int total) {
        history.add(step, loss);
        controls.showProgress(step, total, String.format(Locale.ROOT, "loss %.4g", loss), seconds);
        long now = System.nanoTime();
        if (now - lastRefresh > REFRESH_NANOS) {
            lastRefresh = now;
            drawCurves();
        }
    }

    private void drawCurves() {
        curves.setChart(
                Curves.chart(
                        "training",
                        "step",
                        false,
                        List.of(
                                new Curves.Panel(
                                        "IGR loss",
                                        Curves.Scale.AUTO,
                                        List.of(
                                                Curves.Series.line(
                                                        "loss",
                                                        history.steps(),
                                                        history.losses()))))));
    }

    private void drawSlice() {
        if (model != null && !controls.runningProperty().get()) {
            slice.setChart(sliceChart(model, sliceZ.getValue()));
        }
    }

    /** The learned field on the plane z = const (normalised units) with its zero contour. */
    static JFreeChart sliceChart(SdfModel m, double z) {
        int k = 121;
        double[] xs = Grid2.nodes(-1.1, 1.1, k);
        double[] xyz = new double[3 * k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                int q = i * k + j;
                xyz[3 * q] = xs[i];
                xyz[3 * q + 1] = xs[j];
                xyz[3 * q + 2] = z;
            }
        }
        float[] out = new float[k * k];
        m.normalizedField().evaluate(xyz, k * k, out);
        double[][] v = new double[k][k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                v[i][j] = out[i * k + j];
            }
        }
        return HeatMap.of(new Grid2(xs, xs, v))
                .diverging()
                .contour(0)
                .title(String.format(Locale.ROOT, "SDF slice z = %.2f, zero level in black", z))
                .valueLabel("f (normalised units)")
                .chart();
    }
}
