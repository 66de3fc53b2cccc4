package org.implicitlayers.examples.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.implicitlayers.core.Backends;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.ritz.Examples;
import org.implicitlayers.ritz.RitzOptions;
import org.implicitlayers.ritz.RitzSolver;

/**
 * The {@code ritz-poisson} benchmark: -Laplace(u) = 2 pi^2 sin(pi x) sin(pi y) on [0,1]^2, the Ritz
 * energy with boundary penalty 500 on 1024 + 256 fresh uniform points per step, the Deep Ritz
 * residual network (32 wide, 3 blocks), Adam 1e-3; relative L2 error on the 101 x 101 grid every
 * 250 iterations (not timed). With {@code best}: whatever this solver does best, in a wall-clock
 * budget.
 */
public final class RitzPoissonBenchmark {
    private RitzPoissonBenchmark() {}

    /**
     * The benchmark on {@code backend}: each iteration (and evaluation) in a memory scope, so
     * off-heap backends free its tensors at once.
     */
    public static Map<String, Object> standard(
            int iters, DType dtype, long seed, Backend backend, Consumer<String> progress) {
        Backend previous = Backends.current();
        Backends.setCurrent(backend);
        try {
            return standard(iters, dtype, seed, progress);
        } finally {
            Backends.setCurrent(previous);
        }
    }

    private static Map<String, Object> standard(
            int iters, DType dtype, long seed, Consumer<String> progress) {
        RitzOptions o = RitzOptions.defaults();
        o =
                o.withOptimizer(o.optimizer().withSteps(iters))
                        .withRun(new RitzOptions.Run(250, seed, dtype));
        RitzSolver solver = new RitzSolver(Examples.poissonSquare(), o);
        Adam adam = new Adam(solver.network().parameters(), o.optimizer().lr());
        double[] times = new double[iters];
        double train = 0;
        Integer to5 = null, to1 = null;
        Double wallTo1 = null;
        double err = Double.NaN;
        List<double[]> curve = new ArrayList<>();
        for (int itr = 1; itr <= iters; itr++) {
            double lossValue;
            try (MemoryScope scope = MemoryScope.open()) {
                long t0 = System.nanoTime();
                adam.zeroGrad();
                Tensor loss = solver.loss();
                loss.backward();
                adam.step();
                times[itr - 1] = (System.nanoTime() - t0) / 1e6;
                lossValue = loss.item();
            }
            train += times[itr - 1] / 1e3;
            if (itr % 250 == 0 || itr == iters) {
                try (MemoryScope scope = MemoryScope.open()) {
                    err = solver.evaluate().get("rel_l2");
                }
                curve.add(new double[] {itr, err});
                if (to5 == null && err < 5e-2) {
                    to5 = itr;
                }
                if (to1 == null && err < 1e-2) {
                    to1 = itr;
                    wallTo1 = train;
                }
                progress.accept(
                        String.format(
                                "iter %5d  energy %.5f  rel-L2 %.4e  %.3f ms/it (median so far)",
                                itr,
                                lossValue,
                                err,
                                Stopwatch.median(java.util.Arrays.copyOf(times, itr))));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "ritz-poisson");
        out.put("iters", iters);
        out.put("ms_per_iter", MicroBenchmark.round(Stopwatch.median(times), 3));
        out.put("rel_l2", err);
        out.put("iter_to_5e-2", to5);
        out.put("iter_to_1e-2", to1);
        out.put("wall_s_to_1e-2", wallTo1 == null ? null : MicroBenchmark.round(wallTo1, 2));
        out.put("train_s", MicroBenchmark.round(train, 2));
        return out;
    }

    /**
     * The best method found for this problem: the PINN residual (second derivatives by autodiff)
     * with the exact boundary ansatz u = phi N, float64, a small residual network (24 wide, 2
     * blocks), Adam on fresh Sobol points, then L-BFGS on a fixed quasi-random set, stopped at the
     * budget. (Of the variants tried in 24 s: this 2.4e-4, MLP 32x3 3.8e-4, ResNet 32x3 2.2e-3,
     * Ritz energy 7e-3.)
     */
    public static Map<String, Object> best(
            double budgetSeconds, long seed, Backend backend, Consumer<String> progress)
            throws Exception {
        Backend previous = Backends.current();
        Backends.setCurrent(backend);
        try {
            return best(budgetSeconds, seed, progress);
        } finally {
            Backends.setCurrent(previous);
        }
    }

    private static Map<String, Object> best(
            double budgetSeconds, long seed, Consumer<String> progress) throws Exception {
        RitzOptions o =
                RitzOptions.defaults()
                        .withMethod(RitzOptions.Method.PINN)
                        .withBoundary(RitzOptions.Boundary.exact())
                        .withSampling(
                                new RitzOptions.Sampling(
                                        256, 1, RitzOptions.SamplingMethod.SOBOL, true, 0, 0))
                        .withNetwork(
                                new RitzOptions.Network(
                                        RitzOptions.NetworkType.RESNET, 24, 2, "tanh"))
                        .withOptimizer(
                                RitzOptions.Optimizer.defaults()
                                        .withSteps(100000)
                                        .withLr(3e-3, 1.0)
                                        .withLbfgs(100000))
                        .withRun(new RitzOptions.Run(250, seed, DType.FLOAT64));
        RitzSolver solver = new RitzSolver(Examples.poissonSquare(), o);
        long t0 = System.nanoTime();
        RitzSolver.Result r =
                solver.solve(
                        List.of(),
                        new org.implicitlayers.core.train.CancelRequest(),
                        null,
                        false,
                        budgetSeconds);
        double wall = (System.nanoTime() - t0) / 1e9;
        progress.accept("L-BFGS: " + r.lbfgsStop());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "ritz-poisson");
        out.put(
                "method",
                "PINN residual, exact BC ansatz u = phi N(x), ResNet 24 wide x 2 blocks tanh, float64, Adam on 256 fresh "
                        + "Sobol points per step (1/3 of the budget) then L-BFGS (strong Wolfe) on 1024 fixed Halton points");
        out.put("rel_l2", r.metrics().get("rel_l2"));
        out.put("rel_h1", r.metrics().get("rel_h1"));
        out.put("wall_s", MicroBenchmark.round(wall, 2));
        out.put("budget_s", budgetSeconds);
        out.put("steps", r.steps());
        return out;
    }
}
