package org.implicitlayers.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.examples.plot.LossCurve;
import org.implicitlayers.plot.Contours;
import org.implicitlayers.plot.Grid2;
import org.implicitlayers.plot.GridFiles;
import org.implicitlayers.plot.HeatMap;
import org.implicitlayers.plot.Png;
import org.implicitlayers.ritz.Examples;
import org.implicitlayers.ritz.ProblemFile;
import org.implicitlayers.ritz.ProblemSpec;
import org.implicitlayers.ritz.RitzOptions;
import org.implicitlayers.ritz.RitzSolver;
import org.implicitlayers.ritz.SolutionGrid;
import org.implicitlayers.ritz.SolutionSamples;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.PoissonProblem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** Solves a PDE by the Deep Ritz method (or as a PINN) and writes the solution, its error and the training curves. */
@Command(name = "ritz", description = {"Solve a variational PDE with a neural network (Deep Ritz or PINN).",
    "PROBLEM is a JSON problem file or a built-in example: poisson-square (default), poisson-disk, l-shape, poisson-10d, eigen-square."})
final class RitzCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", defaultValue = "poisson-square", description = "Problem file or built-in name (default: ${DEFAULT-VALUE}).")
    String problem;

    @Option(names = "--steps", description = "Adam steps (overrides the problem's).")
    Integer steps;

    @Option(names = "--optimizer", description = "adam or engd (energy natural gradient descent; overrides the problem's). "
            + "Switching to engd takes its settings, which the other options may then override: the PINN loss with penalty 500, "
            + "an MLP 20 x 2 with the domain's corner terms, 2048 + 512 fresh Sobol points per step, 1000 steps, float64.")
    String optimizer;

    @Option(names = "--corners", arity = "1", paramLabel = "true|false", description = "Add the corner-singular terms of the domain's "
            + "re-entrant corners to the solution, with trainable coefficients (overrides the problem's; default true with engd).")
    Boolean corners;

    @Option(names = "--lbfgs", description = "L-BFGS iterations after Adam (overrides the problem's).")
    Integer lbfgs;

    @Option(names = "--method", description = "ritz or pinn (overrides the problem's).")
    String method;

    @Option(names = "--bc", description = "penalty or exact (overrides the problem's).")
    String bc;

    @Option(names = "--dtype", description = "float32 or float64 (overrides the problem's).")
    String dtype;

    @Option(names = "--sampling", description = "uniform, sobol or halton (overrides the problem's).")
    String sampling;

    @CommandLine.Mixin
    RunOptions run;


    @Override
    public Integer call() throws Exception {
        run.applyThreads();
        // Everything that can be refused is checked before the output folder exists.
        ProblemSpec spec = resolve();
        RitzOptions o = overrides(spec.options());
        RitzSolver solver;
        try {
            solver = new RitzSolver(spec.problem(), o);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException((Files.exists(Path.of(problem)) ? problem + ": " : "") + e.getMessage(), e);
        }
        // The lock before anything in the folder is touched: a second run there fails at once.
        // The interrupt guard outermost: resources close in reverse order, so the lock file is removed
        // before the guard lets an interrupted JVM exit (the other way round, it could exit first).
        try (OnInterrupt interrupt = new OnInterrupt(); RunContext ctx = run.open(Path.of("out", "ritz", spec.name()), "ritz", identity(spec, o))) {
            ctx.onCancel(solver::cancel);
            interrupt.cancels(ctx::cancel);
            return solveAndWrite(spec, o, solver, ctx, interrupt);
        }
    }

    /**
     * What a checkpoint of this run can continue: the problem (its name and domain; for a file, its
     * absolute path) and everything that shapes the network and its loss, not the step counts.
     */
    private String identity(ProblemSpec spec, RitzOptions o) {
        Path file = Path.of(problem);
        String where = Files.isRegularFile(file) ? "file " + file.toAbsolutePath().normalize() : "built-in";
        return spec.name() + " (" + where + ", " + spec.problem().domain() + "), method " + o.method() + ", bc "
                + o.boundary().treatment() + ", network " + o.network().type() + " " + o.network().width() + "x" + o.network().depth()
                + " " + o.network().activation() + ", " + o.run().dtype() + ", optimizer " + o.optimizer().kind();
    }

    private int solveAndWrite(ProblemSpec spec, RitzOptions o, RitzSolver solver, RunContext ctx, OnInterrupt interrupt)
            throws Exception {
        Path dir = ctx.folder();
        Path ckpt = ctx.checkpoint();
        Domain domain = spec.problem().domain();
        boolean engd = o.optimizer().kind() == RitzOptions.OptimizerKind.ENGD;
        System.out.printf("%s: %s on %s; %s loss, %s boundary conditions; %s network, width %d, depth %d, %s (%d parameters, %s); "
                        + "%s %d steps%s%n",
                spec.name(), spec.problem() instanceof PoissonProblem ? "Poisson" : "eigenvalue problem", domain, o.method(),
                o.boundary().treatment(), o.network().type(), o.network().width(), o.network().depth(), o.network().activation(),
                solver.network().parameterCount(), o.run().dtype(), engd ? "ENGD" : "Adam",
                o.optimizer().steps(), o.optimizer().lbfgs() > 0 ? " + L-BFGS " + o.optimizer().lbfgs() : "");
        if (o.boundary().treatment() == RitzOptions.BoundaryTreatment.EXACT && Files.exists(Path.of(problem)) && bc == null
                && !new com.fasterxml.jackson.databind.ObjectMapper().readTree(Path.of(problem).toFile()).has("bc")) {
            System.out.println("bc: exact, the default for Dirichlet data (u = g + phi N; \"bc\": \"penalty\" or --bc penalty to change)");
        }
        if (solver.liftIsTheExactSolution()) {
            System.out.println("note: the Dirichlet data g equal the exact solution inside the domain, and bc 'exact' builds u = g + phi N:"
                    + " the boundary data contain the answer, so the errors below measure little (use bc 'penalty', or data that are"
                    + " not the solution's formula)");
        }
        List<TrainingCallback> cbs = new ArrayList<>();
        if (!run.quiet) {
            cbs.add(new ProgressBarCallback(System.err, spec.name()));
        }
        cbs.add(new CsvMetricsLog(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), 10));
        RitzSolver.Result r = solver.solve(cbs, ckpt, ctx.resume());

        // One set of outputs: written under temporary names, then moved into place together, so a
        // failure (a full disk, an interrupt while plotting) leaves the previous run's set whole.
        SolutionGrid g = domain.dim() == 2 ? SolutionGrid.sample(solver, 201) : null;
        StringBuilder m = new StringBuilder();
        for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
            m.append(String.format(Locale.ROOT, "  %s %.4e", e.getKey(), e.getValue()));
        }
        System.out.printf(Locale.ROOT, "%s: %d steps in %.1f s (%.2f ms/step)%s%s%n", r.cancelled() ? "stopped" : "done", r.steps(),
                r.trainSeconds(), 1e3 * r.trainSeconds() / Math.max(1, r.steps()), m, r.lbfgsStop() == null ? "" : "; L-BFGS: " + r.lbfgsStop());
        List<String> wrote = new ArrayList<>(List.of("metrics.csv", "eval.csv"));
        try (OutputSet files = ctx.outputs()) {
            Npz.write(files.path("params.npz"), solver.network().stateDict());
            if (g != null) {
                writeGridFiles(g, spec.name(), files);
            }
            LossCurve.write(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), files.path("curves.png"), spec.name() + ": training");
            if (g != null) {
                writeGridPlots(g, domain, spec.name(), files);
            } else {
                writeHigherDimensional(solver, spec.name(), files);
            }
            wrote.addAll(files.commit());
        }
        if (Files.exists(ckpt)) {
            wrote.add(RunContext.CHECKPOINT);
        }
        if (Files.exists(ctx.file(RunContext.IDENTITY))) {
            wrote.add(RunContext.IDENTITY);
        }
        System.out.println("wrote " + dir + "/{" + String.join(", ", wrote) + "}");
        if (r.cancelled()) {
            System.out.println((interrupt.interrupted() ? "interrupted" : "stopped") + " at step " + r.steps() + "; checkpoint " + ckpt
                    + "; continue with --resume");
            return 130;
        }
        return 0;
    }

    /** The command-line options that override the problem's. */
    private RitzOptions overrides(RitzOptions o) {
        try {
            if (optimizer != null) {
                RitzOptions.OptimizerKind kind = RitzOptions.OptimizerKind.parse("--optimizer", optimizer);
                if (kind != o.optimizer().kind()) {
                    if (kind == RitzOptions.OptimizerKind.ENGD) {
                        RitzOptions e = RitzOptions.engd();
                        o = e.withRun(e.run().withSeed(o.run().seed()));
                    } else {
                        o = o.withOptimizer(RitzOptions.Optimizer.defaults());
                    }
                }
            }
            if (steps != null || lbfgs != null) {
                RitzOptions.Optimizer opt = o.optimizer();
                o = o.withOptimizer(opt.withSteps(steps != null ? steps : opt.steps()).withLbfgs(lbfgs != null ? lbfgs : opt.lbfgs()));
            }
            if (corners != null) {
                o = o.withNetwork(o.network().withCorners(corners));
            }
            if (method != null) {
                o = o.withMethod(RitzOptions.Method.parse("--method", method));
            }
            if (bc != null) {
                o = o.withBoundary(o.boundary().withTreatment(RitzOptions.BoundaryTreatment.parse("--bc", bc)));
            }
            if (run.seed != null) {
                o = o.withRun(o.run().withSeed(run.seed));
            }
            if (dtype != null) {
                o = o.withRun(o.run().withDtype(DType.parse(dtype)));
            }
            if (sampling != null) {
                o = o.withSampling(o.sampling().withMethod(RitzOptions.SamplingMethod.parse("--sampling", sampling)));
            }
            return o;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(new CommandLine(this), e.getMessage(), e);
        }
    }

    private ProblemSpec resolve() throws Exception {
        if (Files.exists(Path.of(problem)) || problem.endsWith(".json")) {
            return ProblemFile.load(Path.of(problem));
        }
        return Examples.spec(problem).orElseThrow(() -> new ParameterException(new CommandLine(this), "unknown problem '" + problem
                + "': give a JSON file or one of " + Examples.names() + "." + Suggestion.didYouMean(problem, Examples.names())));
    }

    private static void writeGridFiles(SolutionGrid g, String name, OutputSet files) throws Exception {
        if (g.exact() != null) {
            String[] names = {"u", "u_exact", "error"};
            double[][][] fields = {g.u(), g.exact(), g.error()};
            GridFiles.writeVtk(files.path("solution.vtk"), name, g.xs(), g.ys(), names, fields);
            GridFiles.writeCsv(files.path("solution.csv"), g.xs(), g.ys(), names, fields);
        } else {
            GridFiles.writeVtk(files.path("solution.vtk"), name, g.xs(), g.ys(), new String[] {"u"}, new double[][][] {g.u()});
            GridFiles.writeCsv(files.path("solution.csv"), g.xs(), g.ys(), new String[] {"u"}, new double[][][] {g.u()});
        }
    }

    /**
     * Outputs of a 1-D or 3-D and higher problem: solution.csv at 4096 Sobol points inside the domain
     * (the 2-D columns, one coordinate column per dimension); in 3-D, solution.vtk on the 41^3 grid of
     * the bounding box (NaN outside) and heat maps of u and of the error on the three planes through
     * its centre; above 3-D, heat maps on the (x1, x2) plane through the centre.
     */
    private static void writeHigherDimensional(RitzSolver solver, String name, OutputSet files) throws Exception {
        int d = solver.problem().domain().dim();
        SolutionSamples.Points pts = SolutionSamples.atPoints(solver, 4096);
        String[] coords = new String[d];
        for (int c = 0; c < d; c++) {
            coords[c] = d <= 3 ? new String[] {"x", "y", "z"}[c] : "x" + (c + 1);
        }
        boolean exact = pts.exact() != null;
        GridFiles.writePointsCsv(files.path("solution.csv"), coords, pts.points(), exact ? new String[] {"u", "u_exact", "error"}
                : new String[] {"u"}, exact ? new double[][] {pts.u(), pts.exact(), pts.error()} : new double[][] {pts.u()});
        if (d < 3) {
            return;
        }
        if (d == 3) {
            SolutionSamples.Volume v = SolutionSamples.volume(solver, 41);
            GridFiles.writeVtk(files.path("solution.vtk"), name, v.xs(), v.ys(), v.zs(), exact ? new String[] {"u", "u_exact", "error"}
                    : new String[] {"u"}, exact ? new double[][][][] {v.u(), v.exact(), v.error()} : new double[][][][] {v.u()});
        }
        int[][] planes = d == 3 ? new int[][] {{0, 1}, {0, 2}, {1, 2}} : new int[][] {{0, 1}};
        for (int[] pl : planes) {
            SolutionGrid g = SolutionSamples.slice(solver, 121, pl[0], pl[1]);
            String tag = coords[pl[0]] + coords[pl[1]];
            String where = d == 3 ? coords[3 - pl[0] - pl[1]] + " at the centre" : "the other coordinates at the centre";
            Png.writeFitted(HeatMap.of(new Grid2(g.xs(), g.ys(), g.u())).title(name + ": u on the " + tag + " plane, " + where)
                    .axes(coords[pl[0]], coords[pl[1]]).valueLabel("u").chart(), files.path("slice_" + tag + ".png"), 620);
            if (exact) {
                Png.writeFitted(HeatMap.of(new Grid2(g.xs(), g.ys(), g.error())).diverging().title(name + ": error on the " + tag
                        + " plane, " + where).axes(coords[pl[0]], coords[pl[1]]).valueLabel("u \u2212 u_exact").chart(),
                        files.path("error_" + tag + ".png"), 620);
            }
        }
    }

    /** The heat maps (no error map without an exact solution). */
    private static void writeGridPlots(SolutionGrid g, Domain domain, String name, OutputSet files) throws Exception {
        Contours.Region region = (x, y) -> domain.contains(new double[] {x, y});
        Png.writeFitted(HeatMap.of(new Grid2(g.xs(), g.ys(), g.u())).title(name + ": network solution").valueLabel("u")
                .outlineOf(region).chart(), files.path("solution.png"), 620);
        if (g.exact() != null) {
            Png.writeFitted(HeatMap.of(new Grid2(g.xs(), g.ys(), g.error())).diverging().title(name + ": pointwise error")
                    .valueLabel("u \u2212 u_exact").outlineOf(region).chart(), files.path("error.png"), 620);
        }
    }
}
