package org.implicitlayers.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.ritz.ProblemFile;
import org.implicitlayers.ritz.ProblemSpec;
import org.implicitlayers.ritz.RitzSolver;

/**
 * Deep Ritz / PINN runs: the problem is a problem file of {@code implicit ritz}; a run writes
 * {@code problem.json}, {@code metrics.csv} (loss every 10 steps), {@code eval.csv} (errors at each
 * evaluation) and {@code params.npz} (the trained network) into its folder. Its metrics are those
 * of the final evaluation ({@code rel_l2}, {@code rel_h1}, or {@code eigenvalue} ...) and
 * {@code loss}, the last training loss.
 */
final class RitzRunKind implements RunKind {
    static final String NAME = "ritz";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
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

    /** Parses the problem in memory as {@code implicit ritz} would a file (messages name the field), and keeps a copy in {@code dir}. */
    private static ProblemSpec load(ObjectNode problem, Path dir) throws IOException {
        ProblemSpec spec = ProblemFile.read(problem, null);
        Files.writeString(dir.resolve("problem.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(problem));
        return spec;
    }

    @Override
    public Output run(ObjectNode problem, Path dir, double timeLimitSeconds) throws Exception {
        long start = System.nanoTime();
        ProblemSpec spec = load(problem, dir);
        RitzSolver solver = new RitzSolver(spec.problem(), spec.options());
        List<TrainingCallback> callbacks = List.of(new CsvMetricsLog(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), 10));
        // The time limit cancels the solve (after the current Adam step or L-BFGS evaluation) from a timer thread.
        ScheduledFuture<?> limit = timeLimitSeconds > 0
                ? TIMER.schedule(solver::cancel, Math.max(0, (long) (timeLimitSeconds * 1e9) - (System.nanoTime() - start)), TimeUnit.NANOSECONDS)
                : null;
        RitzSolver.Result r;
        try {
            r = solver.solve(callbacks, null, false);
        } finally {
            if (limit != null) {
                limit.cancel(false);
            }
        }
        if (r.cancelled()) {
            throw new RunTimeLimitException(String.format(Locale.ROOT, "time limit of %.3g s reached after %d of %d steps", timeLimitSeconds,
                    r.steps(), spec.options().optimizer().steps()));
        }
        Npz.write(dir.resolve("params.npz"), solver.network().stateDict());
        Map<String, Double> metrics = new LinkedHashMap<>(r.metrics());
        metrics.put("loss", r.history().get(r.history().size() - 1).loss());
        return new Output(metrics, r.steps(), r.trainSeconds());
    }
}
