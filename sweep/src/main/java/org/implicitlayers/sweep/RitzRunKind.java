package org.implicitlayers.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.CsvMetricsLog;
import org.implicitlayers.core.train.Trainer;
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

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void check(ObjectNode problem) {
        try {
            Path dir = Files.createTempDirectory("sweep-check");
            try {
                load(problem, dir);
            } finally {
                Files.deleteIfExists(dir.resolve("problem.json"));
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the problem as {@code dir/problem.json} and parses it as {@code implicit ritz} would. */
    private static ProblemSpec load(ObjectNode problem, Path dir) throws IOException {
        Path file = dir.resolve("problem.json");
        Files.writeString(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(problem));
        try {
            return ProblemFile.load(file);
        } catch (IOException e) {
            // The message starts with the file name, which means nothing to the author of the sweep file.
            String m = e.getMessage();
            throw new IllegalArgumentException(m.startsWith(file + ": ") ? m.substring(file.toString().length() + 2) : m, e);
        }
    }

    @Override
    public Output run(ObjectNode problem, Path dir, double timeLimitSeconds) throws Exception {
        long start = System.nanoTime();
        ProblemSpec spec = load(problem, dir);
        RitzSolver solver = new RitzSolver(spec.problem(), spec.options());
        double[] lastLoss = {Double.NaN};
        List<TrainingCallback> callbacks = new ArrayList<>();
        callbacks.add(new CsvMetricsLog(dir.resolve("metrics.csv"), dir.resolve("eval.csv"), 10));
        callbacks.add(new TrainingCallback() {
            @Override
            public void onStep(Trainer.StepInfo info) {
                lastLoss[0] = info.loss();
                double elapsed = (System.nanoTime() - start) / 1e9;
                if (timeLimitSeconds > 0 && elapsed > timeLimitSeconds) {
                    throw new RunTimeLimitException(String.format(java.util.Locale.ROOT,
                            "time limit of %.3g s reached at step %d of %d", timeLimitSeconds, info.step(), info.totalSteps()));
                }
            }
        });
        RitzSolver.Result r = solver.solve(callbacks, null, false);
        Npz.write(dir.resolve("params.npz"), solver.network().stateDict());
        Map<String, Double> metrics = new LinkedHashMap<>(r.metrics());
        metrics.put("loss", r.history().isEmpty() ? lastLoss[0] : r.history().get(r.history().size() - 1).loss());
        return new Output(metrics, r.steps(), r.trainSeconds());
    }
}
