package org.implicitlayers.examples.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.RunState;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.examples.bilevel.SineTasks;
import org.implicitlayers.implicit.bilevel.Bilevel;
import org.implicitlayers.implicit.bilevel.GradientDescent;
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
 * Implicit MAML (Rajeswaran, Finn, Kakade and Levine 2019) on few-shot sine regression (Finn et al.
 * 2017), beside first-order MAML and MAML (backpropagation through the inner loop), all three meta-
 * training a 1-40-40-1 ReLU network from the same initialisation on the same tasks. The adapted
 * parameters are phi = theta + delta, delta the inner variable:
 *
 * <ul>
 *   <li>iMAML: delta* = argmin L_support(theta + delta) + lambda/2 |delta|^2 by gradient descent;
 *       meta-gradient by the implicit function theorem, CG on (H + lambda I) v = grad L_query,
 *       which is lambda (I + H/lambda)^-1 grad L_query, iMAML's;
 *   <li>MAML: K gradient steps on L_support from delta = 0, differentiated through all of them;
 *   <li>first-order MAML: the same K steps, the query gradient at phi taken as the meta-gradient.
 * </ul>
 */
@Command(
        name = "imaml",
        description =
                "Implicit MAML against first-order MAML and MAML on 5-shot sine regression: meta-test MSE, tape memory.")
final class BilevelImamlCommand implements Callable<Integer> {
    static final DType F64 = DType.FLOAT64;
    static final String[] METHODS = {"imaml", "fomaml", "maml"};

    @Option(
            names = "--steps",
            defaultValue = "200",
            description = "Meta-steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--meta-batch",
            defaultValue = "4",
            description = "Tasks per meta-step (default: ${DEFAULT-VALUE}).")
    int metaBatch;

    @Option(
            names = "--meta-lr",
            defaultValue = "0.01",
            description = "Adam learning rate of the meta-parameters (default: ${DEFAULT-VALUE}).")
    double metaLr;

    @Option(
            names = "--inner-lr",
            defaultValue = "0.01",
            description = "Inner gradient-descent step size (default: ${DEFAULT-VALUE}).")
    double innerLr;

    @Option(
            names = "--inner-steps",
            defaultValue = "5",
            description = "Inner steps of MAML and first-order MAML (default: ${DEFAULT-VALUE}).")
    int innerSteps;

    @Option(
            names = "--imaml-steps",
            defaultValue = "15",
            description = "Inner gradient steps of iMAML (default: ${DEFAULT-VALUE}).")
    int imamlSteps;

    @Option(
            names = "--lambda",
            defaultValue = "1.0",
            description = "iMAML's proximal strength lambda (default: ${DEFAULT-VALUE}).")
    double lambda;

    @Option(
            names = "--cg-iters",
            defaultValue = "5",
            description = "CG iterations of the iMAML meta-gradient (default: ${DEFAULT-VALUE}).")
    int cgIters;

    @Option(
            names = "--shots",
            defaultValue = "5",
            description = "Support points per task, K (default: ${DEFAULT-VALUE}).")
    int shots;

    @Option(
            names = "--test-tasks",
            defaultValue = "200",
            description = "Meta-test tasks (default: ${DEFAULT-VALUE}).")
    int testTasks;

    @Option(
            names = "--eval-every",
            defaultValue = "25",
            description =
                    "Meta-steps between evaluations on the validation tasks (default: ${DEFAULT-VALUE}).")
    int evalEvery;

    @Option(
            names = "--val-tasks",
            defaultValue = "50",
            description = "Held-out tasks of the meta-test curve (default: ${DEFAULT-VALUE}).")
    int valTasks;

    @CommandLine.Mixin RunOptions run;

    @CommandLine.Mixin FigureOptions figureOptions;

    private Figures figures;

    /** The three methods' meta-parameters, flat. */
    static final class MetaParams extends Module {
        final Parameter[] theta = new Parameter[METHODS.length];

        MetaParams(Tensor init) {
            // A copy each: the optimiser updates the values in place.
            for (int i = 0; i < METHODS.length; i++) {
                theta[i] =
                        param(
                                METHODS[i],
                                Tensor.of(init.dtype(), init.toDoubleArray(), init.shape()));
            }
        }

        @Override
        public Tensor forward(Tensor x) {
            return x;
        }
    }

    /** What one method does with a task. */
    record Setup(
            Mlp net,
            Variables netVars,
            double innerLr,
            int innerSteps,
            int imamlSteps,
            double lambda,
            int cgIters) {
        /** The network with flat parameters phi at x. */
        Tensor apply(Tensor phi, Tensor x) {
            return netVars.bind(phi, p -> net.forward(x));
        }

        static Tensor mse(Tensor pred, Tensor y) {
            return pred.sub(y).square().mean();
        }

        /**
         * The bilevel problem of one task: inner variable delta, outer theta; prox > 0 adds
         * lambda/2 |delta|^2.
         */
        Bilevel.Problem problem(SineTasks.Task t, double prox) {
            return Bilevel.Problem.argmin(
                    Variables.tensor(F64, netVars.size()),
                    (d, th) -> {
                        Tensor l = mse(apply(th[0].add(d), t.xSupport()), t.ySupport());
                        return prox > 0 ? l.add(d.square().sum().mul(prox / 2)) : l;
                    },
                    (d, th) -> mse(apply(th[0].add(d), t.xQuery()), t.yQuery()));
        }

        Bilevel.Options imamlOptions() {
            return new Bilevel.Options(
                    GradientDescent.steps(innerLr, imamlSteps),
                    GradientMode.Implicit.cg(1e-10, cgIters),
                    NonConvergence.RETURN_LAST);
        }

        Bilevel.Options mamlOptions() {
            return new Bilevel.Options(
                    GradientDescent.steps(innerLr, innerSteps),
                    new GradientMode.Unrolled(),
                    NonConvergence.RETURN_LAST);
        }

        /** The adapted parameters phi = theta + delta of a method for a task (no tape). */
        Tensor adapt(int method, Tensor theta, SineTasks.Task t) {
            boolean imaml = method == 0;
            Bilevel.Evaluation e =
                    Bilevel.evaluate(
                            problem(t, imaml ? lambda : 0),
                            Tensor.zeros(F64, netVars.size()),
                            new Tensor[] {theta},
                            imaml ? imamlOptions() : mamlOptions());
            return theta.add(e.innerSolution());
        }
    }

    @Override
    public Integer call() throws Exception {
        figures = figureOptions.figures();
        run.applyThreads();
        check(steps >= 1, "--steps must be >= 1, got " + steps);
        check(metaBatch >= 1, "--meta-batch must be >= 1, got " + metaBatch);
        check(
                metaLr > 0 && Double.isFinite(metaLr),
                "--meta-lr must be a positive number, got " + metaLr);
        check(
                innerLr > 0 && Double.isFinite(innerLr),
                "--inner-lr must be a positive number, got " + innerLr);
        check(innerSteps >= 1, "--inner-steps must be >= 1, got " + innerSteps);
        check(imamlSteps >= 1, "--imaml-steps must be >= 1, got " + imamlSteps);
        check(
                lambda > 0 && Double.isFinite(lambda),
                "--lambda must be a positive number, got " + lambda);
        check(cgIters >= 1, "--cg-iters must be >= 1, got " + cgIters);
        check(shots >= 1, "--shots must be >= 1, got " + shots);
        check(testTasks >= 2, "--test-tasks must be >= 2 (for a standard error), got " + testTasks);
        check(evalEvery >= 1, "--eval-every must be >= 1, got " + evalEvery);
        check(valTasks >= 1, "--val-tasks must be >= 1, got " + valTasks);
        long seed = run.seed(0);
        String identity =
                String.format(
                        Locale.ROOT,
                        "sine, K %d, batch %d, meta-lr %s, inner-lr %s, steps %d/%d, lambda %s, cg %d, eval every %d on %d tasks, seed %d",
                        shots,
                        metaBatch,
                        metaLr,
                        innerLr,
                        innerSteps,
                        imamlSteps,
                        lambda,
                        cgIters,
                        evalEvery,
                        valTasks,
                        seed);
        try (OnInterrupt interrupt = new OnInterrupt();
                RunContext ctx =
                        run.open(Path.of("out", "bilevel", "imaml"), "bilevel imaml", identity)) {
            interrupt.cancels(ctx::cancel);
            return train(ctx, seed);
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private int train(RunContext ctx, long seed) throws Exception {
        long t0 = System.nanoTime();
        Rng init = Rng.seeded(seed);
        Mlp net = Mlp.builder(1, 40, 40, 1).activation(Activation.relu()).dtype(F64).build(init);
        Variables vars = Variables.parameters(net);
        Setup setup = new Setup(net, vars, innerLr, innerSteps, imamlSteps, lambda, cgIters);
        MetaParams meta = new MetaParams(vars.current());
        Adam adam = new Adam(meta.parameters(), metaLr);
        Rng rng = Rng.seeded(seed + 1);
        List<SineTasks.Task> valSet = tasks(Rng.seeded(seed + 2), valTasks),
                testSet = tasks(Rng.seeded(seed + 3), testTasks);
        System.out.printf(
                Locale.ROOT,
                "sine regression, K = %d shots; MLP 1-40-40-1 ReLU (%d parameters), float64; %d meta-steps of %d tasks,"
                        + " Adam %.3g%n",
                shots,
                vars.size(),
                steps,
                metaBatch,
                metaLr);
        System.out.printf(
                Locale.ROOT,
                "MAML and first-order MAML: %d inner steps of %.3g; iMAML: %d steps of %.3g on the task loss +"
                        + " lambda/2 |phi - theta|^2, lambda %.3g, CG %d iterations%n",
                innerSteps,
                innerLr,
                imamlSteps,
                innerLr,
                lambda,
                cgIters);

        // Steps 0, E, 2E, ... and the last step (when it is not a multiple of E).
        int nEval = (int) (steps / evalEvery) + 1 + (steps % evalEvery == 0 ? 0 : 1);
        double[][] curve =
                new double[METHODS.length]
                        [nEval]; // meta-test MSE on the validation tasks at steps 0, E, 2E, ...
        double[][] tape =
                new double[METHODS.length][2]; // tape operations and bytes per task, last meta-step
        RunState state =
                new RunState() {
                    @Override
                    public Map<String, Tensor> save() {
                        double[] flat = new double[METHODS.length * nEval];
                        for (int m = 0; m < METHODS.length; m++) {
                            System.arraycopy(curve[m], 0, flat, m * nEval, nEval);
                        }
                        return Map.of("curve", Tensor.of(F64, flat, METHODS.length, nEval));
                    }

                    @Override
                    public void restore(Map<String, Tensor> saved) {
                        Tensor c = saved.get("curve");
                        if (c == null
                                || c.rank() != 2
                                || c.shape(0) != METHODS.length
                                || c.shape(1) > nEval) {
                            throw new IllegalArgumentException(
                                    "the checkpoint's meta-test curve has "
                                            + (c == null || c.rank() != 2
                                                    ? "another shape"
                                                    : c.shape(1) + " points")
                                            + ", more than the "
                                            + nEval
                                            + " of --steps "
                                            + steps
                                            + " and --eval-every "
                                            + evalEvery
                                            + ": it comes from a run with more --steps or another --eval-every"
                                            + " (resume with the same values, or start afresh without --resume)");
                        }
                        double[] flat = c.toDoubleArray();
                        int saved1 = c.shape(1);
                        for (int m = 0; m < METHODS.length; m++) {
                            System.arraycopy(flat, m * saved1, curve[m], 0, saved1);
                        }
                    }
                };
        for (int m = 0; m < METHODS.length; m++) {
            curve[m][0] = metaTest(setup, m, meta.theta[m].value().detach(), valSet)[0];
        }
        Trainer.Builder tb =
                Trainer.builder(meta, adam, rng)
                        .loss(
                                (step, r) -> {
                                    Tensor loss = null;
                                    for (int b = 0; b < metaBatch; b++) {
                                        SineTasks.Task t = SineTasks.draw(r, shots, shots, F64);
                                        for (int m = 0; m < METHODS.length; m++) {
                                            Tensor theta = meta.theta[m].value();
                                            Tensor term;
                                            Grad.TapeStats ts;
                                            if (m == 1) {
                                                // First order: the query loss at the adapted
                                                // parameters, the adaptation held fixed.
                                                Tensor phi =
                                                        setup.adapt(1, theta.detach(), t)
                                                                .sub(theta.detach());
                                                term =
                                                        Setup.mse(
                                                                setup.apply(
                                                                        theta.add(phi), t.xQuery()),
                                                                t.yQuery());
                                                ts = Grad.tapeStats(term);
                                            } else {
                                                Bilevel.Result res =
                                                        Bilevel.solve(
                                                                setup.problem(
                                                                        t, m == 0 ? lambda : 0),
                                                                null,
                                                                new Tensor[] {theta},
                                                                m == 0
                                                                        ? setup.imamlOptions()
                                                                        : setup.mamlOptions());
                                                term = res.asLoss(theta);
                                                ts = res.tape();
                                            }
                                            tape[m][0] = ts.operations();
                                            tape[m][1] = ts.bytes();
                                            term = term.div(metaBatch);
                                            loss = loss == null ? term : loss.add(term);
                                        }
                                    }
                                    return loss;
                                })
                        .evaluator(
                                step -> {
                                    if (step % evalEvery == 0 || step == steps) {
                                        int at =
                                                step % evalEvery == 0
                                                        ? (int) (step / evalEvery)
                                                        : nEval - 1;
                                        for (int m = 0; m < METHODS.length; m++) {
                                            curve[m][at] =
                                                    metaTest(
                                                            setup,
                                                            m,
                                                            meta.theta[m].value().detach(),
                                                            valSet)[0];
                                        }
                                    }
                                    return Map.of();
                                })
                        .state(state)
                        .options(
                                Trainer.Options.defaults()
                                        .withSteps(steps)
                                        .withEvalEvery(1)
                                        .withCheckpointEvery(Math.max(1, evalEvery)));
        if (!run.quiet) {
            tb.callback(new ProgressBarCallback(System.err, "bilevel imaml"));
        }
        Trainer.Result tr = tb.context(ctx).build().run();
        if (tr.cancelled()) {
            System.out.printf(
                    "stopped at step %d; checkpoint %s; continue with --resume%n",
                    tr.lastStep(), ctx.checkpoint());
            return 130;
        }
        if (tape[0][0] == 0) {
            // A resumed run that had nothing left to do: measure the tapes on one task.
            SineTasks.Task t = SineTasks.draw(Rng.seeded(seed + 4), shots, shots, F64);
            for (int m = 0; m < METHODS.length; m += 2) {
                Grad.TapeStats ts =
                        Bilevel.solve(
                                        setup.problem(t, m == 0 ? lambda : 0),
                                        null,
                                        new Tensor[] {meta.theta[m].value()},
                                        m == 0 ? setup.imamlOptions() : setup.mamlOptions())
                                .tape();
                tape[m][0] = ts.operations();
                tape[m][1] = ts.bytes();
            }
        }

        double[][] results = new double[METHODS.length][];
        for (int m = 0; m < METHODS.length; m++) {
            results[m] = metaTest(setup, m, meta.theta[m].value().detach(), testSet);
        }
        double gradErr = gradCheck(seed);
        double wall = (System.nanoTime() - t0) / 1e9;
        String[] names = {"iMAML", "first-order MAML", "MAML"};
        System.out.println();
        System.out.printf(
                Locale.ROOT,
                "meta-test after %d-shot adaptation, %d tasks, 50 query points each:%n",
                shots,
                testTasks);
        System.out.println(
                "method              MSE (mean +- s.e.)    tape ops/task  tape KiB/task");
        for (int m = 0; m < METHODS.length; m++) {
            System.out.printf(
                    Locale.ROOT,
                    "%-18s  %7.4f +- %6.4f  %13d  %13.1f%n",
                    names[m],
                    results[m][0],
                    results[m][1],
                    (long) tape[m][0],
                    tape[m][1] / 1024);
        }
        System.out.println(
                "tape: operations recorded for one task's meta-gradient and the bytes of their outputs (Grad.tapeStats);"
                        + " iMAML's does not grow with its inner steps, MAML's grows with them");
        System.out.printf(
                Locale.ROOT,
                "gradient check: implicit meta-gradient of one task vs float64 central differences (1-8-8-1 tanh,"
                        + " inner solved by Newton-CG to 1e-12), rel err %.2e%n",
                gradErr);

        Path out = ctx.folder();
        try (OutputSet files = ctx.outputs()) {
            double[] xs = new double[nEval];
            for (int k = 0; k < nEval; k++) {
                xs[k] = Math.min((double) k * evalEvery, steps);
            }
            List<Curves.Series> series = new ArrayList<>();
            for (int m = 0; m < METHODS.length; m++) {
                series.add(Curves.Series.points(names[m], xs, curve[m]).colour(m));
            }
            figures.write(
                    Curves.chart(
                            "Meta-test MSE after "
                                    + shots
                                    + "-shot adaptation ("
                                    + valTasks
                                    + " validation tasks)",
                            "meta-step",
                            false,
                            List.of(
                                    new Curves.Panel(
                                            "mean squared error", Curves.Scale.LOG, series))),
                    files.path(figures.fileName("meta_test")),
                    820,
                    520);
            writeAdapted(
                    figures,
                    setup,
                    meta,
                    testSet,
                    shots,
                    names,
                    files.path(figures.fileName("adapted")));
            Map<String, Tensor> npz = new LinkedHashMap<>();
            for (int m = 0; m < METHODS.length; m++) {
                npz.put("theta_" + METHODS[m], meta.theta[m].value().detach());
                npz.put("curve_" + METHODS[m], Tensor.of(F64, curve[m], nEval));
            }
            Npz.write(files.path("imaml.npz"), npz);
            files.commit();
        }
        System.out.println(
                "wrote "
                        + out.resolve(figures.fileName("meta_test"))
                        + ", "
                        + out.resolve(figures.fileName("adapted"))
                        + ", "
                        + out.resolve("imaml.npz"));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("command", "bilevel imaml");
        json.put("steps", steps);
        json.put("shots", shots);
        json.put("test_tasks", testTasks);
        for (int m = 0; m < METHODS.length; m++) {
            json.put(METHODS[m] + "_mse", results[m][0]);
            json.put(METHODS[m] + "_mse_se", results[m][1]);
            json.put(METHODS[m] + "_tape_ops", (long) tape[m][0]);
            json.put(METHODS[m] + "_tape_bytes", (long) tape[m][1]);
        }
        json.put("grad_check_rel_err", gradErr);
        json.put("wall_s", wall);
        System.out.println(new ObjectMapper().writeValueAsString(json));
        return 0;
    }

    List<SineTasks.Task> tasks(Rng rng, int n) {
        List<SineTasks.Task> l = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            l.add(SineTasks.draw(rng, shots, 50, F64));
        }
        return l;
    }

    /** Mean and standard error over the tasks of the query MSE after the method's adaptation. */
    static double[] metaTest(Setup setup, int method, Tensor theta, List<SineTasks.Task> tasks) {
        double[] e = new double[tasks.size()];
        double mean = 0;
        for (int i = 0; i < e.length; i++) {
            SineTasks.Task t = tasks.get(i);
            Tensor phi = setup.adapt(method, theta, t);
            try (Grad.Scope ignored = Grad.noGrad()) {
                e[i] = Setup.mse(setup.apply(phi, t.xQuery()), t.yQuery()).item();
            }
            mean += e[i] / e.length;
        }
        double var = 0;
        for (double v : e) {
            var += (v - mean) * (v - mean) / (e.length - 1);
        }
        return new double[] {mean, Math.sqrt(var / e.length)};
    }

    /** Three test tasks: the truth, the support points and each method's adapted curve. */
    static void writeAdapted(
            Figures figures,
            Setup setup,
            MetaParams meta,
            List<SineTasks.Task> tasks,
            int shots,
            String[] names,
            Path png)
            throws Exception {
        List<org.jfree.chart.JFreeChart> panels = new ArrayList<>();
        int n = 201;
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = -5 + 10.0 * i / (n - 1);
        }
        Tensor grid = Tensor.of(F64, xs, n, 1);
        for (int k = 0; k < 3; k++) {
            SineTasks.Task t = tasks.get(k);
            List<Curves.Series> series = new ArrayList<>();
            double[] truth = new double[n];
            for (int i = 0; i < n; i++) {
                truth[i] = t.at(xs[i]);
            }
            series.add(Curves.Series.line("truth", xs, truth).colour(3));
            for (int m = 0; m < METHODS.length; m++) {
                Tensor phi = setup.adapt(m, meta.theta[m].value().detach(), t);
                double[] y;
                try (Grad.Scope ignored = Grad.noGrad()) {
                    y = setup.apply(phi, grid).toDoubleArray();
                }
                series.add(Curves.Series.line(names[m] + ", adapted", xs, y).colour(m));
            }
            series.add(
                    new Curves.Series(
                            shots + " support points",
                            t.xSupport().toDoubleArray(),
                            t.ySupport().toDoubleArray(),
                            Curves.Mark.POINTS,
                            4));
            panels.add(
                    Curves.chart(
                            String.format(
                                    Locale.ROOT,
                                    "A = %.2f, phase = %.2f",
                                    t.amplitude(),
                                    t.phase()),
                            "x",
                            false,
                            List.of(new Curves.Panel("y", Curves.Scale.LINEAR, series))));
        }
        int[][] sizes = new int[panels.size()][];
        java.util.Arrays.fill(sizes, new int[] {560, 420});
        figures.writeRow(panels, sizes, png);
    }

    /**
     * The implicit meta-gradient of one task against float64 central differences of the query loss
     * (h = 1e-5) over every meta-parameter of a 1-8-8-1 tanh network, the proximal inner problem
     * (lambda 2) solved by Newton-CG to a residual of 1e-12; returns max |difference| / max |FD|.
     */
    static double gradCheck(long seed) {
        Rng rng = Rng.seeded(seed + 5);
        Mlp small = Mlp.builder(1, 8, 8, 1).activation(Activation.tanh()).dtype(F64).build(rng);
        Variables v = Variables.parameters(small);
        Setup s = new Setup(small, v, 0.01, 1, 1, 2.0, 1);
        SineTasks.Task t = SineTasks.draw(rng, 5, 10, F64);
        Bilevel.Problem p = s.problem(t, 2.0);
        Bilevel.Options o =
                new Bilevel.Options(
                        new NewtonCg(100, 1e-12, 500, 1e-13),
                        GradientMode.Implicit.cg(1e-13, 500),
                        NonConvergence.RETURN_LAST);
        Tensor theta = v.current();
        Bilevel.Result r = Bilevel.solve(p, null, new Tensor[] {theta}, o);
        double[] g = r.hypergradient()[0].toDoubleArray(), th = theta.toDoubleArray();
        double num = 0, den = 1e-300, h = 1e-5;
        for (int j = 0; j < th.length; j++) {
            double[] plus = th.clone(), minus = th.clone();
            plus[j] += h;
            minus[j] -= h;
            double fd =
                    (Bilevel.evaluate(
                                                    p,
                                                    r.innerSolution(),
                                                    new Tensor[] {Tensor.of(F64, plus, th.length)},
                                                    o)
                                            .value()
                                    - Bilevel.evaluate(
                                                    p,
                                                    r.innerSolution(),
                                                    new Tensor[] {Tensor.of(F64, minus, th.length)},
                                                    o)
                                            .value())
                            / (2 * h);
            num = Math.max(num, Math.abs(g[j] - fd));
            den = Math.max(den, Math.abs(fd));
        }
        return num / den;
    }
}
