package org.implicitlayers.examples.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.ProgressBarCallback;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.examples.output.GridOutput;
import org.implicitlayers.examples.plot.LossCurve;
import org.implicitlayers.plot.Contours;
import org.implicitlayers.plot.Grid2;
import org.implicitlayers.plot.HeatMap;
import org.implicitlayers.plot.Png;
import org.implicitlayers.ritz.Examples;
import org.implicitlayers.ritz.ProblemFile;
import org.implicitlayers.ritz.RitzOptions;
import org.implicitlayers.ritz.RitzSolver;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.domain.Domain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
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
        ProblemFile.Spec spec = resolve();
        RitzOptions o = spec.options();
        if (steps != null) {
            o = o.withSteps(steps);
        }
        if (lbfgs != null) {
            o = o.withOptimizer(o.lr(), o.lrDecay(), lbfgs);
        }
        if (method != null || bc != null) {
            o = o.withMethod(method != null ? method : o.method(), bc != null ? bc : o.bc());
        }
        if (seed != null || dtype != null) {
            o = o.withRun(o.evalEvery(), seed != null ? seed : o.seed(), dtype != null ? org.implicitlayers.core.DType.parse(dtype) : o.dtype());
        }
        if (sampling != null) {
            o = o.withSampling(sampling, o.resample(), o.interior(), o.boundary());
        }
        o = o.validate();
        Path dir = out != null ? out : Path.of("out", "ritz", spec.name());
        Files.createDirectories(dir);
        RitzSolver solver = spec.poisson() != null ? new RitzSolver(spec.poisson(), o) : new RitzSolver(spec.eigen(), o);
        Domain domain = spec.poisson() != null ? spec.poisson().domain() : spec.eigen().domain();
        System.out.printf("%s: %s on %s; %s loss, %s boundary conditions; %s network, width %d, depth %d, %s; Adam %d steps%s%n",
                spec.name(), spec.poisson() != null ? "Poisson" : "eigenvalue problem", domain, o.method(), o.bc(), o.network(),
                o.width(), o.depth(), o.activation(), o.steps(), o.lbfgs() > 0 ? " + L-BFGS " + o.lbfgs() : "");
        List<TrainingCallback> cbs = new ArrayList<>();
        if (!quiet) {
            cbs.add(new ProgressBarCallback(System.err, spec.name()));
        }
        cbs.add(new CsvMetricsLog(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), 10));
        RitzSolver.Result r = solver.solve(cbs, dir.resolve("checkpoint.npz"), resume);

        LossCurve.write(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), dir.resolve("curves.png"), spec.name() + ": training");
        Npz.write(dir.resolve("params.npz"), solver.network().stateDict());
        if (domain.dim() == 2) {
            writeGrid(solver, spec, domain, dir);
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

    private ProblemFile.Spec resolve() throws Exception {
        if (Files.exists(Path.of(problem)) || problem.endsWith(".json")) {
            return ProblemFile.load(Path.of(problem));
        }
        if (problem.equals("eigen-square")) {
            return new ProblemFile.Spec(null, Examples.eigenSquare(), RitzOptions.defaults().withMethod("ritz", "exact")
                    .withPenalty(100).withSteps(5000));
        }
        var p = Examples.POISSON.get(problem);
        if (p == null) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "unknown problem '" + problem
                    + "': give a JSON file or one of " + new java.util.TreeSet<>(Examples.POISSON.keySet()) + ", eigen-square");
        }
        RitzOptions o = RitzOptions.defaults();
        if (problem.equals("poisson-square") || problem.equals("poisson-disk")) {
            // u = 0 on the boundary: the exact ansatz u = phi N removes the penalty's bias; Sobol points and a
            // decaying learning rate remove most of the sampling noise (rel. L2 about 3e-4 on the square, versus
            // 4e-2 with the benchmark's penalty settings). Not used where g is the exact solution: the ansatz
            // would then contain the answer.
            o = o.withMethod("ritz", "exact").withSampling("sobol", true, 1024, 1).withOptimizer(3e-3, 0.02, 0);
        }
        if (problem.equals("poisson-10d")) {
            o = o.withNetwork("resnet", 64, 3, "tanh").withSampling("uniform", true, 2048, 1024);
        }
        if (problem.equals("l-shape")) {
            o = o.withSteps(8000);
        }
        return new ProblemFile.Spec(p.get(), null, o);
    }

    private static void writeGrid(RitzSolver solver, ProblemFile.Spec spec, Domain domain, Path dir) throws Exception {
        int n = 201;
        double[] lo = domain.lower(), hi = domain.upper();
        double[] xs = new double[n], ys = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = lo[0] + (hi[0] - lo[0]) * i / (n - 1);
            ys[i] = lo[1] + (hi[1] - lo[1]) * i / (n - 1);
        }
        double[] pts = new double[2 * n * n];
        boolean[] inside = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                pts[2 * k] = xs[i];
                pts[2 * k + 1] = ys[j];
                inside[k] = domain instanceof Box || domain.contains(new double[] {xs[i], ys[j]});
            }
        }
        Tensor x = Tensor.of(DType.FLOAT64, pts, n * n, 2);
        double[] u, exact = null;
        try (Grad.Scope s = Grad.noGrad()) {
            u = solver.solution(x.to(solver.network().parameters().values().iterator().next().value().dtype())).toDoubleArray();
            if (spec.poisson() != null && spec.poisson().exact() != null) {
                exact = spec.poisson().exact().at(x).toDoubleArray();
            }
        }
        double[][] uu = new double[n][n], ee = new double[n][n], err = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                uu[i][j] = inside[k] ? u[k] : Double.NaN;
                ee[i][j] = inside[k] && exact != null ? exact[k] : Double.NaN;
                err[i][j] = inside[k] && exact != null ? u[k] - exact[k] : Double.NaN;
            }
        }
        Contours.Region region = (x0, y0) -> domain.contains(new double[] {x0, y0});
        Png.writeFitted(HeatMap.of(new Grid2(xs, ys, uu)).title(spec.name() + ": network solution").valueLabel("u")
                .outlineOf(region).chart(), dir.resolve("solution.png"), 620);
        if (exact != null) {
            Png.writeFitted(HeatMap.of(new Grid2(xs, ys, err)).diverging().title(spec.name() + ": pointwise error")
                    .valueLabel("u \u2212 u_exact").outlineOf(region).chart(), dir.resolve("error.png"), 620);
            GridOutput.writeVtk(dir.resolve("solution.vtk"), spec.name(), xs, ys, new String[] {"u", "u_exact", "error"},
                    new double[][][] {uu, ee, err});
            GridOutput.writeCsv(dir.resolve("solution.csv"), xs, ys, new String[] {"u", "u_exact", "error"}, new double[][][] {uu, ee, err});
        } else {
            GridOutput.writeVtk(dir.resolve("solution.vtk"), spec.name(), xs, ys, new String[] {"u"}, new double[][][] {uu});
            GridOutput.writeCsv(dir.resolve("solution.csv"), xs, ys, new String[] {"u"}, new double[][][] {uu});
        }
    }
}
