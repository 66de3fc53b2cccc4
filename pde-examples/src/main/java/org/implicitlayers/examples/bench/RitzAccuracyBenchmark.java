package org.implicitlayers.examples.bench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.implicitlayers.core.DType;
import org.implicitlayers.ritz.ProblemSpec;
import org.implicitlayers.ritz.RitzOptions;
import org.implicitlayers.ritz.RitzSolver;

/**
 * The {@code ritz-accuracy} benchmark: the error each optimiser reaches on a problem within a
 * wall-clock budget (training and evaluations included, the final evaluation not). Optimisers:
 *
 * <ul>
 *   <li>{@code adam}: the problem's own settings (a built-in problem's tuned ones, a file's), Adam
 *       for its steps or until the budget ends;
 *   <li>{@code adam+lbfgs}: the same, in float64, Adam for a third of the budget, then L-BFGS until
 *       it ends (kept only if it lowers the loss on independent points);
 *   <li>{@code engd}: {@link RitzOptions#engd()}, the same settings for every problem, until the
 *       budget ends;
 *   <li>{@code engd-ritz}: the same with the problem's method and boundary treatment (the Ritz
 *       energy for the built-in problems).
 * </ul>
 */
public final class RitzAccuracyBenchmark {
    /** The optimiser names, in the order they run by default. */
    public static final List<String> OPTIMIZERS =
            List.of("adam", "adam+lbfgs", "engd", "engd-ritz");

    private RitzAccuracyBenchmark() {}

    /** The options {@code optimizer} runs {@code spec} with. */
    static RitzOptions options(ProblemSpec spec, String optimizer, long seed) {
        RitzOptions o = spec.options();
        RitzOptions.Run run = o.run().withSeed(seed);
        return switch (optimizer) {
            case "adam" -> o.withRun(run).withOptimizer(o.optimizer().withLbfgs(0));
            case "adam+lbfgs" ->
                    o.withRun(run.withDtype(DType.FLOAT64))
                            .withOptimizer(o.optimizer().withLbfgs(1_000_000));
            case "engd" -> {
                RitzOptions e = RitzOptions.engd();
                yield e.withRun(e.run().withSeed(seed))
                        .withOptimizer(e.optimizer().withSteps(1_000_000));
            }
            case "engd-ritz" -> {
                RitzOptions e = RitzOptions.engd();
                yield e.withMethod(o.method())
                        .withBoundary(o.boundary())
                        .withRun(e.run().withSeed(seed))
                        .withOptimizer(e.optimizer().withSteps(1_000_000));
            }
            default ->
                    throw new IllegalArgumentException(
                            "unknown optimizer '" + optimizer + "': expected one of " + OPTIMIZERS);
        };
    }

    /**
     * One line: problem, optimizer, method, bc, budget_s, rel_l2, rel_h1, steps, wall_s, cpu_s,
     * parameters.
     *
     * @param spec the problem
     * @param optimizer one of {@link #OPTIMIZERS}
     * @param budget wall-clock budget in seconds
     * @param seed the seed
     */
    public static Map<String, Object> run(
            ProblemSpec spec, String optimizer, double budget, long seed, Consumer<String> progress)
            throws Exception {
        RitzOptions o = options(spec, optimizer, seed);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "ritz-accuracy");
        out.put("problem", spec.name());
        out.put("optimizer", optimizer);
        out.put("method", o.method().toString());
        out.put("bc", o.boundary().treatment().toString());
        out.put("budget_s", budget);
        RitzSolver solver;
        try {
            solver = new RitzSolver(spec.problem(), o);
        } catch (IllegalArgumentException e) {
            out.put("skipped", e.getMessage());
            return out;
        }
        long t0 = System.nanoTime();
        long cpu0 = processCpuNanos();
        RitzSolver.Result r;
        try {
            r =
                    solver.solve(
                            List.of(),
                            new org.implicitlayers.core.train.CancelRequest(),
                            null,
                            false,
                            budget);
        } catch (IllegalArgumentException e) {
            out.put("skipped", e.getMessage());
            return out;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        if (r.lbfgsStop() != null) {
            progress.accept(spec.name() + " " + optimizer + ": L-BFGS " + r.lbfgsStop());
        }
        r.metrics().forEach((k, v) -> out.put(k, v));
        out.put("steps", r.steps());
        out.put("wall_s", MicroBenchmark.round(wall, 2));
        // CPU time of the whole process over the run: with 2 threads at most twice wall_s; far less
        // when
        // the machine was busy or the process was held (both seen on shared machines).
        out.put("cpu_s", MicroBenchmark.round((processCpuNanos() - cpu0) / 1e9, 2));
        out.put("parameters", solver.network().parameterCount());
        return out;
    }

    private static long processCpuNanos() {
        return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : -1;
    }
}
