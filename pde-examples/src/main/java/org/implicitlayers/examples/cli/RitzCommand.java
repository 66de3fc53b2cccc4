package org.implicitlayers.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.ritz.Examples;
import org.implicitlayers.ritz.ProblemFile;
import org.implicitlayers.ritz.ProblemSpec;
import org.implicitlayers.ritz.RitzOptions;
import org.implicitlayers.ritz.RitzOutputs;
import org.implicitlayers.ritz.RitzSolver;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.PoissonProblem;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * Solves a PDE by the Deep Ritz method (or as a PINN) and writes the solution, its error and the
 * training curves.
 */
@Command(
        name = "ritz",
        description = {
            "Solve a variational PDE with a neural network (Deep Ritz or PINN).",
            "PROBLEM is a JSON problem file or a built-in example: poisson-square (default), poisson-disk, l-shape, poisson-10d, eigen-square."
        })
final class RitzCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            arity = "0..1",
            defaultValue = "poisson-square",
            description = "Problem file or built-in name (default: ${DEFAULT-VALUE}).")
    String problem;

    @Option(names = "--steps", description = "Adam steps (overrides the problem's).")
    Integer steps;

    @Option(
            names = "--optimizer",
            description =
                    "adam or engd (energy natural gradient descent; overrides the problem's). "
                            + "Switching to engd takes its settings, which the other options may then override: the PINN loss with penalty 500, "
                            + "an MLP 20 x 2 with the domain's corner terms, 2048 + 512 fresh Sobol points per step, 1000 steps, float64.")
    String optimizer;

    @Option(
            names = "--corners",
            arity = "1",
            paramLabel = "true|false",
            description =
                    "Add the corner-singular terms of the domain's "
                            + "re-entrant corners to the solution, with trainable coefficients (overrides the problem's; default true with engd).")
    Boolean corners;

    @Option(
            names = "--lbfgs",
            description = "L-BFGS iterations after Adam (overrides the problem's).")
    Integer lbfgs;

    @Option(names = "--method", description = "ritz or pinn (overrides the problem's).")
    String method;

    @Option(names = "--bc", description = "penalty or exact (overrides the problem's).")
    String bc;

    @Option(names = "--dtype", description = "float32 or float64 (overrides the problem's).")
    String dtype;

    @Option(
            names = "--sampling",
            description = "uniform, sobol or halton (overrides the problem's).")
    String sampling;

    @CommandLine.Mixin RunOptions run;

    @CommandLine.Mixin FigureOptions figureOptions;

    @Override
    public Integer call() throws Exception {
        run.applyThreads();
        // Everything that can be refused is checked before the output folder exists.
        ProblemSpec spec = resolve();
        RitzOptions o = overrides(spec.options());
        Figures figures = figureOptions.figures();
        RitzSolver solver;
        try {
            solver = new RitzSolver(spec.problem(), o);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    (Files.exists(Path.of(problem)) ? problem + ": " : "") + e.getMessage(), e);
        }
        // The lock before anything in the folder is touched: a second run there fails at once.
        // The interrupt guard outermost: resources close in reverse order, so the lock file is
        // removed
        // before the guard lets an interrupted JVM exit (the other way round, it could exit first).
        try (OnInterrupt interrupt = new OnInterrupt();
                RunContext ctx =
                        run.open(Path.of("out", "ritz", spec.name()), "ritz", identity(spec, o))) {
            interrupt.cancels(ctx::cancel);
            return solveAndWrite(spec, o, solver, ctx, interrupt, figures);
        }
    }

    /**
     * What a checkpoint of this run can continue: the problem (its name and domain; for a file, its
     * absolute path) and everything that shapes the network and its loss, not the step counts.
     */
    private String identity(ProblemSpec spec, RitzOptions o) {
        Path file = Path.of(problem);
        String where =
                Files.isRegularFile(file)
                        ? "file " + file.toAbsolutePath().normalize()
                        : "built-in";
        return spec.name()
                + " ("
                + where
                + ", "
                + spec.problem().domain()
                + "), method "
                + o.method()
                + ", bc "
                + o.boundary().treatment()
                + ", network "
                + o.network().type()
                + " "
                + o.network().width()
                + "x"
                + o.network().depth()
                + " "
                + o.network().activation()
                + ", "
                + o.run().dtype()
                + ", optimizer "
                + o.optimizer().kind();
    }

    private int solveAndWrite(
            ProblemSpec spec,
            RitzOptions o,
            RitzSolver solver,
            RunContext ctx,
            OnInterrupt interrupt,
            Figures figures)
            throws Exception {
        Path dir = ctx.folder();
        Path ckpt = ctx.checkpoint();
        Domain domain = spec.problem().domain();
        boolean engd = o.optimizer().kind() == RitzOptions.OptimizerKind.ENGD;
        System.out.printf(
                "%s: %s on %s; %s loss, %s boundary conditions; %s network, width %d, depth %d, %s (%d parameters, %s); "
                        + "%s %d steps%s%n",
                spec.name(),
                spec.problem() instanceof PoissonProblem ? "Poisson" : "eigenvalue problem",
                domain,
                o.method(),
                o.boundary().treatment(),
                o.network().type(),
                o.network().width(),
                o.network().depth(),
                o.network().activation(),
                solver.network().parameterCount(),
                o.run().dtype(),
                engd ? "ENGD" : "Adam",
                o.optimizer().steps(),
                o.optimizer().lbfgs() > 0 ? " + L-BFGS " + o.optimizer().lbfgs() : "");
        if (o.boundary().treatment() == RitzOptions.BoundaryTreatment.EXACT
                && Files.exists(Path.of(problem))
                && bc == null
                && !new com.fasterxml.jackson.databind.ObjectMapper()
                        .readTree(Path.of(problem).toFile())
                        .has(ProblemFile.Keys.BC)) {
            System.out.println(
                    "bc: exact, the default for Dirichlet data (u = g + phi N; \"bc\": \"penalty\" or --bc penalty to change)");
        }
        if (solver.liftIsTheExactSolution()) {
            System.out.println(
                    "note: the Dirichlet data g equal the exact solution inside the domain, and bc 'exact' builds u = g + phi N:"
                            + " the boundary data contain the answer, so the errors below measure little (use bc 'penalty', or data that are"
                            + " not the solution's formula)");
        }
        if (!run.quiet) {
            ctx.callback(new ProgressBarCallback(System.err, spec.name()));
        }
        ctx.callback(
                new CsvMetricsLog(
                        dir.resolve(RitzOutputs.METRICS), dir.resolve(RitzOutputs.EVAL), 10));
        RitzSolver.Result r = solver.solve(ctx);

        StringBuilder m = new StringBuilder();
        for (Map.Entry<String, Double> e : r.metrics().entrySet()) {
            m.append(String.format(Locale.ROOT, "  %s %.4e", e.getKey(), e.getValue()));
        }
        System.out.printf(
                Locale.ROOT,
                "%s: %d steps in %.1f s (%.2f ms/step)%s%s%n",
                r.cancelled() ? "stopped" : "done",
                r.steps(),
                r.trainSeconds(),
                1e3 * r.trainSeconds() / Math.max(1, r.steps()),
                m,
                r.lbfgsStop() == null ? "" : "; L-BFGS: " + r.lbfgsStop());
        // One set of outputs, the same as the workbench's export and a sweep's run write: under
        // temporary
        // names, then moved into place together, so a failure (a full disk, an interrupt while
        // plotting)
        // leaves the previous run's set whole.
        List<String> wrote = new ArrayList<>();
        try (OutputSet files = ctx.outputs()) {
            wrote.addAll(RitzOutputs.write(solver, null, dir, files, figures));
            files.commit();
        }
        if (Files.exists(ckpt)) {
            wrote.add(RunContext.CHECKPOINT);
        }
        if (Files.exists(ctx.file(RunContext.IDENTITY))) {
            wrote.add(RunContext.IDENTITY);
        }
        System.out.println("wrote " + dir + "/{" + String.join(", ", wrote) + "}");
        if (r.cancelled()) {
            System.out.println(
                    (interrupt.interrupted() ? "interrupted" : "stopped")
                            + " at step "
                            + r.steps()
                            + "; checkpoint "
                            + ckpt
                            + "; continue with --resume");
            return 130;
        }
        return 0;
    }

    /** The command-line options that override the problem's. */
    private RitzOptions overrides(RitzOptions o) {
        try {
            if (optimizer != null) {
                RitzOptions.OptimizerKind kind =
                        RitzOptions.OptimizerKind.parse("--optimizer", optimizer);
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
                o =
                        o.withOptimizer(
                                opt.withSteps(steps != null ? steps : opt.steps())
                                        .withLbfgs(lbfgs != null ? lbfgs : opt.lbfgs()));
            }
            if (corners != null) {
                o = o.withNetwork(o.network().withCorners(corners));
            }
            if (method != null) {
                o = o.withMethod(RitzOptions.Method.parse("--method", method));
            }
            if (bc != null) {
                o =
                        o.withBoundary(
                                o.boundary()
                                        .withTreatment(
                                                RitzOptions.BoundaryTreatment.parse("--bc", bc)));
            }
            if (run.seed != null) {
                o = o.withRun(o.run().withSeed(run.seed));
            }
            if (dtype != null) {
                o = o.withRun(o.run().withDtype(DType.parse(dtype)));
            }
            if (sampling != null) {
                o =
                        o.withSampling(
                                o.sampling()
                                        .withMethod(
                                                RitzOptions.SamplingMethod.parse(
                                                        "--sampling", sampling)));
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
        return Examples.spec(problem)
                .orElseThrow(
                        () ->
                                new ParameterException(
                                        new CommandLine(this),
                                        "unknown problem '"
                                                + problem
                                                + "': give a JSON file or one of "
                                                + Examples.names()
                                                + "."
                                                + Suggestion.didYouMean(
                                                        problem, Examples.names())));
    }
}
