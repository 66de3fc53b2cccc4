package org.implicitlayers.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.CsvMetricsLog;
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

    @Option(names = "--out", description = "Output folder (default: out/ritz/<problem name>).")
    Path out;

    @Option(names = "--steps", description = "Adam steps (overrides the problem's).")
    Integer steps;

    @Option(names = "--lbfgs", description = "L-BFGS iterations after Adam (overrides the problem's).")
    Integer lbfgs;

    @Option(names = "--method", description = "ritz or pinn (overrides the problem's).")
    String method;

    @Option(names = "--bc", description = "penalty or exact (overrides the problem's).")
    String bc;

    @Option(names = "--seed", description = "Random seed (overrides the problem's).")
    Long seed;

    @Option(names = "--dtype", description = "float32 or float64 (overrides the problem's).")
    String dtype;

    @Option(names = "--sampling", description = "uniform, sobol or halton (overrides the problem's).")
    String sampling;

    @Option(names = "--threads", description = "Kernel threads (default: ${DEFAULT-VALUE}).", defaultValue = "2")
    int threads;

    @Option(names = "--resume", description = "Continue from the checkpoint in the output folder.")
    boolean resume;

    @Option(names = "--quiet", description = "No progress bar.")
    boolean quiet;

    @Override
    public Integer call() throws Exception {
        JvmBackend.setThreads(threads);
        ProblemSpec spec = resolve();
        RitzOptions o = overrides(spec.options());
        Path dir = out != null ? out : Path.of("out", "ritz", spec.name());
        Files.createDirectories(dir);
        RitzSolver solver = new RitzSolver(spec.problem(), o);
        Domain domain = spec.problem().domain();
        System.out.printf("%s: %s on %s; %s loss, %s boundary conditions; %s network, width %d, depth %d, %s; Adam %d steps%s%n",
                spec.name(), spec.problem() instanceof PoissonProblem ? "Poisson" : "eigenvalue problem", domain, o.method(),
                o.boundary().treatment(), o.network().type(), o.network().width(), o.network().depth(), o.network().activation(),
                o.optimizer().steps(), o.optimizer().lbfgs() > 0 ? " + L-BFGS " + o.optimizer().lbfgs() : "");
        List<TrainingCallback> cbs = new ArrayList<>();
        if (!quiet) {
            cbs.add(new ProgressBarCallback(System.err, spec.name()));
        }
        cbs.add(new CsvMetricsLog(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), 10));
        RitzSolver.Result r = solver.solve(cbs, dir.resolve("checkpoint.npz"), resume);

        LossCurve.write(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), dir.resolve("curves.png"), spec.name() + ": training");
        Npz.write(dir.resolve("params.npz"), solver.network().stateDict());
        if (domain.dim() == 2) {
            writeGrid(SolutionGrid.sample(solver, 201), domain, spec.name(), dir);
        }
        StringBuilder m = new StringBuilder();
        for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
            m.append(String.format(Locale.ROOT, "  %s %.4e", e.getKey(), e.getValue()));
        }
        System.out.printf(Locale.ROOT, "done: %d steps in %.1f s (%.2f ms/step)%s%s%n", r.steps(), r.trainSeconds(),
                1e3 * r.trainSeconds() / Math.max(1, r.steps()), m, r.lbfgsStop() == null ? "" : "; L-BFGS: " + r.lbfgsStop());
        System.out.println("wrote " + dir + "/{metrics.csv, eval.csv, curves.png, params.npz, checkpoint.npz"
                + (domain.dim() == 2 ? ", solution.png, error.png, solution.vtk, solution.csv" : "") + "}");
        return 0;
    }

    /** The command-line options that override the problem's. */
    private RitzOptions overrides(RitzOptions o) {
        try {
            if (steps != null || lbfgs != null) {
                RitzOptions.Optimizer opt = o.optimizer();
                o = o.withOptimizer(opt.withSteps(steps != null ? steps : opt.steps()).withLbfgs(lbfgs != null ? lbfgs : opt.lbfgs()));
            }
            if (method != null) {
                o = o.withMethod(RitzOptions.Method.parse("--method", method));
            }
            if (bc != null) {
                o = o.withBoundary(o.boundary().withTreatment(RitzOptions.BoundaryTreatment.parse("--bc", bc)));
            }
            if (seed != null) {
                o = o.withRun(o.run().withSeed(seed));
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
                + "': give a JSON file or one of " + Examples.names()));
    }

    private static void writeGrid(SolutionGrid g, Domain domain, String name, Path dir) throws Exception {
        Contours.Region region = (x, y) -> domain.contains(new double[] {x, y});
        Png.writeFitted(HeatMap.of(new Grid2(g.xs(), g.ys(), g.u())).title(name + ": network solution").valueLabel("u")
                .outlineOf(region).chart(), dir.resolve("solution.png"), 620);
        if (g.exact() != null) {
            Png.writeFitted(HeatMap.of(new Grid2(g.xs(), g.ys(), g.error())).diverging().title(name + ": pointwise error")
                    .valueLabel("u \u2212 u_exact").outlineOf(region).chart(), dir.resolve("error.png"), 620);
            String[] names = {"u", "u_exact", "error"};
            double[][][] fields = {g.u(), g.exact(), g.error()};
            GridFiles.writeVtk(dir.resolve("solution.vtk"), name, g.xs(), g.ys(), names, fields);
            GridFiles.writeCsv(dir.resolve("solution.csv"), g.xs(), g.ys(), names, fields);
        } else {
            GridFiles.writeVtk(dir.resolve("solution.vtk"), name, g.xs(), g.ys(), new String[] {"u"}, new double[][][] {g.u()});
            GridFiles.writeCsv(dir.resolve("solution.csv"), g.xs(), g.ys(), new String[] {"u"}, new double[][][] {g.u()});
        }
    }
}
