package org.implicitlayers.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.OutputSet;
import org.implicitlayers.core.train.RunContext;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.ritz.ProblemFile;
import org.implicitlayers.ritz.ProblemSpec;
import org.implicitlayers.ritz.RitzOptions;
import org.implicitlayers.ritz.RitzOutputs;
import org.implicitlayers.ritz.RitzSolver;

/**
 * Deep Ritz / PINN runs: the problem is a problem file of {@code implicit ritz}; a run is a job
 * like the command's ({@link RunContext} on its folder: the lock, the checkpoint, the cancel that
 * the time limit sends, the metric logs as callbacks) and writes the same files as {@code implicit
 * ritz} ({@link RitzOutputs}: problem.json, params.npz, metrics.csv, eval.csv, the curves and the
 * solution's files and maps). Its metrics are those of the final evaluation ({@code rel_l2}, {@code
 * rel_h1}, or {@code eigenvalue} ...) and {@code loss}, the last training loss.
 */
final class RitzRunKind implements RunKind {
    static final String NAME = "ritz";
    private static final ScheduledExecutorService TIMER =
            Executors.newSingleThreadScheduledExecutor(
                    r -> {
                        Thread t = new Thread(r, "sweep-time-limit");
                        t.setDaemon(true);
                        return t;
                    });

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void check(ObjectNode problem) {
        ProblemFile.read(problem, null);
    }

    /**
     * Times a few Adam steps of the problem (single-threaded kernels, as a run has) and scales them
     * to its steps; an L-BFGS iteration (several loss and gradient evaluations on four times the
     * points) is counted as ten steps. The evaluations and the outputs are not counted: a lower
     * bound rather than a forecast.
     */
    @Override
    public double estimateSeconds(ObjectNode problem) {
        int threads = JvmBackend.threads();
        JvmBackend.setThreads(1);
        try {
            ProblemSpec spec = ProblemFile.read(problem, null);
            RitzOptions o = spec.options();
            int probe = 8;
            RitzOptions shortRun =
                    o.withOptimizer(o.optimizer().withSteps(probe).withLbfgs(0))
                            .withRun(
                                    new RitzOptions.Run(
                                            Integer.MAX_VALUE, o.run().seed(), o.run().dtype()));
            RitzSolver solver = new RitzSolver(spec.problem(), shortRun);
            long[] stamps = new long[probe + 1];
            solver.solve(
                    List.of(
                            new TrainingCallback() {
                                @Override
                                public void onStep(Trainer.StepInfo s) {
                                    stamps[(int) s.step()] = System.nanoTime();
                                }
                            }));
            // From the end of the second step: the first ones warm the JIT.
            double perStep = (stamps[probe] - stamps[2]) / 1e9 / (probe - 2);
            return perStep * (o.optimizer().steps() + 10.0 * o.optimizer().lbfgs());
        } catch (Exception | StackOverflowError e) {
            return Double.NaN;
        } finally {
            JvmBackend.setThreads(threads);
        }
    }

    @Override
    public Output run(ObjectNode problem, Path dir, double timeLimitSeconds) throws Exception {
        return run(problem, dir, timeLimitSeconds, Figures.defaults());
    }

    /**
     * As {@link #run(ObjectNode, Path, double)}, with the figures in the format of {@code figures}.
     */
    Output run(ObjectNode problem, Path dir, double timeLimitSeconds, Figures figures)
            throws Exception {
        long start = System.nanoTime();
        // Parsed in memory as 'implicit ritz' parses a file (messages name the field).
        ProblemSpec spec = ProblemFile.read(problem, null);
        RitzSolver solver = new RitzSolver(spec.problem(), spec.options());
        try (RunContext run = RunContext.open(dir, false)) {
            run.callback(
                    new CsvMetricsLog(
                            run.file(RitzOutputs.METRICS), run.file(RitzOutputs.EVAL), 10));
            // The time limit cancels the run (after the current Adam step or L-BFGS iteration) from
            // a timer thread.
            ScheduledFuture<?> limit =
                    timeLimitSeconds > 0
                            ? TIMER.schedule(
                                    run::cancel,
                                    Math.max(
                                            0,
                                            (long) (timeLimitSeconds * 1e9)
                                                    - (System.nanoTime() - start)),
                                    TimeUnit.NANOSECONDS)
                            : null;
            RitzSolver.Result r;
            try {
                r = solver.solve(run);
            } finally {
                if (limit != null) {
                    limit.cancel(false);
                }
            }
            if (r.cancelled()) {
                throw new RunTimeLimitException(
                        String.format(
                                Locale.ROOT,
                                "time limit of %.3g s reached after %d of %d steps",
                                timeLimitSeconds,
                                r.steps(),
                                spec.options().optimizer().steps()));
            }
            try (OutputSet files = run.outputs()) {
                RitzOutputs.write(solver, problem, dir, files, figures);
                files.commit();
            }
            Map<String, Double> metrics = new LinkedHashMap<>(r.metrics());
            metrics.put("loss", r.history().get(r.history().size() - 1).loss());
            return new Output(metrics, r.steps(), r.trainSeconds());
        }
    }
}
