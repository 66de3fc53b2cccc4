package org.implicitlayers.gui;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javafx.animation.PauseTransition;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.embed.swing.SwingFXUtils;
import javafx.scene.Scene;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.BorderPane;
import javafx.stage.DirectoryChooser;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.util.Duration;
import javax.imageio.ImageIO;
import org.implicitlayers.gui.node.NodeWorkbench;
import org.implicitlayers.gui.pde.PdeWorkbench;
import org.implicitlayers.gui.sdf.SdfWorkbench;
import org.implicitlayers.ritz.Examples;

/**
 * The workbench window: a tab per application (variational PDE, signed distance field, neural ODE),
 * a menu to open and save problem files, load the built-in examples and export a run. With {@code
 * --demo poisson --screenshot FILE} it runs the Poisson example briefly through the Run button,
 * saves a screenshot of the window and exits.
 */
public final class WorkbenchApp extends Application {
    private Stage stage;
    private PdeWorkbench pde;
    private NodeWorkbench node;
    private SdfWorkbench sdf;
    private TabPane tabs;

    /**
     * How the demo ends: the exit status and, for a failure, why (the real application prints it
     * and exits the JVM).
     */
    @FunctionalInterface
    interface Exit {
        void exit(int status, String why);
    }

    private Exit exit =
            (status, why) -> {
                if (why != null) {
                    System.err.println("implicit gui: " + why);
                }
                Platform.exit();
                System.exit(status);
            };

    @Override
    public void start(Stage stage) throws IOException {
        start(stage, getParameters().getRaw(), null);
    }

    /**
     * Opens the window with these command-line arguments; {@code exit} (null: the JVM's) ends a
     * demo.
     */
    void start(Stage stage, List<String> args, Exit exit) throws IOException {
        if (exit != null) {
            this.exit = exit;
        }
        this.stage = stage;
        Path session = Files.createTempDirectory("implicit-gui-");
        pde = new PdeWorkbench(session);
        node = new NodeWorkbench(Files.createDirectories(session.resolve("node")));
        sdf = new SdfWorkbench(Files.createDirectories(session.resolve("sdf")));
        tabs =
                new TabPane(
                        new Tab("Variational PDE", pde),
                        new Tab("Signed distance field", sdf),
                        new Tab("Neural ODE", node));
        tabs.setId("workbenches");
        tabs.getTabs().forEach(t -> t.setClosable(false));
        BorderPane root = new BorderPane(tabs);
        root.setTop(menus());
        stage.setTitle("implicit-layers workbench");
        stage.setScene(new Scene(root, 1500, 940));
        stage.show();
        String open = option(args, "--open");
        String demo = option(args, "--demo");
        if (demo != null && !List.of("poisson", "sdf", "node").contains(demo)) {
            fail("--demo " + demo + ": available demos: poisson, sdf, node");
            return;
        }
        if (demo != null && open != null && !kindOf(Path.of(open)).equals(demo)) {
            fail(
                    "--open "
                            + open
                            + ": --demo "
                            + demo
                            + " runs "
                            + switch (demo) {
                                case "poisson" -> "a problem file (.json)";
                                case "node" -> "a time series (.csv)";
                                case "sdf" ->
                                        "a point cloud or mesh (.ply .obj .off .stl .xyz .xyzn)";
                                default -> throw new IllegalStateException(demo);
                            });
            return;
        }
        String openError = open == null ? null : open(Path.of(open));
        if (demo != null) {
            if (openError != null) {
                // The messages of the workbenches name the file already.
                fail("--open: " + openError);
                return;
            }
            runDemo(demo, option(args, "--screenshot"), option(args, "--steps"), open != null);
        } else if (open == null) {
            pde.loadBuiltIn("poisson-square");
        }
    }

    /**
     * The workbench (and demo name) a file belongs to, by its extension: poisson (a problem file),
     * node or sdf.
     */
    static String kindOf(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".csv")) {
            return "node";
        }
        return name.matches(".*\\.(ply|obj|off|stl|xyz|xyzn)") ? "sdf" : "poisson";
    }

    /**
     * Opens a file in the workbench its kind belongs to: a time series (.csv), a point cloud or
     * mesh, else a problem file. Returns null, or why the file could not be opened (also shown in
     * that workbench's message line), naming the file.
     */
    private String open(Path file) {
        switch (kindOf(file)) {
            case "node":
                tabs.getSelectionModel().select(2);
                return node.loadCsv(file) ? null : node.messageText();
            case "sdf":
                tabs.getSelectionModel().select(1);
                return sdf.open(file) ? null : sdf.messageText();
            default:
                tabs.getSelectionModel().select(0);
                if (!pde.open(file)) {
                    return pde.messageText();
                }
                // The form accepts some files that cannot run (it shows them for editing): check as
                // the command line does.
                try {
                    org.implicitlayers.ritz.ProblemFile.load(file);
                    return null;
                } catch (IOException | RuntimeException e) {
                    String m = e.getMessage() == null ? e.toString() : e.getMessage();
                    return m.startsWith(file.toString()) ? m : file + ": " + m;
                }
        }
    }

    /** The PDE workbench (for tests). */
    PdeWorkbench pdeWorkbench() {
        return pde;
    }

    private static String orElse(String v, String d) {
        return v == null ? d : v;
    }

    private static String option(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(name) && i + 1 < args.size()) {
                return args.get(i + 1);
            }
            if (args.get(i).startsWith(name + "=")) {
                return args.get(i).substring(name.length() + 1);
            }
        }
        return null;
    }

    private MenuBar menus() {
        MenuItem open = new MenuItem("Open problem...");
        open.setOnAction(
                e -> {
                    File f = jsonChooser("Open a problem file").showOpenDialog(stage);
                    if (f != null) {
                        pde.open(f.toPath());
                    }
                });
        MenuItem save = new MenuItem("Save problem as...");
        save.setOnAction(
                e -> {
                    File f = jsonChooser("Save the problem").showSaveDialog(stage);
                    if (f != null) {
                        try {
                            pde.save(f.toPath());
                        } catch (IOException ex) {
                            error("Could not save " + f + ": " + ex.getMessage());
                        }
                    }
                });
        MenuItem export = new MenuItem("Export run to folder...");
        export.setOnAction(
                e -> {
                    DirectoryChooser dc = new DirectoryChooser();
                    dc.setTitle("Export the shown run (PNG, VTK, CSV, parameters, problem file)");
                    File d = dc.showDialog(stage);
                    if (d != null) {
                        try {
                            pde.exportRun(d.toPath());
                        } catch (IOException | RuntimeException ex) {
                            error("Could not export: " + ex.getMessage());
                        }
                    }
                });
        MenuItem cloud = new MenuItem("Open point cloud...");
        cloud.setOnAction(
                e -> {
                    FileChooser fc = new FileChooser();
                    fc.setTitle("Open a point cloud");
                    fc.getExtensionFilters()
                            .add(
                                    new FileChooser.ExtensionFilter(
                                            "Point clouds and meshes",
                                            "*.ply",
                                            "*.obj",
                                            "*.off",
                                            "*.stl",
                                            "*.xyz",
                                            "*.xyzn"));
                    File f = fc.showOpenDialog(stage);
                    if (f != null) {
                        tabs.getSelectionModel().select(1);
                        sdf.open(f.toPath());
                    }
                });
        MenuItem series = new MenuItem("Open time series (CSV)...");
        series.setOnAction(
                e -> {
                    FileChooser fc = new FileChooser();
                    fc.setTitle("Open a time series: t, y1, y2, ... per row (header optional)");
                    fc.getExtensionFilters()
                            .add(new FileChooser.ExtensionFilter("Time series (*.csv)", "*.csv"));
                    File f = fc.showOpenDialog(stage);
                    if (f != null) {
                        open(f.toPath());
                    }
                });
        MenuItem mesh = new MenuItem("Export mesh...");
        mesh.setOnAction(
                e -> {
                    FileChooser fc = new FileChooser();
                    fc.setTitle("Export the extracted mesh (.obj, .ply or .stl)");
                    File f = fc.showSaveDialog(stage);
                    if (f != null) {
                        try {
                            sdf.exportMesh(f.toPath());
                        } catch (IOException ex) {
                            error("Could not export the mesh: " + ex.getMessage());
                        }
                    }
                });
        MenuItem quit = new MenuItem("Quit");
        quit.setOnAction(e -> Platform.exit());
        Menu file =
                new Menu(
                        "File",
                        null,
                        open,
                        save,
                        new SeparatorMenuItem(),
                        export,
                        new SeparatorMenuItem(),
                        cloud,
                        mesh,
                        new SeparatorMenuItem(),
                        series,
                        new SeparatorMenuItem(),
                        quit);
        Menu examples = new Menu("Examples");
        for (String name : Examples.names()) {
            MenuItem m = new MenuItem(name);
            m.setOnAction(e -> pde.loadBuiltIn(name));
            examples.getItems().add(m);
        }
        Path dir = Path.of("examples");
        if (Files.isDirectory(dir)) {
            try (Stream<Path> files = Files.list(dir)) {
                List<Path> json =
                        files.filter(p -> p.toString().endsWith(".json")).sorted().toList();
                if (!json.isEmpty()) {
                    examples.getItems().add(new SeparatorMenuItem());
                }
                for (Path p : json) {
                    MenuItem m = new MenuItem(p.toString());
                    m.setOnAction(e -> pde.open(p));
                    examples.getItems().add(m);
                }
            } catch (IOException e) {
                // no example files to list
            }
        }
        return new MenuBar(file, examples);
    }

    private static FileChooser jsonChooser(String title) {
        FileChooser fc = new FileChooser();
        fc.setTitle(title);
        fc.getExtensionFilters()
                .add(new FileChooser.ExtensionFilter("Problem files (*.json)", "*.json"));
        return fc;
    }

    private void error(String text) {
        javafx.scene.control.Alert a =
                new javafx.scene.control.Alert(javafx.scene.control.Alert.AlertType.ERROR, text);
        a.initOwner(stage);
        a.show();
    }

    /**
     * Loads the example, presses Run, and once the run has ended (and the figures are drawn) saves
     * the screenshot and exits.
     */
    private void runDemo(String demo, String screenshot, String steps, boolean opened) {
        javafx.beans.property.ReadOnlyBooleanProperty running;
        Runnable press;
        java.util.function.Supplier<String> failure;
        if (demo.equals("poisson")) {
            tabs.getSelectionModel().select(0);
            if (!opened) {
                pde.loadBuiltIn("poisson-square");
            }
            pde.setSteps(Integer.parseInt(orElse(steps, "500")));
            running = pde.runningProperty();
            press = pde::pressRun;
            failure = () -> pde.lastRunSucceeded() ? null : pde.messageText();
        } else if (demo.equals("node")) {
            tabs.getSelectionModel().select(2);
            node.setSteps(Integer.parseInt(orElse(steps, "60")));
            running = node.runningProperty();
            press = node::pressRun;
            failure = () -> node.lastResult().startsWith("failed") ? node.lastResult() : null;
        } else if (demo.equals("sdf")) {
            tabs.getSelectionModel().select(1);
            sdf.setSteps(Integer.parseInt(orElse(steps, "150")));
            running = sdf.runningProperty();
            press = sdf::pressRun;
            failure =
                    () ->
                            sdf.lastResult().startsWith("failed")
                                    ? sdf.lastResult()
                                    : sdf.mesh() == null || sdf.mesh().faceCount() == 0
                                            ? "no surface extracted"
                                            : null;
        } else {
            fail("--demo " + demo + ": available demos: poisson, sdf, node");
            return;
        }
        running.addListener(
                (o, was, now) -> {
                    if (was && !now) {
                        String why = failure.get();
                        if (why != null) {
                            fail("the demo run failed: " + why);
                            return;
                        }
                        PauseTransition settle = new PauseTransition(Duration.millis(800));
                        settle.setOnFinished(
                                e -> {
                                    try {
                                        if (screenshot != null) {
                                            saveScreenshot(Path.of(screenshot));
                                        }
                                        exit.exit(0, null);
                                    } catch (IOException | RuntimeException ex) {
                                        fail("could not save the screenshot: " + ex.getMessage());
                                    }
                                });
                        settle.play();
                    }
                });
        press.run();
        if (!running.get()) {
            fail("the demo did not start: " + failure.get());
        }
    }

    private void saveScreenshot(Path file) throws IOException {
        WritableImage img = stage.getScene().snapshot(null);
        java.awt.image.BufferedImage bi = SwingFXUtils.fromFXImage(img, null);
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < bi.getHeight(); y += 4) {
            for (int x = 0; x < bi.getWidth(); x += 4) {
                colours.add(bi.getRGB(x, y));
            }
        }
        if (colours.size() < 100) {
            throw new IOException("the window looks blank (" + colours.size() + " colours)");
        }
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(bi, "png", file.toFile())) {
            throw new IOException("no PNG writer");
        }
    }

    private void fail(String why) {
        exit.exit(1, why);
    }
}
