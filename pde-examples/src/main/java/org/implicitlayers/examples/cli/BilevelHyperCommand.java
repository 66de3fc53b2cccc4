package org.implicitlayers.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.DecompositionSolver;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.RunState;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.examples.bilevel.BreastCancer;
import org.implicitlayers.implicit.bilevel.Bilevel;
import org.implicitlayers.implicit.bilevel.GradientMode;
import org.implicitlayers.implicit.bilevel.NewtonCg;
import org.implicitlayers.implicit.bilevel.Variables;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.Figures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Per-feature L2 strengths lambda_j = exp(log lambda_j) of a logistic regression on the Breast
 * Cancer Wisconsin (Diagnostic) data, tuned by Adam on the validation loss with implicit
 * hypergradients (Newton-CG inner solves, CG on Hessian-vector products), against a grid search
 * over one shared lambda with as many inner solves. Also checks the implicit hypergradient against
 * the closed form of ridge regression and against float64 central finite differences.
 */
@Command(
        name = "hyper",
        description =
                "Tune per-feature L2 strengths of a logistic regression (breast cancer data) by implicit hypergradients;"
                        + " compare with a grid search over one shared strength at equal inner solves.")
final class BilevelHyperCommand implements Callable<Integer> {
    static final DType F64 = DType.FLOAT64;

    @Option(
            names = "--steps",
            defaultValue = "40",
            description =
                    "Outer Adam steps, and grid points of the comparison (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--lr",
            defaultValue = "0.1",
            description = "Outer Adam learning rate on log lambda (default: ${DEFAULT-VALUE}).")
    double lr;

    @Option(
            names = "--lambda0",
            defaultValue = "0.01",
            description = "Initial strength of every feature (default: ${DEFAULT-VALUE}).")
    double lambda0;

    @Option(
            names = "--train",
            defaultValue = "150",
            description = "Training samples (default: ${DEFAULT-VALUE}).")
    int nTrain;

    @Option(
            names = "--val",
            defaultValue = "200",
            description =
                    "Validation samples; the rest of the 569 are the test set (default: ${DEFAULT-VALUE}).")
    int nVal;

    @Option(
            names = "--checkpoint-every",
            defaultValue = "10",
            description = "Steps between checkpoints (default: ${DEFAULT-VALUE}).")
    long checkpointEvery;

    @CommandLine.Mixin RunOptions run;

    @CommandLine.Mixin FigureOptions figureOptions;

    private Figures figures;

    /** The hyperparameters as a module: one parameter, log lambda [30]. */
    static final class LogLambda extends Module {
        final Parameter value;

        LogLambda(Tensor init) {
            value = param("log_lambda", init);
        }

        @Override
        public Tensor forward(Tensor x) {
            return x;
        }
    }

    /** One split of the data, features standardised with the training statistics. */
    record Split(
            Tensor xTrain, Tensor yTrain, Tensor xVal, Tensor yVal, Tensor xTest, Tensor yTest) {}

    static Split split(BreastCancer.Data data, int nTrain, int nVal, long seed) {
        int n = data.y().length, d = data.x()[0].length;
        int[] perm = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        Rng rng = Rng.seeded(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        double[] mean = new double[d], sd = new double[d];
        for (int i = 0; i < nTrain; i++) {
            for (int k = 0; k < d; k++) {
                mean[k] += data.x()[perm[i]][k] / nTrain;
            }
        }
        for (int i = 0; i < nTrain; i++) {
            for (int k = 0; k < d; k++) {
                double c = data.x()[perm[i]][k] - mean[k];
                sd[k] += c * c / nTrain;
            }
        }
        Tensor[] parts = new Tensor[6];
        int[][] ranges = {{0, nTrain}, {nTrain, nTrain + nVal}, {nTrain + nVal, n}};
        for (int s = 0; s < 3; s++) {
            int m = ranges[s][1] - ranges[s][0];
            double[] x = new double[m * d], y = new double[m];
            for (int i = 0; i < m; i++) {
                int row = perm[ranges[s][0] + i];
                for (int k = 0; k < d; k++) {
                    x[i * d + k] = (data.x()[row][k] - mean[k]) / Math.sqrt(sd[k] + 1e-12);
                }
                y[i] = data.y()[row];
            }
            parts[2 * s] = Tensor.of(F64, x, m, d);
            parts[2 * s + 1] = Tensor.of(F64, y, m);
        }
        return new Split(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
    }

    /** The logits X w[:d] + w[d]. */
    static Tensor logits(Tensor x, Tensor w) {
        int d = x.shape(1);
        return x.matmul(w.slice(0, 0, d).unsqueeze(1)).squeeze(1).add(w.slice(0, d, d + 1));
    }

    /** The mean logistic loss, softplus(z) - y z. */
    static Tensor logLoss(Tensor x, Tensor y, Tensor w) {
        Tensor z = logits(x, w);
        return z.softplus(1).sub(y.mul(z)).mean();
    }

    static double accuracy(Tensor x, Tensor y, Tensor w) {
        double[] z = logits(x, w).toDoubleArray(), t = y.toDoubleArray();
        int ok = 0;
        for (int i = 0; i < z.length; i++) {
            ok += (z[i] > 0) == (t[i] > 0.5) ? 1 : 0;
        }
        return (double) ok / z.length;
    }

    /**
     * Logistic regression with per-feature L2 strengths exp(h[0]) (the bias is not penalised):
     * inner = mean training loss + 1/2 sum_j lambda_j w_j^2; outer = mean validation loss.
     */
    static Bilevel.Problem logistic(Tensor xTrain, Tensor yTrain, Tensor xVal, Tensor yVal) {
        int d = xTrain.shape(1);
        return Bilevel.Problem.argmin(
                Variables.tensor(F64, d + 1),
                (w, h) ->
                        logLoss(xTrain, yTrain, w)
                                .add(h[0].exp().mul(w.slice(0, 0, d).square()).sum().mul(0.5)),
                (w, h) -> logLoss(xVal, yVal, w));
    }

    static Bilevel.Options options(double tol) {
        return new Bilevel.Options(
                new NewtonCg(50, tol, 300, tol),
                GradientMode.Implicit.cg(tol, 300),
                NonConvergence.WARN);
    }

    @Override
    public Integer call() throws Exception {
        figures = figureOptions.figures();
        run.applyThreads();
        if (steps < 1) {
            throw new IllegalArgumentException("--steps must be >= 1, got " + steps);
        }
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("--lr must be a positive number, got " + lr);
        }
        if (!(lambda0 > 0) || Double.isInfinite(lambda0)) {
            throw new IllegalArgumentException(
                    "--lambda0 must be a positive number, got " + lambda0);
        }
        if (nTrain < 20 || nVal < 20 || nTrain + nVal > 569 - 50) {
            throw new IllegalArgumentException(
                    "--train and --val must each be >= 20 and leave >= 50 of the 569 samples for the test set, got "
                            + nTrain
                            + " and "
                            + nVal);
        }
        if (checkpointEvery < 1) {
            throw new IllegalArgumentException(
                    "--checkpoint-every must be >= 1, got " + checkpointEvery);
        }
        BreastCancer.Data data = BreastCancer.load();
        long seed = run.seed(0);
        String identity =
                String.format(
                        Locale.ROOT,
                        "breast cancer, train %d, val %d, seed %d, lr %s, lambda0 %s",
                        nTrain,
                        nVal,
                        seed,
                        lr,
                        lambda0);
        try (OnInterrupt interrupt = new OnInterrupt();
                RunContext ctx =
                        run.open(Path.of("out", "bilevel", "hyper"), "bilevel hyper", identity)) {
            interrupt.cancels(ctx::cancel);
            return train(ctx, data, seed);
        }
    }

    private int train(RunContext ctx, BreastCancer.Data data, long seed) throws Exception {
        long t0 = System.nanoTime();
        Split s = split(data, nTrain, nVal, seed);
        int d = s.xTrain().shape(1);
        Bilevel.Problem problem = logistic(s.xTrain(), s.yTrain(), s.xVal(), s.yVal());
        Bilevel.Options opts = options(1e-10);
        System.out.printf(
                Locale.ROOT,
                "Breast Cancer Wisconsin (Diagnostic): %d features; train %d, validation %d, test %d (seed %d)%n",
                d,
                nTrain,
                nVal,
                data.y().length - nTrain - nVal,
                seed);
        System.out.printf(
                Locale.ROOT,
                "logistic regression, per-feature L2 strengths exp(log lambda_j) from %.3g; Adam lr %.3g on the"
                        + " validation loss, %d steps; inner: Newton-CG to 1e-10 (warm started); hypergradient: CG on Hessian-vector products%n",
                lambda0,
                lr,
                steps);

        LogLambda h = new LogLambda(Tensor.full(F64, Math.log(lambda0), d));
        Adam adam = new Adam(h.parameters(), lr);
        Rng rng = Rng.seeded(seed);
        double[][] history =
                new double[steps]
                        [3]; // validation loss, inner iterations, CG iterations at each step
        Tensor[] warm = {Tensor.zeros(F64, d + 1)};
        RunState state =
                new RunState() {
                    @Override
                    public Map<String, Tensor> save() {
                        double[] flat = new double[steps * 3];
                        for (int i = 0; i < steps; i++) {
                            System.arraycopy(history[i], 0, flat, 3 * i, 3);
                        }
                        return Map.of("warm", warm[0], "history", Tensor.of(F64, flat, steps, 3));
                    }

                    @Override
                    public void restore(Map<String, Tensor> saved) {
                        Tensor w = saved.get("warm"), hist = saved.get("history");
                        if (w == null
                                || w.numel() != d + 1
                                || hist == null
                                || hist.rank() != 2
                                || hist.shape(1) != 3
                                || hist.shape(0) > steps) {
                            throw new IllegalArgumentException(
                                    "state: expected 'warm' of "
                                            + (d + 1)
                                            + " values and 'history' of at most "
                                            + steps
                                            + " x 3 (the checkpoint comes from a run of more --steps)");
                        }
                        warm[0] = w.to(F64).reshape(d + 1);
                        double[] flat = hist.toDoubleArray();
                        for (int i = 0; i < hist.shape(0); i++) {
                            System.arraycopy(flat, 3 * i, history[i], 0, 3);
                        }
                    }
                };
        Trainer.Builder tb =
                Trainer.builder(h, adam, rng)
                        .loss(
                                (step, r) -> {
                                    Tensor x = h.value.value();
                                    Bilevel.Result res =
                                            Bilevel.solve(problem, warm[0], new Tensor[] {x}, opts);
                                    warm[0] = res.innerSolution();
                                    history[(int) step - 1] =
                                            new double[] {
                                                res.value(),
                                                res.inner().evaluations(),
                                                res.linear().orElseThrow().evaluations()
                                            };
                                    return res.asLoss(x);
                                })
                        .state(state)
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(steps)
                                        .withCheckpointEvery(checkpointEvery));
        if (!run.quiet) {
            tb.callback(new ProgressBarCallback(System.err, "bilevel hyper"));
        }
        Trainer.Result tr = tb.context(ctx).build().run();
        if (tr.cancelled()) {
            System.out.printf(
                    "stopped at step %d; checkpoint %s; continue with --resume%n",
                    tr.lastStep(), ctx.checkpoint());
            return 130;
        }

        // Grid search over one shared lambda, log-spaced on [1e-4, 1e2], as many inner solves as
        // outer steps.
        double[] gridLambda = new double[steps],
                gridVal = new double[steps],
                gridBest = new double[steps];
        Tensor w = Tensor.zeros(F64, d + 1);
        int best = 0;
        for (int k = 0; k < steps; k++) {
            gridLambda[k] = steps == 1 ? lambda0 : Math.pow(10, -4 + 6.0 * k / (steps - 1));
            Bilevel.Evaluation e =
                    Bilevel.evaluate(
                            problem,
                            w,
                            new Tensor[] {Tensor.full(F64, Math.log(gridLambda[k]), d)},
                            opts);
            w = e.innerSolution();
            gridVal[k] = e.value();
            best = gridVal[k] < gridVal[best] ? k : best;
            gridBest[k] = gridVal[best];
        }
        Tensor logLambda = h.value.value().detach();
        Tensor wImp =
                Bilevel.evaluate(problem, warm[0], new Tensor[] {logLambda}, opts).innerSolution();
        Tensor wGrid =
                Bilevel.evaluate(
                                problem,
                                w,
                                new Tensor[] {Tensor.full(F64, Math.log(gridLambda[best]), d)},
                                opts)
                        .innerSolution();
        double[] imp = scores(s, wImp), grid = scores(s, wGrid);

        double ridgeErr = ridgeCheck(s, logLambda);
        double gradErr = gradCheck(s, seed);
        double wall = (System.nanoTime() - t0) / 1e9;

        System.out.println();
        System.out.println("method                        val loss  val acc  test loss  test acc");
        System.out.printf(
                Locale.ROOT,
                "implicit, per-feature lambda  %8.4f  %7.3f  %9.4f  %8.3f%n",
                imp[0],
                imp[1],
                imp[2],
                imp[3]);
        System.out.printf(
                Locale.ROOT,
                "grid, shared lambda %-9.3g %8.4f  %7.3f  %9.4f  %8.3f%n",
                gridLambda[best],
                grid[0],
                grid[1],
                grid[2],
                grid[3]);
        double meanInner = 0, meanCg = 0;
        for (double[] row : history) {
            meanInner += row[1] / steps;
            meanCg += row[2] / steps;
        }
        double[] lam = logLambda.exp().toDoubleArray();
        System.out.printf(
                Locale.ROOT,
                "%d inner solves each; implicit steps: %.1f Newton-CG evaluations and %.1f CG iterations on average%n",
                steps,
                meanInner,
                meanCg);
        System.out.printf(
                Locale.ROOT,
                "learned lambda: min %.3g, median %.3g, max %.3g%n",
                min(lam),
                median(lam),
                max(lam));
        System.out.printf(
                Locale.ROOT,
                "ridge regression: implicit hypergradient vs closed form, rel err %.2e%n",
                ridgeErr);
        System.out.printf(
                Locale.ROOT,
                "gradient check: implicit hypergradient vs float64 central differences (5 features, 40 + 40 samples), rel err %.2e%n",
                gradErr);

        Path out = ctx.folder();
        try (OutputSet files = ctx.outputs()) {
            double[] stepsX = new double[steps], impVal = new double[steps];
            for (int k = 0; k < steps; k++) {
                stepsX[k] = k + 1;
                impVal[k] = history[k][0];
            }
            figures.write(
                    Curves.chart(
                            "Validation loss at equal inner solves",
                            "inner solves (outer steps / grid points)",
                            false,
                            List.of(
                                    new Curves.Panel(
                                            "validation logistic loss",
                                            Curves.Scale.LINEAR,
                                            List.of(
                                                    Curves.Series.line(
                                                            "implicit hypergradient, per-feature lambda",
                                                            stepsX,
                                                            impVal),
                                                    Curves.Series.line(
                                                            "grid search, shared lambda (best so far)",
                                                            stepsX,
                                                            gridBest))))),
                    files.path(figures.fileName("validation")),
                    820,
                    520);
            double[] idx = new double[d], gridLine = new double[d];
            for (int j = 0; j < d; j++) {
                idx[j] = j;
                gridLine[j] = gridLambda[best];
            }
            figures.write(
                    Curves.chart(
                            "L2 strength per feature (0-9 mean, 10-19 standard error, 20-29 worst)",
                            "feature index",
                            false,
                            List.of(
                                    new Curves.Panel(
                                            "lambda (features standardised)",
                                            Curves.Scale.LOG,
                                            List.of(
                                                    new Curves.Series(
                                                            "learned by implicit hypergradients",
                                                            idx,
                                                            lam,
                                                            Curves.Mark.POINTS,
                                                            -1),
                                                    Curves.Series.line(
                                                            "best shared lambda of the grid",
                                                            idx,
                                                            gridLine))))),
                    files.path(figures.fileName("lambda")),
                    820,
                    520);
            Map<String, Tensor> npz = new LinkedHashMap<>();
            npz.put("log_lambda", logLambda);
            npz.put("w_implicit", wImp);
            npz.put("w_grid", wGrid);
            npz.put("grid_lambda", Tensor.of(F64, gridLambda, steps));
            npz.put("grid_val_loss", Tensor.of(F64, gridVal, steps));
            npz.put("val_loss_history", Tensor.of(F64, impVal, steps));
            Npz.write(files.path("hyper.npz"), npz);
            files.commit();
        }
        System.out.println(
                "wrote "
                        + out.resolve(figures.fileName("validation"))
                        + ", "
                        + out.resolve(figures.fileName("lambda"))
                        + ", "
                        + out.resolve("hyper.npz"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "bilevel hyper");
        json.put("steps", steps);
        json.put("inner_solves", steps);
        json.put("implicit_val_loss", imp[0]);
        json.put("implicit_val_acc", imp[1]);
        json.put("implicit_test_loss", imp[2]);
        json.put("implicit_test_acc", imp[3]);
        json.put("grid_lambda", gridLambda[best]);
        json.put("grid_val_loss", grid[0]);
        json.put("grid_val_acc", grid[1]);
        json.put("grid_test_loss", grid[2]);
        json.put("grid_test_acc", grid[3]);
        json.put("mean_inner_evaluations", meanInner);
        json.put("mean_cg_iterations", meanCg);
        json.put("ridge_closed_form_rel_err", ridgeErr);
        json.put("grad_check_rel_err", gradErr);
        json.put("wall_s", wall);
        System.out.println(new ObjectMapper().writeValueAsString(json));
        return 0;
    }

    /** Validation loss and accuracy, test loss and accuracy of the weights w. */
    static double[] scores(Split s, Tensor w) {
        try (Grad.Scope ignored = Grad.noGrad()) {
            return new double[] {
                logLoss(s.xVal(), s.yVal(), w).item(),
                accuracy(s.xVal(), s.yVal(), w),
                logLoss(s.xTest(), s.yTest(), w).item(),
                accuracy(s.xTest(), s.yTest(), w)
            };
        }
    }

    /**
     * Ridge regression of the centred labels on the training features with strengths
     * exp(logLambda): w*(lambda) = (X^T X + diag(lambda))^-1 X^T y, outer 1/2 |Xv w* - yv|^2. The
     * implicit hypergradient against the closed form dF/dlog(lambda_j) = -lambda_j w*_j [A^-1 Xv^T
     * (Xv w* - yv)]_j (Hipparchus LU); returns max |difference| / max |closed form|.
     */
    static double ridgeCheck(Split s, Tensor logLambda) {
        Tensor xt = s.xTrain(),
                yt = s.yTrain().mul(2).sub(1),
                xv = s.xVal(),
                yv = s.yVal().mul(2).sub(1);
        int d = xt.shape(1);
        Bilevel.Problem p =
                Bilevel.Problem.argmin(
                        Variables.tensor(F64, d),
                        (w, x) ->
                                xt.matmul(w.unsqueeze(1))
                                        .squeeze(1)
                                        .sub(yt)
                                        .square()
                                        .sum()
                                        .mul(0.5)
                                        .add(x[0].exp().mul(w.square()).sum().mul(0.5)),
                        (w, x) ->
                                xv.matmul(w.unsqueeze(1))
                                        .squeeze(1)
                                        .sub(yv)
                                        .square()
                                        .sum()
                                        .mul(0.5));
        Bilevel.Result r = Bilevel.solve(p, null, new Tensor[] {logLambda}, options(1e-13));
        RealMatrix x = new Array2DRowRealMatrix(xt.toDoubleArray2d()),
                xvm = new Array2DRowRealMatrix(xv.toDoubleArray2d());
        RealMatrix a = x.transpose().multiply(x);
        double[] lam = logLambda.exp().toDoubleArray();
        for (int j = 0; j < d; j++) {
            a.addToEntry(j, j, lam[j]);
        }
        DecompositionSolver lu = new LUDecomposition(a).getSolver();
        RealVector ws = lu.solve(x.transpose().operate(new ArrayRealVector(yt.toDoubleArray())));
        RealVector u =
                lu.solve(
                        xvm.transpose()
                                .operate(
                                        xvm.operate(ws)
                                                .subtract(
                                                        new ArrayRealVector(yv.toDoubleArray()))));
        double[] g = r.hypergradient()[0].toDoubleArray();
        double num = 0, den = 1e-300;
        for (int j = 0; j < d; j++) {
            double exact = -lam[j] * ws.getEntry(j) * u.getEntry(j);
            num = Math.max(num, Math.abs(g[j] - exact));
            den = Math.max(den, Math.abs(exact));
        }
        return num / den;
    }

    /**
     * The implicit hypergradient of the logistic problem on a small instance (5 features, 40
     * training and 40 validation samples, random log lambda) against float64 central differences of
     * the outer objective (h = 1e-5), the inner problem solved to a residual of 1e-13.
     */
    static double gradCheck(Split s, long seed) {
        int d = 5, m = 40;
        int[] rows = new int[m], cols = {0, 1, 2, 3, 4};
        for (int i = 0; i < m; i++) {
            rows[i] = i;
        }
        Tensor xt = s.xTrain().index(0, rows).index(1, cols),
                xv = s.xVal().index(0, rows).index(1, cols);
        Bilevel.Problem p = logistic(xt, s.yTrain().index(0, rows), xv, s.yVal().index(0, rows));
        Bilevel.Options o = options(1e-13).withPolicy(NonConvergence.RETURN_LAST);
        Tensor x = Tensor.randn(Rng.seeded(seed + 7), F64, d).mul(0.7).sub(2);
        Bilevel.Result r = Bilevel.solve(p, null, new Tensor[] {x}, o);
        double[] g = r.hypergradient()[0].toDoubleArray(), xs = x.toDoubleArray();
        double num = 0, den = 1e-300, hstep = 1e-5;
        for (int j = 0; j < d; j++) {
            double[] plus = xs.clone(), minus = xs.clone();
            plus[j] += hstep;
            minus[j] -= hstep;
            double fd =
                    (Bilevel.evaluate(
                                                    p,
                                                    r.innerSolution(),
                                                    new Tensor[] {Tensor.of(F64, plus, d)},
                                                    o)
                                            .value()
                                    - Bilevel.evaluate(
                                                    p,
                                                    r.innerSolution(),
                                                    new Tensor[] {Tensor.of(F64, minus, d)},
                                                    o)
                                            .value())
                            / (2 * hstep);
            num = Math.max(num, Math.abs(g[j] - fd));
            den = Math.max(den, Math.abs(fd));
        }
        return num / den;
    }

    static double min(double[] v) {
        return java.util.Arrays.stream(v).min().orElse(Double.NaN);
    }

    static double max(double[] v) {
        return java.util.Arrays.stream(v).max().orElse(Double.NaN);
    }

    static double median(double[] v) {
        double[] c = v.clone();
        java.util.Arrays.sort(c);
        return c.length % 2 == 1 ? c[c.length / 2] : 0.5 * (c[c.length / 2 - 1] + c[c.length / 2]);
    }
}
