package org.implicitlayers.gui.pde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.stage.Stage;
import org.implicitlayers.examples.cli.ImplicitCli;
import org.implicitlayers.ritz.ProblemFile;
import org.implicitlayers.ritz.ProblemSpec;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The PDE workbench driven through its controls, headless (Monocle). */
@ExtendWith(ApplicationExtension.class)
class PdeWorkbenchTest {
    @TempDir static Path tmp;

    private PdeWorkbench bench;

    @Start
    void start(Stage stage) throws Exception {
        bench =
                new PdeWorkbench(
                        Files.createDirectories(tmp.resolve("session-" + System.nanoTime())));
        stage.setScene(new Scene(bench, 1400, 900));
        stage.show();
    }

    /** Types into a text field as a user would: scroll the form to it, select all, then type. */
    private void type(FxRobot robot, String query, String text) {
        Node n = robot.lookup(query).query();
        robot.interact(
                () -> {
                    javafx.scene.control.ScrollPane sp = bench.form;
                    javafx.geometry.Bounds b =
                            sp.getContent().sceneToLocal(n.localToScene(n.getBoundsInLocal()));
                    double room =
                            sp.getContent().getBoundsInLocal().getHeight()
                                    - sp.getViewportBounds().getHeight();
                    if (room > 0) {
                        sp.setVvalue(Math.max(0, Math.min(1, (b.getMinY() - 40) / room)));
                    }
                });
        WaitForAsyncUtils.waitForFxEvents();
        robot.clickOn(query)
                .press(javafx.scene.input.KeyCode.CONTROL)
                .type(javafx.scene.input.KeyCode.A)
                .release(javafx.scene.input.KeyCode.CONTROL)
                .write(text);
    }

    /** A small, fast version of the settings (tests run on a busy 2-core machine). */
    private void smallSettings(FxRobot robot, int steps) {
        robot.interact(
                () -> {
                    bench.form.width.set(12);
                    bench.form.depth.set(1);
                    bench.form.interior.set(128);
                    bench.form.boundaryPoints.set(64);
                    bench.form.evalEvery.set(20);
                });
        type(robot, "#steps", Integer.toString(steps));
    }

    private static int distinctColours(Node node, FxRobot robot) {
        BufferedImage[] img = new BufferedImage[1];
        robot.interact(() -> img[0] = SwingFXUtils.fromFXImage(node.snapshot(null, null), null));
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img[0].getHeight(); y += 3) {
            for (int x = 0; x < img[0].getWidth(); x += 3) {
                colours.add(img[0].getRGB(x, y));
            }
        }
        return colours.size();
    }

    private void awaitEnd(long seconds) throws Exception {
        WaitForAsyncUtils.waitFor(seconds, TimeUnit.SECONDS, () -> !bench.runningProperty().get());
        WaitForAsyncUtils.waitForFxEvents();
    }

    @Test
    void poissonPosedThroughTheControlsTrainsAndDrawsTheMapsAndCurves(FxRobot robot)
            throws Exception {
        // The unit square is the default domain; type the equation, the boundary value and the
        // exact solution.
        type(robot, "#problem-name", "poisson-typed");
        type(robot, "#pde-f-text", "2*pi^2*sin(pi*x)*sin(pi*y)");
        type(robot, "#bc0-g-text", "0");
        type(robot, "#exact-text", "sin(pi*x)*sin(pi*y)");
        smallSettings(robot, 40);
        assertFalse(
                robot.lookup("#run").queryButton().isDisabled(),
                "Run is enabled for a valid problem: " + bench.messageText());
        robot.clickOn("#run");
        assertTrue(bench.runningProperty().get() || bench.shownRun() != null);
        awaitEnd(120);
        RunRecord r = bench.shownRun();
        assertEquals("done", r.status.get(), bench.messageText());
        assertEquals("40", r.steps.get());
        double l2 = Double.parseDouble(r.relL2.get());
        assertTrue(l2 > 0 && l2 < 2, "rel L2 " + l2);
        // The heat maps are drawn: many colours in the solution and error panes; the curves hold
        // every step's loss.
        assertTrue(distinctColours(bench.solutionView, robot) > 60, "solution map drawn");
        assertTrue(distinctColours(bench.errorView, robot) > 60, "error map drawn");
        XYPlot loss =
                (XYPlot)
                        ((CombinedDomainXYPlot) bench.curvesView.chart().getPlot())
                                .getSubplots()
                                .get(0);
        assertEquals(40, loss.getDataset().getItemCount(0));
        XYPlot errors =
                (XYPlot)
                        ((CombinedDomainXYPlot) bench.curvesView.chart().getPlot())
                                .getSubplots()
                                .get(1);
        assertEquals(2, errors.getDataset().getSeriesCount(), "rel_l2 and rel_h1 curves");
        assertEquals(1, bench.runs.getItems().size());
        // The hover read-out at the centre of the square gives u there.
        String read = PdeWorkbench.readout(r.grid, 0.5, 0.5);
        assertTrue(read.startsWith("x = 0.5000  y = 0.5000  u = "), read);
    }

    /**
     * The names of the files in {@code dir}, less the run's own bookkeeping (checkpoint, identity,
     * a sweep's result record).
     */
    private static java.util.SortedSet<String> outputNames(Path dir) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            java.util.SortedSet<String> names =
                    new java.util.TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
            names.removeAll(Set.of("checkpoint.npz", "run-identity.txt", "result.json"));
            return names;
        }
    }

    @Test
    void theExportTheCommandLineAndASweepRunWriteTheSameFiles(FxRobot robot) throws Exception {
        robot.interact(() -> bench.loadBuiltIn("poisson-square"));
        smallSettings(robot, 20);
        robot.clickOn("#run");
        awaitEnd(120);
        assertEquals("done", bench.shownRun().status.get(), bench.messageText());
        Path exported = tmp.resolve("export-" + System.nanoTime());
        robot.interact(
                () -> {
                    try {
                        bench.exportRun(exported);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
        Path file = tmp.resolve("same-files.json");
        Files.writeString(file, bench.form.toJson().toPrettyString());
        Path cli = tmp.resolve("cli-" + System.nanoTime());
        assertEquals(
                0,
                ImplicitCli.execute("ritz", file.toString(), "--quiet", "--out", cli.toString()));
        Path runs = tmp.resolve("sweep-" + System.nanoTime());
        org.implicitlayers.sweep.Run run =
                new org.implicitlayers.sweep.Run(0, "r0", "{}", Files.readString(file));
        org.implicitlayers.sweep.RunResult r =
                org.implicitlayers.sweep.RunExecutor.execute(
                        org.implicitlayers.sweep.RunKind.named("ritz"), run, runs, 0);
        assertEquals(org.implicitlayers.sweep.RunStatus.OK, r.status(), r.error());
        java.util.SortedSet<String> fromGui = outputNames(exported);
        assertTrue(
                fromGui.containsAll(
                        List.of(
                                "problem.json",
                                "params.npz",
                                "metrics.csv",
                                "eval.csv",
                                "curves.png",
                                "solution.png",
                                "error.png",
                                "solution.vtk",
                                "solution.csv")),
                fromGui.toString());
        assertEquals(fromGui, outputNames(cli), "the command line writes what the export writes");
        assertEquals(
                fromGui,
                outputNames(runs.resolve("r0")),
                "a sweep's run writes what the export writes");
    }

    @Test
    void cancelStopsTheRunPromptlyAndKeepsWhatWasTrained(FxRobot robot) throws Exception {
        robot.interact(() -> bench.loadBuiltIn("poisson-disk"));
        smallSettings(robot, 1_000_000);
        robot.interact(() -> bench.form.evalEvery.set(100_000));
        long[] pressed = {0};
        bench.cancel.addEventHandler(
                javafx.event.ActionEvent.ACTION, e -> pressed[0] = System.nanoTime());
        robot.clickOn("#run");
        WaitForAsyncUtils.waitFor(
                120,
                TimeUnit.SECONDS,
                () ->
                        bench.shownRun() != null
                                && Long.parseLong(bench.shownRun().steps.get()) >= 5);
        robot.clickOn("#cancel");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> !bench.runningProperty().get());
        double seconds = (bench.trainingEndedAt() - pressed[0]) / 1e9;
        WaitForAsyncUtils.waitForFxEvents();
        RunRecord r = bench.shownRun();
        assertEquals("cancelled", r.status.get());
        long steps = Long.parseLong(r.steps.get());
        assertTrue(steps >= 5 && steps < 1_000_000, "steps " + steps);
        // Training stops after the current step (milliseconds here); the final evaluation and maps
        // of what was
        // trained follow. The bound is one of liveness, not speed: a loaded machine was seen taking
        // 1.4 s, while a
        // run that ignored Cancel would go on for its million steps.
        assertTrue(seconds > 0 && seconds < 15, "training stopped " + seconds + " s after Cancel");
        assertNotNull(r.grid, "the solution of what was trained is kept and drawn");
        assertTrue(distinctColours(bench.solutionView, robot) > 60);
        assertFalse(robot.lookup("#run").queryButton().isDisabled(), "Run is available again");
    }

    @Test
    void aFormulaWithATypoShowsWhereAndKeepsRunDisabled(FxRobot robot) {
        robot.interact(() -> bench.loadBuiltIn("poisson-square"));
        assertFalse(robot.lookup("#run").queryButton().isDisabled());
        type(robot, "#pde-f-text", "2*pi^2*sin(pi*x*sin(pi*y)");
        javafx.scene.control.Label err =
                robot.lookup("#pde-f-error").queryAs(javafx.scene.control.Label.class);
        assertTrue(err.isVisible());
        assertTrue(err.getText().contains("column"), err.getText());
        assertTrue(
                robot.lookup("#run").queryButton().isDisabled(),
                "Run stays disabled while a formula is wrong");
        assertTrue(bench.messageText().startsWith("Cannot run: pde.f:"), bench.messageText());
        type(robot, "#pde-f-text", "2*pi^2*sin(pi*x)*sin(pi*y)");
        assertFalse(err.isVisible());
        assertFalse(robot.lookup("#run").queryButton().isDisabled());
        // An unknown name is pointed at as well.
        type(robot, "#exact-text", "sin(pi*q)");
        assertTrue(
                robot.lookup("#exact-error")
                        .queryAs(javafx.scene.control.Label.class)
                        .getText()
                        .contains("column"));
        assertTrue(robot.lookup("#run").queryButton().isDisabled());
    }

    @Test
    void aProblemSavedFromTheGuiRunsInTheCommandLineTool(FxRobot robot) throws Exception {
        // An annulus with a Robin condition on the inner circle, set up in the form.
        robot.interact(
                () -> {
                    bench.form.domain.type.setValue(DomainEditor.ANNULUS);
                    bench.form.domain.r1.set(0.4);
                    bench.form.domain.r2.set(1);
                    bench.form.name.setText("annulus-from-gui");
                    bench.form.a.setText("1 + x^2 + y^2");
                    bench.form.f.setText("-8*(x^2 + y^2) - 4");
                    bench.form.exact.setText("x^2 + y^2 - 1");
                });
        robot.clickOn("#bc-add");
        robot.interact(
                () -> {
                    BoundaryRow inner = bench.form.rows.get(0);
                    inner.type.setValue("robin");
                    inner.alpha.setText("1");
                    inner.g.setText("-2");
                    inner.where.setText("0.7 - r");
                    bench.form.rows.get(1).g.setText("0");
                });
        assertFalse(robot.lookup("#run").queryButton().isDisabled(), bench.messageText());
        Path file = tmp.resolve("annulus-from-gui.json");
        robot.interact(
                () -> {
                    try {
                        bench.save(file);
                    } catch (java.io.IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
        ProblemSpec spec = ProblemFile.load(file);
        assertEquals("annulus-from-gui", spec.name());
        assertEquals(Math.PI * (1 - 0.16), spec.problem().domain().measure(), 1e-9);
        // The command-line tool runs it.
        Path out = tmp.resolve("cli-out");
        int rc =
                ImplicitCli.execute(
                        "ritz",
                        file.toString(),
                        "--steps",
                        "10",
                        "--quiet",
                        "--out",
                        out.toString());
        assertEquals(0, rc);
        assertNotNull(javax.imageio.ImageIO.read(out.resolve("solution.png").toFile()));
        // Opening the file again shows the same problem.
        String saved = Files.readString(file);
        robot.interact(() -> bench.loadBuiltIn("poisson-square"));
        robot.interact(() -> bench.open(file));
        assertEquals(saved.trim(), bench.form.toJson().toPrettyString());
    }

    @Test
    void aThreeDimensionalProblemIsShownOnASliceThatTheSliderMoves(FxRobot robot) throws Exception {
        Path file = Path.of("..", "examples", "ball-3d.json");
        robot.interact(() -> bench.open(file));
        assertEquals(
                DomainEditor.JSON_TYPE,
                bench.form.domain.type.getValue(),
                "a 3-D ball is shown as JSON");
        smallSettings(robot, 20);
        robot.clickOn("#run");
        awaitEnd(120);
        RunRecord r = bench.shownRun();
        assertEquals("done", r.status.get(), bench.messageText());
        String title = bench.solutionView.chart().getTitle().getText();
        assertTrue(title.contains("on z = 0"), title);
        // The middle slice of the unit ball is the unit disk: blank in the corners of its square.
        assertTrue(Double.isNaN(r.grid.u()[0][0]) && !Double.isNaN(r.grid.u()[40][40]));
        robot.interact(() -> bench.slice.setValue(0.9));
        WaitForAsyncUtils.waitForFxEvents();
        String moved = bench.solutionView.chart().getTitle().getText();
        assertTrue(moved.contains("on z = 0.8"), moved);
        // Exact solution on the slice z = 0.8: 1 - x^2 - y^2 - 0.64 at the centre.
        assertEquals(0.36, r.grid.exact()[40][40], 1e-9);
    }

    @Test
    void aPolygonClickedOnThePreviewBecomesTheDomain(FxRobot robot) throws Exception {
        robot.interact(() -> bench.form.domain.type.setValue(DomainEditor.POLYGON));
        WaitForAsyncUtils.sleep(600, TimeUnit.MILLISECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        org.jfree.chart.fx.ChartViewer preview = robot.lookup("#domain-preview-chart").query();
        robot.interact(() -> bench.form.setVvalue(0));
        WaitForAsyncUtils.waitForFxEvents();
        // Three clicks inside the plot's data area, a triangle; each vertex redraws the preview, so
        // wait between clicks.
        java.awt.geom.Rectangle2D area =
                preview.getCanvas().getRenderingInfo().getPlotInfo().getDataArea();
        javafx.geometry.Point2D origin = preview.getCanvas().localToScreen(0, 0);
        double[][] at = {{0.3, 0.7}, {0.7, 0.7}, {0.5, 0.3}};
        for (double[] f : at) {
            robot.clickOn(
                    new javafx.geometry.Point2D(
                            origin.getX() + area.getX() + f[0] * area.getWidth(),
                            origin.getY() + area.getY() + f[1] * area.getHeight()));
            WaitForAsyncUtils.sleep(400, TimeUnit.MILLISECONDS);
            WaitForAsyncUtils.waitForFxEvents();
        }
        String[] lines = bench.form.domain.vertices.getText().split("\\R");
        assertEquals(3, lines.length, bench.form.domain.vertices.getText());
        org.implicitlayers.ritz.domain.Domain d = bench.form.domain.build();
        assertTrue(d.measure() > 0, "a triangle of positive area");
        assertEquals("polygon", bench.form.toJson().get("domain").get("type").asText());
        assertEquals(3, bench.form.toJson().get("domain").get("vertices").size());
    }

    /**
     * The problem file without the coefficients the form always writes at their neutral values (a =
     * 1, c = 0).
     */
    private static com.fasterxml.jackson.databind.JsonNode canonical(ProblemSpec spec) {
        com.fasterxml.jackson.databind.node.ObjectNode j = ProblemFile.toJson(spec);
        com.fasterxml.jackson.databind.node.ObjectNode pde =
                (com.fasterxml.jackson.databind.node.ObjectNode) j.get("pde");
        if (pde != null) {
            if ("1".equals(pde.path("a").asText())) {
                pde.remove("a");
            }
            if ("0".equals(pde.path("c").asText())) {
                pde.remove("c");
            }
        }
        return j;
    }

    @Test
    void everyBuiltInAndExampleFileShownInTheFormIsWrittenBackAsTheSameProblem(FxRobot robot)
            throws Exception {
        java.util.List<com.fasterxml.jackson.databind.JsonNode> files = new java.util.ArrayList<>();
        for (String name : org.implicitlayers.ritz.Examples.names()) {
            files.add(BuiltInProblems.json(name));
        }
        try (java.util.stream.Stream<Path> s = Files.list(Path.of("..", "examples"))) {
            for (Path f :
                    s.filter(
                                    p ->
                                            p.toString().endsWith(".json")
                                                    && !p.getFileName()
                                                            .toString()
                                                            .startsWith("sweep"))
                            .sorted()
                            .toList()) {
                files.add(
                        new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree(Files.readString(f)));
            }
        }
        // And one with refinement and a composite domain, which the form has no dedicated controls
        // for.
        files.add(
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(
                                "{\"name\": \"holed\", \"domain\": {\"type\": \"difference\", "
                                        + "\"of\": [{\"type\": \"box\", \"lo\": [0.0, 0.0], \"hi\": [1.0, 1.0]}, {\"type\": \"ball\", \"center\": [0.5, 0.5], "
                                        + "\"radius\": 0.25}]}, \"pde\": {\"f\": \"1\"}, \"boundary\": [{\"type\": \"dirichlet\", \"g\": \"0\"}], \"method\": \"pinn\", "
                                        + "\"sampling\": {\"rar_every\": 100, \"rar_points\": 32}}"));
        for (com.fasterxml.jackson.databind.JsonNode file : files) {
            ProblemSpec original = ProblemFile.read(file, "original");
            com.fasterxml.jackson.databind.node.ObjectNode[] written = {null};
            robot.interact(
                    () -> {
                        bench.form.fromJson(file);
                        written[0] = bench.form.toJson();
                    });
            ProblemSpec back = ProblemFile.read(written[0], "the form");
            assertEquals(original.options(), back.options(), original.name());
            assertEquals(canonical(original), canonical(back), original.name());
        }
    }

    @Test
    void aDifferenceOfShapesIsDrawnInThePreview(FxRobot robot) throws Exception {
        robot.interact(
                () ->
                        bench.form.domain.fromJson(
                                ProblemFile.domainJson(
                                        new org.implicitlayers.ritz.domain.Csg(
                                                org.implicitlayers.ritz.domain.Csg.Op.DIFFERENCE,
                                                new org.implicitlayers.ritz.domain.Box(
                                                        new double[] {0, 0}, new double[] {2, 1}),
                                                new org.implicitlayers.ritz.domain.Ball(
                                                        new double[] {1, 0.5}, 0.3)))));
        WaitForAsyncUtils.sleep(600, TimeUnit.MILLISECONDS);
        WaitForAsyncUtils.waitForFxEvents();
        assertEquals(DomainEditor.JSON_TYPE, bench.form.domain.type.getValue());
        assertNotNull(bench.form.domain.previewPane.chart(), "drawn, not 'No preview'");
        // The hole is blank and the rest filled: the drawing is of this domain.
        org.jfree.chart.plot.XYPlot plot =
                (org.jfree.chart.plot.XYPlot) bench.form.domain.previewPane.chart().getPlot();
        assertEquals(0.0, plot.getDomainAxis().getLowerBound(), 0.1);
        assertEquals(2.0, plot.getDomainAxis().getUpperBound(), 0.1);
        assertTrue(bench.form.domain.current().contains(new double[] {0.2, 0.5}));
        assertFalse(bench.form.domain.current().contains(new double[] {1.0, 0.5}));
    }

    @Test
    void eachMetricKeepsItsColourWhateverOrderARunReportsItIn() {
        com.fasterxml.jackson.databind.node.ObjectNode problem =
                new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode()
                        .put("name", "p");
        RunRecord a = new RunRecord(1, problem, null), b = new RunRecord(2, problem, null);
        java.util.Map<String, Double> l2First = new java.util.LinkedHashMap<>(),
                h1First = new java.util.LinkedHashMap<>();
        l2First.put("rel_l2", 0.1);
        l2First.put("rel_h1", 0.2);
        h1First.put("rel_h1", 0.2);
        h1First.put("rel_l2", 0.1);
        a.addMetrics(10, l2First);
        b.addMetrics(10, h1First);
        java.awt.Paint[] l2 = new java.awt.Paint[2], h1 = new java.awt.Paint[2];
        int k = 0;
        for (RunRecord r : List.of(a, b)) {
            XYPlot errors =
                    (XYPlot)
                            ((CombinedDomainXYPlot) PdeWorkbench.curvesChart(r).getPlot())
                                    .getSubplots()
                                    .get(1);
            for (int s = 0; s < errors.getDataset().getSeriesCount(); s++) {
                String key = errors.getDataset().getSeriesKey(s).toString();
                (key.equals("rel_l2") ? l2 : h1)[k] = errors.getRenderer().getSeriesPaint(s);
            }
            k++;
        }
        assertEquals(l2[0], l2[1]);
        assertEquals(h1[0], h1[1]);
        assertNotEquals(l2[0], h1[0]);
        // A Ritz energy (falling to a negative plateau) is drawn as its gap to the minimum, under a
        // label short enough for the panel.
        for (int i = 1; i <= 400; i++) {
            a.losses.add(i, -2.47 + 7 * Math.exp(-i / 20.0) + 1e-3 * Math.sin(i));
        }
        XYPlot loss =
                (XYPlot)
                        ((CombinedDomainXYPlot) PdeWorkbench.curvesChart(a).getPlot())
                                .getSubplots()
                                .get(0);
        String label = loss.getRangeAxis().getLabel();
        assertTrue(label.length() < 25 && label.contains("min"), label);
        assertTrue(
                loss.getRangeAxis() instanceof org.jfree.chart.axis.LogAxis
                        || loss.getRangeAxis().getClass().getSimpleName().contains("Log"),
                loss.getRangeAxis().getClass().getName());
    }

    @Test
    void theLineProbeSaysWhereItIsAndShowsTheExactSolutionOverTheNetworks(FxRobot robot)
            throws Exception {
        robot.interact(() -> bench.loadBuiltIn("poisson-square"));
        smallSettings(robot, 15);
        robot.clickOn("#run");
        awaitEnd(120);
        robot.interact(() -> bench.probeClick(new double[] {0.1, 0.2}));
        assertTrue(bench.statusText().contains("click its end"), bench.statusText());
        robot.interact(() -> bench.probeClick(new double[] {0.9, 0.7}));
        assertTrue(
                bench.statusText().contains("to (0.900, 0.700)")
                        && bench.statusText().contains("Line probe tab"),
                bench.statusText());
        XYPlot plot =
                (XYPlot)
                        ((CombinedDomainXYPlot) bench.probeView.chart().getPlot())
                                .getSubplots()
                                .get(0);
        assertEquals("u_exact", plot.getDataset().getSeriesKey(0));
        var r = (org.jfree.chart.renderer.xy.XYLineAndShapeRenderer) plot.getRenderer();
        assertTrue(
                r.getSeriesShapesVisible(0) && !r.getSeriesLinesVisible(0),
                "the exact solution as markers");
        assertEquals(
                org.jfree.chart.plot.SeriesRenderingOrder.REVERSE,
                plot.getSeriesRenderingOrder(),
                "series 0 drawn last, on top");
        // Its values are the exact solution sin(pi x) sin(pi y) on the segment.
        double len = Math.hypot(0.8, 0.5);
        for (int i = 0; i < plot.getDataset().getItemCount(0); i++) {
            double f = plot.getDataset().getXValue(0, i) / len,
                    x = 0.1 + 0.8 * f,
                    y = 0.2 + 0.5 * f;
            assertEquals(
                    Math.sin(Math.PI * x) * Math.sin(Math.PI * y),
                    plot.getDataset().getYValue(0, i),
                    2e-3);
        }
    }

    @Test
    void aLongErrorMessageIsShownWholeNotCutOff(FxRobot robot) {
        robot.interact(() -> bench.loadBuiltIn("poisson-square"));
        type(
                robot,
                "#pde-f-text",
                "2*pi^2*sin(pi*x*sin(pi*y)) + a_rather_long_name_that_is_not_a_variable_of_the_problem*x");
        WaitForAsyncUtils.waitForFxEvents();
        String full = bench.messageText();
        assertTrue(full.startsWith("Cannot run: pde.f:") && full.length() > 60, full);
        javafx.scene.text.Text shown = (javafx.scene.text.Text) bench.message.lookup(".text");
        assertEquals(
                full,
                shown.getText(),
                "the label shows the whole message, wrapped, with no ellipsis");
    }
}
