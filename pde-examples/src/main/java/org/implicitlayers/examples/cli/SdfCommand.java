package org.implicitlayers.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.examples.sdf.SdfPictures;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.sdf.fit.SdfFit;
import org.implicitlayers.sdf.fit.SdfModel;
import org.implicitlayers.sdf.io.BuiltinClouds;
import org.implicitlayers.sdf.io.GeometryReader;
import org.implicitlayers.sdf.io.GridWriter;
import org.implicitlayers.sdf.io.MeshWriter;
import org.implicitlayers.sdf.io.Normalization;
import org.implicitlayers.sdf.io.PointCloud;
import org.implicitlayers.sdf.mesh.GridSampler;
import org.implicitlayers.sdf.mesh.ScalarField;
import org.implicitlayers.sdf.mesh.ScalarGrid;
import org.implicitlayers.sdf.mesh.Shapes;
import org.implicitlayers.sdf.render.Camera;
import org.implicitlayers.sdf.render.ShadedRender;
import org.implicitlayers.sdf.render.Slices;
import org.implicitlayers.sdf.render.SphereTracer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Neural signed distance fields: fit a point cloud, extract meshes, render, evaluate. */
@Command(
        name = "sdf",
        description =
                "Neural signed distance fields (IGR): fit a point cloud, mesh, render and evaluate a saved model.",
        subcommands = {
            SdfCommand.Fit.class,
            SdfCommand.MeshCmd.class,
            SdfCommand.Render.class,
            SdfCommand.Eval.class
        })
final class SdfCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.err);
    }

    /**
     * A built-in shape by name (even where a file or folder of that name exists: a path to such a
     * file can be written ./NAME), else a point cloud file.
     */
    static PointCloud cloud(String spec, int points, long seed) throws java.io.IOException {
        return cloud(spec, points, seed, false);
    }

    /**
     * As {@link #cloud(String, int, long)}, without the file's normals when {@code ignoreNormals}.
     */
    static PointCloud cloud(String spec, int points, long seed, boolean ignoreNormals)
            throws java.io.IOException {
        if (BuiltinClouds.isBuiltin(spec)) {
            return BuiltinClouds.load(spec, points, seed);
        }
        Path p = Path.of(spec);
        if (Files.isDirectory(p)) {
            throw new IllegalArgumentException(
                    spec
                            + ": is a folder; expected a point cloud file (.ply, .obj, .off, .stl, .xyz, .xyzn)"
                            + " or a built-in shape ("
                            + BuiltinClouds.NAMES
                            + ")");
        }
        if (!Files.exists(p)) {
            throw new IllegalArgumentException(
                    spec
                            + ": no such file; expected a point cloud file (.ply, .obj, .off, .stl, .xyz, .xyzn)"
                            + " or a built-in shape ("
                            + BuiltinClouds.NAMES
                            + ")."
                            + Suggestion.didYouMean(spec, BuiltinClouds.names()));
        }
        org.implicitlayers.sdf.io.ShapeData data = GeometryReader.read(p);
        if (ignoreNormals) {
            data = new org.implicitlayers.sdf.io.ShapeData(data.points(), null, new int[0]);
        }
        checked(data, spec);
        PointCloud cloud = data.cloud();
        if (data.normals() == null && cloud.hasNormals()) {
            System.err.println(
                    "sdf: "
                            + spec
                            + ": normals from the orientation of its triangles (--ignore-normals estimates them from the points)");
        }
        return cloud;
    }

    /**
     * Refuses clouds that cannot describe a surface, naming the file: fewer than 3 points, points
     * that all coincide, normals of length 0, or normals that are not unit vectors (columns 4-6 of
     * a .xyz file holding colours, say), which would otherwise be fitted without complaint.
     */
    static void checked(org.implicitlayers.sdf.io.ShapeData c, String spec) {
        int n = c.points().length / 3;
        if (n < 3) {
            throw new IllegalArgumentException(
                    spec
                            + ": "
                            + n
                            + " point"
                            + (n == 1 ? "" : "s")
                            + "; a surface needs at least 3");
        }
        double[] p = c.points();
        boolean spread = false;
        for (int i = 3; i < p.length && !spread; i++) {
            spread = p[i] != p[i % 3];
        }
        if (!spread) {
            throw new IllegalArgumentException(
                    spec
                            + ": all "
                            + n
                            + " points coincide; a surface needs points spread in space");
        }
        try {
            Normalization.unitBall(p);
        } catch (IllegalArgumentException e) {
            // Coordinates so large (or a spread so small) that the distance to their centre is not
            // a finite positive number.
            double max = 0;
            for (double v : p) {
                max = Math.max(max, Math.abs(v));
            }
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s: the points cannot be scaled to the unit ball (coordinates up"
                                    + " to %.3g, spread around their centre not a finite positive length); rescale the file's coordinates",
                            spec,
                            max),
                    e);
        }
        if (c.normals() != null) {
            double[] nr = c.normals();
            double[] len = new double[n];
            for (int i = 0; i < n; i++) {
                len[i] =
                        Math.sqrt(
                                nr[3 * i] * nr[3 * i]
                                        + nr[3 * i + 1] * nr[3 * i + 1]
                                        + nr[3 * i + 2] * nr[3 * i + 2]);
                if (len[i] == 0) {
                    throw new IllegalArgumentException(
                            spec
                                    + ": point "
                                    + (i + 1)
                                    + " has a zero normal; expected unit normals"
                                    + " (--ignore-normals estimates them from the points instead)");
                }
            }
            double[] sorted = len.clone();
            java.util.Arrays.sort(sorted);
            double median = sorted[n / 2];
            if (median < 0.5 || median > 2) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "%s: the normals are not unit vectors (median length %.3g);"
                                        + " if those columns hold something else (colours?), --ignore-normals estimates normals from the points",
                                spec,
                                median));
            }
        }
    }

    private static void atLeast(String option, long value, long min) {
        if (value < min) {
            throw new IllegalArgumentException(
                    option + ": expected at least " + min + ", got " + value);
        }
    }

    /** The box [-1.1, 1.1]^3 of normalised units, in input units. */
    static double[][] box(Normalization n) {
        double[] lo = n.invert(new double[] {-1.1, -1.1, -1.1}),
                hi = n.invert(new double[] {1.1, 1.1, 1.1});
        return new double[][] {lo, hi};
    }

    /**
     * The slices and the render, each step announced on {@code log} with its time (the render takes
     * seconds to minutes).
     */
    static void writePictures(
            Figures figures,
            SdfModel model,
            Path slicesPng,
            Path renderPng,
            String title,
            int size,
            Axis up,
            java.io.PrintStream log)
            throws java.io.IOException {
        Normalization n = model.normalization();
        double[][] box = box(n);
        double[] centre = {n.cx(), n.cy(), n.cz()};
        ScalarField f = model.field();
        long t0 = System.nanoTime();
        log.print("slices: sampling f on three 160 x 160 planes...");
        log.flush();
        Slices[] s = new Slices[3];
        for (int a = 0; a < 3; a++) {
            s[a] = Slices.sample(f, a, centre, box[0], box[1], 160);
        }
        SdfPictures.writeSlices(
                figures,
                s,
                title + ": f on three slices through the centre, zero contour in black",
                slicesPng);
        log.printf(Locale.ROOT, " %.1f s%n", (System.nanoTime() - t0) / 1e9);
        render(figures, model, 35, 20, up, size, renderPng, log);
    }

    /** The axis that points up in a render. */
    enum Axis {
        x,
        y,
        z
    }

    static void render(
            Figures figures,
            SdfModel model,
            double azimuth,
            double elevation,
            Axis up,
            int size,
            Path png,
            java.io.PrintStream log)
            throws java.io.IOException {
        // The surface lies in the unit ball of normalised units: at distance 3.6 with a 35 degree
        // field of
        // view the picture spans 1.13 units either side of the centre, so the ball just fits.
        Camera cam = Camera.orbit(azimuth, elevation, 3.6, size, size, up.ordinal());
        long t0 = System.nanoTime();
        log.printf(Locale.ROOT, "render: sphere tracing %d x %d rays...", size, size);
        log.flush();
        int[] img =
                ShadedRender.render(model.normalizedField(), cam, SphereTracer.Options.defaults());
        log.printf(Locale.ROOT, " %.1f s%n", (System.nanoTime() - t0) / 1e9);
        SdfPictures.writeImage(figures, img, size, size, png);
    }

    static void writeMetrics(Map<String, ?> m, Path file) throws java.io.IOException {
        Files.writeString(
                file,
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m) + "\n");
    }

    static void threads(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("--threads must be >= 1, got " + n);
        }
        JvmBackend.setThreads(n);
    }

    @Command(
            name = "fit",
            description =
                    "Fit an IGR network to a point cloud (file or built-in: "
                            + BuiltinClouds.NAMES
                            + "), extract the mesh, write metrics, slices and a render.")
    static final class Fit implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "CLOUD",
                description =
                        "A .ply/.obj/.off/.stl/.xyz/.xyzn file, or sphere, torus, box, bunny.")
        String input;

        @Option(
                names = "--steps",
                defaultValue = "2000",
                description = "Adam steps (default: ${DEFAULT-VALUE}).")
        int steps;

        @Option(
                names = "--lr",
                defaultValue = "1e-3",
                description = "Learning rate (default: ${DEFAULT-VALUE}).")
        double lr;

        @Option(
                names = "--model",
                defaultValue = "igr",
                description =
                        "igr (softplus MLP, IGR loss) or siren (sine MLP, SIREN loss; default: ${DEFAULT-VALUE}).")
        String modelKind;

        @Option(
                names = "--omega",
                defaultValue = "30",
                description = "SIREN's omega0 (default: ${DEFAULT-VALUE}).")
        double omega;

        @Option(
                names = "--width",
                defaultValue = "256",
                description = "Hidden width (default: ${DEFAULT-VALUE}).")
        int width;

        @Option(
                names = "--depth",
                defaultValue = "4",
                description = "Hidden layers (default: ${DEFAULT-VALUE}).")
        int depth;

        @Option(
                names = "--skip",
                defaultValue = "0",
                description = "Hidden layer that receives the input again (0: none).")
        int skip;

        @Option(
                names = "--batch",
                defaultValue = "2048",
                description = "Surface points per step (default: ${DEFAULT-VALUE}).")
        int batch;

        @Option(
                names = "--resolution",
                defaultValue = "128",
                description = "Grid points per axis for the mesh (default: ${DEFAULT-VALUE}).")
        int resolution;

        @Option(
                names = "--points",
                defaultValue = "4000",
                description = "Samples of a built-in analytic shape (default: ${DEFAULT-VALUE}).")
        int points;

        @Option(
                names = "--normal-neighbours",
                defaultValue = "10",
                description =
                        "Neighbours for estimating missing normals; 0 fits without normals (default: ${DEFAULT-VALUE}).")
        int neighbours;

        @Option(
                names = "--samples",
                defaultValue = "100000",
                description = "Mesh samples for the metrics (default: ${DEFAULT-VALUE}).")
        int samples;

        @Option(
                names = "--picture-size",
                defaultValue = "600",
                description = "Pixels of the render (default: ${DEFAULT-VALUE}).")
        int pictureSize;

        @Option(
                names = "--ignore-normals",
                description =
                        "Ignore the file's normals (estimate them from the points, see --normal-neighbours).")
        boolean ignoreNormals;

        @Option(
                names = "--up",
                defaultValue = "y",
                description =
                        "Axis pointing up in the render: x, y or z (default: ${DEFAULT-VALUE},"
                                + " as in most scans; the built-in analytic shapes are symmetric).")
        Axis up;

        @CommandLine.Mixin RunOptions run;

        @CommandLine.Mixin FigureOptions figureOptions;

        private Figures figures;

        @Override
        public Integer call() throws Exception {
            run.applyThreads();
            figures = figureOptions.figures();
            long seed = run.seed(0);
            // Options are checked, naming them, before anything is read or trained (not by the
            // classes they end up in).
            atLeast("--steps", steps, 0);
            atLeast("--batch", batch, 2);
            atLeast("--width", width, 1);
            atLeast("--depth", depth, 1);
            atLeast("--samples", samples, 1);
            atLeast("--points", points, 3);
            atLeast("--normal-neighbours", neighbours, 0);
            if (!(lr > 0) || Double.isInfinite(lr)) {
                throw new IllegalArgumentException(
                        "--lr: expected a positive learning rate, got " + lr);
            }
            if (!(omega > 0) || Double.isInfinite(omega)) {
                throw new IllegalArgumentException(
                        "--omega: expected a positive SIREN frequency, got " + omega);
            }
            if (skip < 0 || skip > depth) {
                throw new IllegalArgumentException(
                        "--skip: expected 0 (none) to --depth (" + depth + "), got " + skip);
            }
            // Checked with their memory need before anything is trained (a grid too large used to
            // fail minutes later).
            if (resolution < 2 || resolution > GridSampler.Options.MAX_RESOLUTION) {
                throw new IllegalArgumentException(
                        "--resolution "
                                + resolution
                                + ": expected 2 to "
                                + GridSampler.Options.MAX_RESOLUTION
                                + " grid points per axis (the grid of resolution^3 values is one array)");
            }
            long need = GridSampler.Options.bytesNeeded(resolution),
                    have = Runtime.getRuntime().maxMemory();
            if (need > have) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "--resolution %d needs about %.1f GB for the grid and the mesh;"
                                        + " this JVM may use %.1f GB: lower --resolution (the default is 128) or give Java more memory"
                                        + " (JAVA_OPTS=-Xmx...)",
                                resolution,
                                need / 1e9,
                                have / 1e9));
            }
            if (pictureSize < 16) {
                throw new IllegalArgumentException(
                        "--picture-size must be at least 16 pixels, got " + pictureSize);
            }
            String name = Path.of(input).getFileName().toString().replaceFirst("\\.[^.]*$", "");
            PointCloud cloud = cloud(input, points, seed, ignoreNormals);
            if (ignoreNormals && cloud.hasNormals()) {
                cloud = new PointCloud(cloud.points(), null); // a built-in shape's exact normals
            }
            // Ctrl-C (SIGINT) or SIGTERM: stop after the current step, write the checkpoint and the
            // model.
            // The guard outermost, the run inside it: the run's lock is released before an
            // interrupted JVM may exit.
            try (OnInterrupt guard = new OnInterrupt();
                    RunContext ctx = run.open(Path.of("out", "sdf", name), "sdf fit")) {
                guard.cancels(ctx::cancel);
                return fit(cloud, name, ctx, seed);
            }
        }

        private int fit(PointCloud cloud, String name, RunContext ctx, long seed) throws Exception {
            Path dir = ctx.folder();
            if (!cloud.hasNormals()) {
                System.err.println(
                        "sdf fit: "
                                + input
                                + (ignoreNormals
                                        ? ": ignoring its normals as asked; "
                                        : " has no normals; ")
                                + (neighbours > 0
                                        ? "estimating them (PCA over "
                                                + neighbours
                                                + " neighbours, oriented along a minimum spanning tree)"
                                        : "fitting without the normal term"));
            }
            SdfFit.Options d = SdfFit.Options.defaults();
            SdfFit.Options o =
                    d.withSteps(steps)
                            .withSeed(seed)
                            .withNetwork(d.network().withSize(width, depth).withSkipAt(skip))
                            .withLoss(d.loss().withBatch(batch))
                            .withGrid(d.grid().withResolution(resolution))
                            .withCheckpoint(ctx.checkpoint(), 500, ctx.resume());
            o = o.withLearningRate(lr).withMetricSamples(samples).withNormalNeighbours(neighbours);
            switch (modelKind.toLowerCase(Locale.ROOT)) {
                case "igr" -> {}
                case "siren" -> o = o.withSiren(omega);
                default ->
                        throw new IllegalArgumentException(
                                "--model " + modelKind + ": expected igr or siren");
            }
            if (!run.quiet) {
                ctx.callback(new ProgressBarCallback(System.err, "sdf " + name));
            }
            ctx.callback(new CsvMetricsLog(dir.resolve("metrics.csv"), null, 10));
            SdfFit.Fitted fitted = SdfFit.fit(cloud, o, ctx);
            SdfModel model = fitted.model();
            if (fitted.result().cancelled()) {
                try (OutputSet files = ctx.outputs()) {
                    model.save(files.path("model.npz"));
                    files.commit();
                }
                System.out.printf(
                        "sdf fit %s: stopped at step %d; wrote %s and %s; continue with --resume%n",
                        name,
                        fitted.result().lastStep(),
                        ctx.checkpoint(),
                        dir.resolve("model.npz"));
                return 130;
            }
            long t0 = System.nanoTime();
            System.err.printf(
                    Locale.ROOT,
                    "sdf fit %s: extracting the mesh (the field on a %d^3 grid, marching cubes)...",
                    name,
                    o.grid().resolution());
            System.err.flush();
            SdfFit.Extraction e = SdfFit.extract(model, o.grid());
            System.err.printf(Locale.ROOT, " %.1f s%n", (System.nanoTime() - t0) / 1e9);
            // The grid in the input's units, like the meshes: origin, spacing and distances.
            Normalization nz = model.normalization();
            ScalarGrid unitGrid = e.sampling().grid();
            ScalarGrid g = unitGrid.rescaled(nz.invert(unitGrid.origin()), nz.invertLength(1));
            Shapes.Shape truth =
                    BuiltinClouds.isBuiltin(input) && !input.equalsIgnoreCase("bunny")
                            ? Shapes.named(input)
                            : null;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("input", input);
            m.put("points", cloud.size());
            m.put("steps", steps);
            t0 = System.nanoTime();
            System.err.printf(
                    Locale.ROOT,
                    "sdf fit %s: metrics (Chamfer, Hausdorff, normal consistency on %d samples)...",
                    name,
                    samples);
            System.err.flush();
            Map<String, Double> metrics = SdfFit.metrics(model, e, cloud, o, truth);
            System.err.printf(Locale.ROOT, " %.1f s%n", (System.nanoTime() - t0) / 1e9);
            metrics.forEach((k, v) -> m.put(k, k.startsWith("mesh_") ? (Object) v.longValue() : v));
            m.put("grid_origin", g.origin());
            m.put("grid_spacing", g.spacing());
            m.put("grid_eval_s", e.sampling().seconds());
            m.put("grid_points_evaluated", e.sampling().evaluated());
            m.put("marching_cubes_s", e.extractSeconds());
            // One set of outputs, moved into place together: a failure (a full disk) leaves the
            // previous set whole.
            try (OutputSet files = ctx.outputs()) {
                model.save(files.path("model.npz"));
                for (String ext : new String[] {"obj", "ply", "stl"}) {
                    MeshWriter.write(e.mesh(), files.path("mesh." + ext));
                }
                GridWriter.vtk(g, "sdf", files.path("sdf.vtk"));
                GridWriter.npy(g, files.path("sdf.npy"));
                writeMetrics(m, files.path("metrics.json"));
                writePictures(
                        figures,
                        model,
                        files.path(figures.fileName("slices")),
                        files.path(figures.fileName("render")),
                        name,
                        pictureSize,
                        up,
                        System.err);
                files.commit();
            }
            System.out.println(
                    String.format(
                            Locale.ROOT,
                            "sdf fit %s: %d vertices, %d faces, Chamfer %.5f, Hausdorff %.5f (normalised units); wrote %s",
                            name,
                            e.mesh().vertexCount(),
                            e.mesh().faceCount(),
                            (Double) m.getOrDefault("chamfer", Double.NaN),
                            (Double) m.getOrDefault("hausdorff", Double.NaN),
                            dir));
            return 0;
        }
    }

    @Command(
            name = "mesh",
            description =
                    "Extract the zero level set of a saved model (model.npz) as .obj, .ply or .stl.")
    static final class MeshCmd implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "MODEL",
                description = "A saved model: model.npz from sdf fit.")
        Path model;

        @Option(names = "--out", required = true, description = "Mesh file (.obj, .ply, .stl).")
        Path out;

        @Option(
                names = "--resolution",
                defaultValue = "128",
                description = "Grid points per axis (default: ${DEFAULT-VALUE}).")
        int resolution;

        @Option(
                names = "--dense",
                description = "Evaluate every grid point instead of coarse to fine.")
        boolean dense;

        @Option(
                names = "--threads",
                defaultValue = "2",
                description = "Kernel threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Override
        public Integer call() throws Exception {
            threads(threads);
            SdfModel m = SdfModel.load(model);
            SdfFit.Extraction e =
                    SdfFit.extract(
                            m,
                            GridSampler.Options.defaults()
                                    .withResolution(resolution)
                                    .withAdaptive(!dense));
            MeshWriter.write(e.mesh(), out);
            System.out.println(
                    String.format(
                            Locale.ROOT,
                            "sdf mesh: %d vertices, %d faces in %.2f s (grid) + %.2f s; wrote %s",
                            e.mesh().vertexCount(),
                            e.mesh().faceCount(),
                            e.sampling().seconds(),
                            e.extractSeconds(),
                            out));
            return 0;
        }
    }

    @Command(
            name = "render",
            description =
                    "A shaded PNG of a saved model's surface (sphere tracing, normals from grad f).")
    static final class Render implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "MODEL",
                description = "A saved model: model.npz from sdf fit.")
        Path model;

        @Option(
                names = "--out",
                required = true,
                description =
                        "The image file: *.png, or *.svg / *.pdf with --figure-format (the render embedded).")
        Path out;

        @CommandLine.Mixin FigureOptions figureOptions;

        @Option(
                names = "--azimuth",
                defaultValue = "35",
                description =
                        "Camera azimuth about the up axis, degrees (default: ${DEFAULT-VALUE}).")
        double azimuth;

        @Option(
                names = "--up",
                defaultValue = "y",
                description =
                        "Axis pointing up: x, y or z (default: ${DEFAULT-VALUE}, as in most scans).")
        Axis up;

        @Option(
                names = "--elevation",
                defaultValue = "20",
                description = "Camera elevation, degrees (default: ${DEFAULT-VALUE}).")
        double elevation;

        @Option(
                names = "--size",
                defaultValue = "600",
                description = "Image width and height in pixels (default: ${DEFAULT-VALUE}).")
        int size;

        @Option(
                names = "--threads",
                defaultValue = "2",
                description = "Kernel threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Override
        public Integer call() throws Exception {
            threads(threads);
            String ext = "." + figureOptions.figures().format().extension();
            if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(ext)) {
                throw new IllegalArgumentException(
                        "--out "
                                + out
                                + ": the render is written as "
                                + ext.substring(1).toUpperCase(Locale.ROOT)
                                + " (--figure-format); name the file *"
                                + ext);
            }
            if (size < 16) {
                throw new IllegalArgumentException(
                        "--size must be at least 16 pixels, got " + size);
            }
            Figures figures = figureOptions.figures();
            System.err.print("sdf render: loading " + model + "...");
            SdfModel loaded = SdfModel.load(model);
            System.err.println(" done");
            render(figures, loaded, azimuth, elevation, up, size, out, System.err);
            System.out.println("sdf render: wrote " + out);
            return 0;
        }
    }

    @Command(
            name = "eval",
            description =
                    "Evaluate a saved model: f at the points of a cloud (CSV) and the mesh-to-cloud metrics.")
    static final class Eval implements Callable<Integer> {
        @Parameters(
                index = "0",
                paramLabel = "MODEL",
                description = "A saved model: model.npz from sdf fit.")
        Path model;

        @Parameters(
                index = "1",
                paramLabel = "CLOUD",
                description = "Points to evaluate at and compare with (file or built-in).")
        String input;

        @Option(
                names = "--points",
                defaultValue = "4000",
                description = "Samples of a built-in analytic shape (default: ${DEFAULT-VALUE}).")
        int points;

        @Option(
                names = "--values",
                description = "CSV file for x,y,z,f at every point (input units).")
        Path values;

        @Option(
                names = "--resolution",
                defaultValue = "128",
                description = "Grid points per axis (default: ${DEFAULT-VALUE}).")
        int resolution;

        @Option(
                names = "--threads",
                defaultValue = "2",
                description = "Kernel threads (default: ${DEFAULT-VALUE}).")
        int threads;

        @Override
        public Integer call() throws Exception {
            threads(threads);
            SdfModel m = SdfModel.load(model);
            PointCloud cloud = cloud(input, points, 0);
            float[] f = new float[cloud.size()];
            m.field().evaluate(cloud.points(), cloud.size(), f);
            double mean = 0;
            for (float v : f) {
                mean += Math.abs(v);
            }
            if (values != null) {
                StringBuilder b = new StringBuilder("x,y,z,f\n");
                for (int i = 0; i < cloud.size(); i++) {
                    b.append(cloud.coord(i, 0))
                            .append(',')
                            .append(cloud.coord(i, 1))
                            .append(',')
                            .append(cloud.coord(i, 2))
                            .append(',')
                            .append(f[i])
                            .append('\n');
                }
                Files.writeString(values, b);
            }
            SdfFit.Options o =
                    SdfFit.Options.defaults()
                            .withGrid(GridSampler.Options.defaults().withResolution(resolution));
            SdfFit.Extraction e = SdfFit.extract(m, o.grid());
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("points", cloud.size());
            r.put("mean_abs_f_input_units", mean / cloud.size());
            Shapes.Shape truth =
                    BuiltinClouds.isBuiltin(input) && !input.equalsIgnoreCase("bunny")
                            ? Shapes.named(input)
                            : null;
            r.putAll(SdfFit.metrics(m, e, cloud, o, truth));
            System.out.println(new ObjectMapper().writeValueAsString(r));
            return 0;
        }
    }
}
