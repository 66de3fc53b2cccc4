package org.implicitlayers.examples.cli;

import java.nio.file.Files;
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
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.implicit.convex.Constraint;
import org.implicitlayers.implicit.convex.ConvexLayer;
import org.implicitlayers.implicit.convex.Expr;
import org.implicitlayers.implicit.convex.Parameter;
import org.implicitlayers.implicit.convex.Problem;
import org.implicitlayers.implicit.convex.Variable;
import org.implicitlayers.plot.Curves;
import org.implicitlayers.plot.Figures;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Differentiable model-predictive control (Amos, Rodriguez, Sacks, Boots and Kolter 2018): a
 * box-constrained linear-quadratic controller over a horizon T is a convex layer from the initial
 * state x0 and the dynamics (A, B) to the planned controls,
 *
 * <pre>
 *   min sum_t ||x_t||^2 + rho ||u_t||^2  s.t.  x_0 = x0, x_{t+1} = A x_t + B u_t, |u_t| &lt;= u_max.
 * </pre>
 *
 * An expert plans with the true dynamics; the learner does not know them and fits A and B so that
 * its planned trajectories (controls and states) imitate the expert's, the imitation loss ||tau(x0;
 * A, B) - tau*||^2 of the paper, with gradients with respect to A and B through the layer.
 */
@Command(
        name = "mpc",
        description =
                "Differentiable MPC: learn unknown linear dynamics by imitating an expert's box-constrained LQR trajectories.")
final class ConvexMpcCommand implements Callable<Integer> {
    @Option(
            names = "--steps",
            defaultValue = "80",
            description = "Adam steps (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--horizon",
            defaultValue = "10",
            description = "Planning horizon T (default: ${DEFAULT-VALUE}).")
    int horizon;

    @Option(
            names = "--out",
            defaultValue = "out/convex-mpc",
            description = "Output folder (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(
            names = "--seed",
            defaultValue = "0",
            description =
                    "Seed of the initial states and the initial model (default: ${DEFAULT-VALUE}).")
    long seed;

    static final int N = 3, M = 1;
    static final double U_MAX = 1, RHO = 0.1;
    static final double[][] A_TRUE = {{1.0, 0.1, 0.0}, {0.0, 1.0, 0.1}, {0.0, -0.1, 0.9}};
    static final double[][] B_TRUE = {{0.0}, {0.05}, {0.2}};

    /** The controller as a layer of (A, B, x0) returning u_0 .. u_{T-1}. */
    static final class Controller {
        final Parameter a = new Parameter("A", N, N),
                b = new Parameter("B", N, M),
                x0 = new Parameter("x0", N);
        final Variable[] u, x;
        final ConvexLayer layer;

        Controller(int horizon) {
            x = new Variable[horizon + 1];
            u = new Variable[horizon];
            for (int t = 0; t <= horizon; t++) {
                x[t] = new Variable("x" + t, N);
            }
            List<Constraint> cs = new ArrayList<>();
            cs.add(x[0].eq(x0));
            for (int t = 0; t < horizon; t++) {
                u[t] = new Variable("u" + t, M);
                cs.add(x[t + 1].eq(Expr.matmul(a, x[t]).plus(Expr.matmul(b, u[t]))));
                cs.add(u[t].le(U_MAX));
                cs.add(u[t].ge(-U_MAX));
            }
            Expr cost =
                    Expr.sumSquares(Expr.vstack(List.of(x).subList(1, horizon + 1)))
                            .plus(Expr.sumSquares(Expr.vstack(u)).times(RHO));
            List<Variable> outputs = new ArrayList<>(List.of(u));
            outputs.addAll(List.of(x).subList(1, horizon + 1));
            layer =
                    ConvexLayer.of(
                            Problem.minimize(cost, cs),
                            List.of(a, b, x0),
                            outputs,
                            ConvexLayer.Options.defaults());
        }

        /**
         * The planned trajectory [B, T * M + T * N]: controls u_0 .. u_{T-1}, then states x_1 ..
         * x_T.
         */
        Tensor plan(Tensor av, Tensor bv, Tensor x0v) {
            ConvexLayer.Result r = layer.solve(av, bv, x0v);
            Tensor[] parts = new Tensor[2 * u.length];
            for (int t = 0; t < u.length; t++) {
                parts[t] = r.value(u[t]);
                parts[u.length + t] = r.value(x[t + 1]);
            }
            return Tensor.concat(1, parts);
        }
    }

    @CommandLine.Mixin FigureOptions figureOptions;

    @Override
    public Integer call() throws Exception {
        Figures figures = figureOptions.figures();
        if (steps < 1 || horizon < 1) {
            throw new IllegalArgumentException(
                    "--steps and --horizon must be at least 1, got " + steps + " and " + horizon);
        }
        JvmBackend.setThreads(2);
        Files.createDirectories(out);
        Controller ctl = new Controller(horizon);
        int[] size = ctl.layer.coneProgramSize();
        Tensor aTrue = Tensor.of(A_TRUE), bTrue = Tensor.of(B_TRUE);
        Rng rng = Rng.seeded(seed);
        Tensor x0Train = Tensor.randn(rng, DType.FLOAT64, 16, N).mul(1.5),
                x0Test = Tensor.randn(rng, DType.FLOAT64, 64, N).mul(1.5);
        Tensor tauTrain, tauTest;
        try (Grad.Scope g = Grad.noGrad()) {
            tauTrain = ctl.plan(aTrue, bTrue, x0Train);
            tauTest = ctl.plan(aTrue, bTrue, x0Test);
        }
        double saturated = 0;
        double[] planned = tauTrain.toDoubleArray();
        int width = tauTrain.shape(1), controls = horizon * M;
        for (int i = 0; i < tauTrain.shape(0); i++) {
            for (int t = 0; t < controls; t++) {
                saturated += Math.abs(planned[i * width + t]) > U_MAX - 1e-6 ? 1 : 0;
            }
        }
        saturated /= tauTrain.shape(0) * controls;
        System.out.printf(
                Locale.ROOT,
                "Box-constrained LQR over T = %d as a cone program of %d variables and %d rows (%d equalities, %d inequalities, %d cones);%n",
                horizon,
                size[0],
                size[1],
                size[2],
                size[3],
                size[4]);
        System.out.printf(
                Locale.ROOT,
                "expert plans with the true dynamics for %d initial states (%.0f%% of its controls at the bound |u| = %.0f)%n",
                x0Train.shape(0),
                100 * saturated,
                U_MAX);

        Rng init = Rng.seeded(seed + 1);
        org.implicitlayers.core.nn.Parameter a =
                new org.implicitlayers.core.nn.Parameter(
                        Tensor.eye(DType.FLOAT64, N)
                                .add(Tensor.randn(init, DType.FLOAT64, N, N).mul(0.05)));
        org.implicitlayers.core.nn.Parameter b =
                new org.implicitlayers.core.nn.Parameter(
                        Tensor.randn(init, DType.FLOAT64, N, M).mul(0.1));
        // Copies: the optimiser updates the parameters' storage in place.
        Tensor aInit = a.value().mul(1.0).detach(), bInit = b.value().mul(1.0).detach();
        Adam adam = new Adam(Map.of("A", a, "B", b), 0.02);
        double[] loss = new double[steps],
                errA = new double[steps],
                errB = new double[steps],
                xs = new double[steps];
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            adam.zeroGrad();
            Tensor l =
                    ctl.plan(a.value(), b.value(), x0Train)
                            .sub(tauTrain)
                            .square()
                            .sum(new int[] {1}, false)
                            .mean();
            loss[s] = l.item();
            l.backward();
            adam.step();
            xs[s] = s + 1;
            errA[s] = a.value().sub(aTrue).norm().item() / aTrue.norm().item();
            errB[s] = b.value().sub(bTrue).norm().item() / bTrue.norm().item();
        }
        double ms = (System.nanoTime() - t0) / 1e6 / steps;
        double testLoss, testLoss0;
        Tensor tauLearned, tauInit;
        try (Grad.Scope g = Grad.noGrad()) {
            tauLearned = ctl.plan(a.value(), b.value(), x0Test);
            tauInit = ctl.plan(aInit, bInit, x0Test);
            testLoss = tauLearned.sub(tauTest).square().sum(new int[] {1}, false).mean().item();
            testLoss0 = tauInit.sub(tauTest).square().sum(new int[] {1}, false).mean().item();
        }
        System.out.printf(
                Locale.ROOT,
                "imitation loss (squared error of the planned controls and states, mean over initial states): train %.3e -> %.3e, test %.3e -> %.3e%n",
                loss[0],
                loss[steps - 1],
                testLoss0,
                testLoss);
        System.out.printf(
                Locale.ROOT,
                "relative model error |A - A*|/|A*| %.3f -> %.3f, |B - B*|/|B*| %.3f -> %.3f; %.1f ms/step (batch %d, forward + backward)%n",
                aInit.sub(aTrue).norm().item() / aTrue.norm().item(),
                errA[steps - 1],
                bInit.sub(bTrue).norm().item() / bTrue.norm().item(),
                errB[steps - 1],
                ms,
                x0Train.shape(0));

        Path png = out.resolve(figures.fileName("mpc"));
        figures.write(
                Curves.chart(
                        "Differentiable MPC: learning the dynamics by imitating expert trajectories",
                        "Adam step",
                        false,
                        List.of(
                                new Curves.Panel(
                                        "imitation loss",
                                        Curves.Scale.LOG,
                                        List.of(Curves.Series.line("training loss", xs, loss))),
                                new Curves.Panel(
                                        "relative model error",
                                        Curves.Scale.LOG,
                                        List.of(
                                                Curves.Series.line("|A - A*| / |A*|", xs, errA),
                                                Curves.Series.line("|B - B*| / |B*|", xs, errB))))),
                png,
                900,
                700);
        // The plans for one test state: expert, initial model, learned model.
        double[] tx = new double[horizon],
                ue = new double[horizon],
                ul = new double[horizon],
                ui = new double[horizon];
        for (int t = 0; t < horizon; t++) {
            tx[t] = t;
            ue[t] = tauTest.get(0, t);
            ul[t] = tauLearned.get(0, t);
            ui[t] = tauInit.get(0, t);
        }
        Path png2 = out.resolve(figures.fileName("mpc-controls"));
        figures.write(
                Curves.chart(
                        "Planned controls for a test initial state",
                        "time step t",
                        false,
                        List.of(
                                new Curves.Panel(
                                        "control u_t",
                                        Curves.Scale.LINEAR,
                                        List.of(
                                                Curves.Series.points(
                                                        "expert (true dynamics)", tx, ue),
                                                Curves.Series.points("learned dynamics", tx, ul),
                                                Curves.Series.points("initial guess", tx, ui))))),
                png2,
                800,
                460);
        System.out.println("wrote " + png + " and " + png2);
        Map<String, Object> j = new LinkedHashMap<>();
        j.put("example", "mpc");
        j.put("steps", steps);
        j.put("horizon", horizon);
        j.put("saturated_fraction", saturated);
        j.put("train_loss_initial", loss[0]);
        j.put("train_loss_final", loss[steps - 1]);
        j.put("test_loss_initial", testLoss0);
        j.put("test_loss_final", testLoss);
        j.put("rel_err_a", errA[steps - 1]);
        j.put("rel_err_b", errB[steps - 1]);
        j.put("ms_per_step", ms);
        ConvexCommand.printJson(j);
        return 0;
    }
}
