package org.implicitlayers.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.examples.bilevel.CoefficientInversion;
import org.implicitlayers.examples.bilevel.GradientCheck;
import org.implicitlayers.examples.bilevel.LogCoefficient;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.plot.Grid2;
import org.implicitlayers.plot.HeatMap;
import org.implicitlayers.plot.LossCurve;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The coefficient inversion of {@link CoefficientInversion}: Deep Ritz as the inner argmin, the
 * outer gradient by the implicit function theorem. Prints the recovered coefficient's error, the
 * forward solution's error and the misfit, writes the figures, and ends with one JSON line that
 * also holds the implicit gradient's agreement with finite differences on a small exactly solved
 * instance.
 */
@Command(
        name = "inverse-pde",
        description =
                "Recover the coefficient a of -div(a grad u) = 10 on the unit square from noisy values of u:"
                        + " Deep Ritz inner problem, implicit-function-theorem outer gradient. Output folder: out/bilevel/inverse-pde.")
final class InversePdeCommand implements Callable<Integer> {
    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "Outer steps (Adam on the coefficient; default 200).")
    Integer steps;

    @Option(
            names = "--observations",
            paramLabel = "N",
            description = "Points where u is observed, uniformly drawn (default 100).")
    Integer observations;

    @Option(
            names = "--noise",
            paramLabel = "SIGMA",
            description =
                    "Observation noise, standard deviation as a fraction of max |u| (default 0.01).")
    Double noise;

    @Option(
            names = "--modes",
            paramLabel = "K",
            description =
                    "Cosine modes per direction of log a, 1 to 8 (default 3; the truth has 3).")
    Integer modes;

    @Option(names = "--alpha", description = "Tikhonov weight on |theta|^2 (default 1e-4).")
    Double alpha;

    @Option(names = "--lr", description = "Adam's learning rate on theta (default 0.05).")
    Double lr;

    @Option(
            names = "--width",
            description = "Width of the network's two hidden tanh layers (default 16).")
    Integer width;

    @Option(
            names = "--points",
            paramLabel = "N",
            description =
                    "Quadrature points of the Ritz energy, a fresh Sobol block at every step (default 2048).")
    Integer points;

    @Option(
            names = "--warmup",
            paramLabel = "N",
            description = "L-BFGS iterations of the first inner solve (default 300).")
    Integer warmup;

    @Option(
            names = "--inner",
            paramLabel = "N",
            description = "L-BFGS iterations of each later inner solve, warm-started (default 20).")
    Integer inner;

    @Option(
            names = "--damping",
            paramLabel = "LAMBDA",
            description = "Added to the inner Hessian in the adjoint solve (default 1e-4).")
    Double damping;

    @Option(
            names = "--cg-iterations",
            paramLabel = "N",
            description =
                    "Conjugate-gradient iterations of the adjoint solve at most (default 20).")
    Integer cgIterations;

    @Option(
            names = "--cg-tol",
            description = "Relative residual tolerance of the adjoint solve (default 1e-6).")
    Double cgTol;

    @Option(
            names = "--fd-grid",
            paramLabel = "N",
            description = "Intervals per side of the finite-difference truth (default 256).")
    Integer fdGrid;

    @Option(
            names = "--eval-every",
            paramLabel = "N",
            description = "Steps between evaluations and checkpoints (default 10).")
    Integer evalEvery;

    @Option(
            names = "--dtype",
            description = "float64 or float32 (default float64).",
            converter = BenchCommand.DTypeConverter.class)
    DType dtype;

    @CommandLine.Mixin RunOptions run;

    @CommandLine.Mixin FigureOptions figureOptions;

    private Figures figures;

    /** The options, checked: an error names the option. */
    CoefficientInversion.Options options() {
        CoefficientInversion.Options d = CoefficientInversion.Options.defaults();
        return new CoefficientInversion.Options(
                or(steps, d.steps()),
                or(modes, d.modes()),
                or(observations, d.observations()),
                or(noise, d.noise()),
                or(alpha, d.alpha()),
                or(width, d.width()),
                or(points, d.points()),
                or(warmup, d.warmup()),
                or(inner, d.inner()),
                or(lr, d.lr()),
                or(damping, d.damping()),
                or(cgIterations, d.cgIterations()),
                or(cgTol, d.cgTolerance()),
                or(fdGrid, d.fdGrid()),
                or(evalEvery, d.evalEvery()),
                dtype == null ? d.dtype() : dtype,
                run.seed(d.seed()));
    }

    private static <T> T or(T v, T fallback) {
        return v != null ? v : fallback;
    }

    @Override
    public Integer call() throws Exception {
        figures = figureOptions.figures();
        run.applyThreads();
        CoefficientInversion.Options o = options();
        CoefficientInversion inversion = new CoefficientInversion(o);
        try (OnInterrupt interrupt = new OnInterrupt();
                RunContext ctx =
                        run.open(
                                Path.of("out", "bilevel", "inverse-pde"),
                                "bilevel inverse-pde",
                                o.identity())) {
            ctx.onCancel(inversion::cancel);
            interrupt.cancels(ctx::cancel);
            return runAndReport(inversion, ctx, interrupt);
        }
    }

    private int runAndReport(CoefficientInversion inv, RunContext ctx, OnInterrupt interrupt)
            throws IOException {
        CoefficientInversion.Options o = inv.options();
        Path dir = ctx.folder();
        List<TrainingCallback> cbs = new ArrayList<>();
        if (!run.quiet) {
            cbs.add(new ProgressBarCallback(System.err, "bilevel inverse-pde"));
        }
        cbs.add(new CsvMetricsLog(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), 1));
        long t0 = System.nanoTime();
        Trainer.Result r = inv.run(ctx, cbs);
        double trainSeconds = (System.nanoTime() - t0) / 1e9;
        CoefficientInversion.Metrics m = inv.metrics();
        double prior =
                CoefficientInversion.coefficientError(new double[o.modes() * o.modes()], o.modes());
        CoefficientInversion.Observations obs = inv.observations();
        int nCheck = Math.min(16, obs.size());
        double[] t = CoefficientInversion.trueTheta();
        GradientCheck.Result gc =
                GradientCheck.run(
                        new double[] {t[0], t[1], t[3], t[4]},
                        obs.x(),
                        obs.y(),
                        obs.data(),
                        nCheck,
                        o.alpha(),
                        o.seed() + 3);
        double[] theta = inv.coefficient().theta().value().toDoubleArray();
        List<String> wrote;
        try (OutputSet files = ctx.outputs()) {
            writeFigures(figures, inv, files);
            LossCurve.write(
                    dir.resolve("metrics.csv"),
                    dir.resolve("eval.csv"),
                    figures,
                    files.path(figures.fileName("loss")),
                    "bilevel inverse-pde (outer objective F; coefficient and solution errors, misfit)",
                    new LossCurve.Labels(
                            "outer objective F",
                            "error, misfit (dimensionless)",
                            java.util.Map.of(
                                    "a_rel_l2_err", "coefficient a: relative L2 error",
                                    "u_rel_l2_err", "solution u: relative L2 error",
                                    "misfit", "data misfit")));
            writeCsv(
                    files,
                    "observations.csv",
                    w -> {
                        double[] xy = new double[2 * obs.size()];
                        for (int i = 0; i < obs.size(); i++) {
                            xy[2 * i] = obs.x()[i];
                            xy[2 * i + 1] = obs.y()[i];
                        }
                        double[] u = inv.solution(xy);
                        w.println("x,y,u_true,data,u_recovered");
                        for (int i = 0; i < obs.size(); i++) {
                            w.printf(
                                    Locale.ROOT,
                                    "%.10g,%.10g,%.10g,%.10g,%.10g%n",
                                    obs.x()[i],
                                    obs.y()[i],
                                    obs.clean()[i],
                                    obs.data()[i],
                                    u[i]);
                        }
                    });
            writeCsv(
                    files,
                    "theta.csv",
                    w -> {
                        w.println("k,l,theta,theta_true");
                        int k3 = CoefficientInversion.TRUE_MODES;
                        for (int k = 0; k < o.modes(); k++) {
                            for (int l = 0; l < o.modes(); l++) {
                                double truth = k < k3 && l < k3 ? t[k * k3 + l] : 0;
                                w.printf(
                                        Locale.ROOT,
                                        "%d,%d,%.10g,%.10g%n",
                                        k,
                                        l,
                                        theta[k * o.modes() + l],
                                        truth);
                            }
                        }
                    });
            Npz.write(files.path("params.npz"), inv.state().stateDict());
            wrote = new ArrayList<>(files.commit());
        }
        wrote.add("metrics.csv");
        wrote.add("eval.csv");
        if (Files.exists(ctx.checkpoint())) {
            wrote.add(RunContext.CHECKPOINT);
        }
        List<Solution> solves = inv.adjointSolves();
        int[] cg = solves.stream().mapToInt(Solution::evaluations).sorted().toArray();
        int cgMedian = cg.length == 0 ? 0 : cg[cg.length / 2];
        System.out.printf(
                Locale.ROOT,
                "%d observations, noise %.3g (sigma %.3g); truth u from finite differences on a %dx%d grid%n",
                obs.size(),
                o.noise(),
                obs.sigma(),
                o.fdGrid(),
                o.fdGrid());
        System.out.printf(
                Locale.ROOT,
                "coefficient a: relative L2 error %.4g (a = 1: %.4g); solution u: relative L2 error %.4g%n",
                m.coefficientError(),
                prior,
                m.solutionError());
        System.out.printf(
                Locale.ROOT,
                "misfit 0.5 sum (u - d)^2 = %.4g (the truth's: %.4g); adjoint CG iterations per step (median) %d%n",
                m.misfit(),
                inv.misfitOfTruth(),
                cgMedian);
        System.out.printf(
                Locale.ROOT,
                "implicit gradient vs central differences (small instance: %s): relative error %.3g%n",
                GradientCheck.Result.instance(),
                gc.relativeError());
        System.out.println("wrote " + dir + "/{" + String.join(", ", wrote) + "}");
        if (r.cancelled()) {
            System.out.println(
                    (interrupt.interrupted() ? "interrupted" : "stopped")
                            + " at step "
                            + r.lastStep()
                            + "; continue with --resume");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "bilevel inverse-pde");
        json.put("steps", r.lastStep());
        json.put("a_rel_l2_err", m.coefficientError());
        json.put("a_rel_l2_err_prior", prior);
        json.put("u_rel_l2_err", m.solutionError());
        json.put("misfit", m.misfit());
        json.put("misfit_of_truth", inv.misfitOfTruth());
        json.put("observations", obs.size());
        json.put("noise", o.noise());
        json.put("modes", o.modes());
        json.put("cg_iterations_median", cgMedian);
        json.put("wall_s", trainSeconds);
        json.put("grad_check_rel_err", gc.relativeError());
        json.put("grad_check_instance", GradientCheck.Result.instance());
        System.out.println(
                new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(json));
        return r.cancelled() ? 130 : 0;
    }

    private interface CsvBody {
        void write(PrintWriter w) throws IOException;
    }

    private static void writeCsv(OutputSet files, String name, CsvBody body) throws IOException {
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(files.path(name)))) {
            body.write(w);
            if (w.checkError()) {
                throw new IOException(files.finalPath(name) + ": cannot write");
            }
        }
    }

    private static void writeFigures(Figures figures, CoefficientInversion inv, OutputSet files)
            throws IOException {
        int n = 101;
        double[] th = inv.coefficient().theta().value().toDoubleArray();
        int k = inv.options().modes();
        Grid2 truth = Grid2.sample(0, 1, n, 0, 1, n, CoefficientInversion::trueCoefficient);
        Grid2 rec = Grid2.sample(0, 1, n, 0, 1, n, (x, y) -> LogCoefficient.value(th, k, x, y));
        Grid2 diff =
                Grid2.sample(
                        0,
                        1,
                        n,
                        0,
                        1,
                        n,
                        (x, y) ->
                                LogCoefficient.value(th, k, x, y)
                                        - CoefficientInversion.trueCoefficient(x, y));
        double[] rt = truth.finiteRange(), rr = rec.finiteRange();
        double lo = Math.min(rt[0], rr[0]), hi = Math.max(rt[1], rr[1]);
        CoefficientInversion.Observations obs = inv.observations();
        figures.writeFitted(
                HeatMap.of(truth)
                        .title(
                                "true coefficient a\u2020 and the "
                                        + obs.size()
                                        + " observation points")
                        .axes("x (unit square)", "y (unit square)")
                        .valueLabel("a\u2020 (dimensionless)")
                        .range(lo, hi)
                        .points("observations", obs.x(), obs.y())
                        .chart(),
                files.path(figures.fileName("a_true")),
                560);
        figures.writeFitted(
                HeatMap.of(rec)
                        .title("recovered coefficient a (" + k + "x" + k + " modes)")
                        .axes("x (unit square)", "y (unit square)")
                        .valueLabel("a (dimensionless)")
                        .range(lo, hi)
                        .chart(),
                files.path(figures.fileName("a_recovered")),
                560);
        figures.writeFitted(
                HeatMap.of(diff)
                        .diverging()
                        .title("recovered minus true coefficient")
                        .axes("x (unit square)", "y (unit square)")
                        .valueLabel("a - a\u2020 (dimensionless)")
                        .chart(),
                files.path(figures.fileName("a_difference")),
                560);
    }
}
