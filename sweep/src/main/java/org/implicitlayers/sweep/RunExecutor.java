package org.implicitlayers.sweep;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.core.train.TrainingDivergedException;

/**
 * Runs one {@link Run} wherever it lands (an executor thread, or directly) and never throws for
 * what the run does: an exception, a NaN or the time limit becomes a failed {@link RunResult}, so
 * one bad run cannot abort the sweep. Kernels run on one thread, so that a run's bits depend
 * neither on the executor nor on how many runs share it.
 */
public final class RunExecutor {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunExecutor() {}

    /**
     * Runs {@code run} in the folder {@code runsDir/<id>} (emptied first: a killed attempt may have
     * left partial outputs there) and writes its {@code result.json} last.
     */
    public static RunResult execute(RunKind kind, Run run, Path runsDir, double timeLimitSeconds) {
        JvmBackend.setThreads(1);
        Path dir = runsDir.resolve(run.id());
        long start = System.nanoTime();
        RunResult result;
        try {
            clear(dir);
            Files.createDirectories(dir);
            RunKind.Output out =
                    kind.run((ObjectNode) JSON.readTree(run.problem()), dir, timeLimitSeconds);
            double wall = (System.nanoTime() - start) / 1e9;
            String bad =
                    out.metrics().entrySet().stream()
                            .filter(e -> !Double.isFinite(e.getValue()))
                            .map(Map.Entry::getKey)
                            .findFirst()
                            .orElse(null);
            result =
                    bad == null
                            ? new RunResult(
                                    run.id(),
                                    RunStatus.OK,
                                    null,
                                    out.metrics(),
                                    out.steps(),
                                    wall,
                                    out.trainSeconds())
                            : new RunResult(
                                    run.id(),
                                    RunStatus.DIVERGED,
                                    "final " + bad + " is " + out.metrics().get(bad),
                                    Map.of(),
                                    out.steps(),
                                    wall,
                                    Double.NaN);
        } catch (TrainingDivergedException e) {
            result = failed(run, RunStatus.DIVERGED, e.getMessage(), e.step(), start);
        } catch (RunTimeLimitException e) {
            result = failed(run, RunStatus.TIME_LIMIT, e.getMessage(), 0, start);
        } catch (Exception | StackOverflowError | AssertionError e) {
            result =
                    failed(
                            run,
                            RunStatus.ERROR,
                            e.getMessage() != null ? e.getMessage() : e.toString(),
                            0,
                            start);
        }
        try {
            Files.createDirectories(dir);
            result.write(dir, run.settings());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot write the result of run " + run.id() + " into " + dir, e);
        }
        return result;
    }

    private static RunResult failed(
            Run run, RunStatus status, String message, long steps, long start) {
        return new RunResult(
                run.id(),
                status,
                message,
                Map.of(),
                steps,
                (System.nanoTime() - start) / 1e9,
                Double.NaN);
    }

    private static void clear(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
