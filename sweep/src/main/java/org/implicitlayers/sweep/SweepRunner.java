package org.implicitlayers.sweep;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Runs a {@link Sweep} on Spark: one task per run (each on single-threaded kernels), the results
 * collected on the driver, which holds no tensors. Every run writes its outputs and, last, its
 * {@code result.json} under {@code out/runs/<id>/}; runs whose result is already there are skipped,
 * so a sweep that was stopped (even by SIGKILL of the driver) finishes when run again, and every
 * run appears in the result exactly once. A failed run (exception, NaN, time limit) is recorded and
 * the sweep goes on; Spark retries the task of a lost executor. On a cluster, {@code out} must be a
 * folder that the driver and every executor see (a shared file system).
 */
public final class SweepRunner {
    /**
     * Options of a sweep job.
     *
     * @param retryFailed run again the runs whose stored result is a failure (default false: a
     *     stored failure counts as finished)
     */
    public record Options(boolean retryFailed) {
        public static Options defaults() {
            return new Options(false);
        }
    }

    /**
     * Where a sweep stands.
     *
     * @param total runs in the sweep
     * @param skipped runs finished before this job started
     * @param done runs this job finished, ok or not
     * @param failed of those, the runs that failed
     * @param elapsedSeconds wall-clock time since this job started, in seconds
     */
    public record Progress(int total, int skipped, int done, int failed, double elapsedSeconds) {
        /** Runs not finished yet. */
        public int left() {
            return total - skipped - done;
        }

        /**
         * The remaining time extrapolated from the runs this job finished (NaN before the first).
         */
        public double remainingSeconds() {
            return done == 0 ? Double.NaN : elapsedSeconds / done * left();
        }
    }

    /**
     * Receives progress on the driver; called from a timer thread, at most four times a second,
     * only on change.
     */
    public interface Listener {
        void onProgress(Progress progress);
    }

    /**
     * The outcome of a sweep job.
     *
     * @param results one per run of the sweep, in the sweep's order
     * @param skipped runs whose result was already stored
     * @param elapsedSeconds wall-clock time of this job, in seconds
     */
    public record Outcome(List<RunResult> results, int skipped, double elapsedSeconds) {
        /** Results that failed. */
        public long failed() {
            return results.stream().filter(r -> r.status() != RunStatus.OK).count();
        }
    }

    private SweepRunner() {}

    /** Runs the sweep's unfinished runs on {@code spark}, writing under {@code out}. */
    public static Outcome run(
            SparkSession spark, Sweep sweep, Path out, Options options, Listener listener)
            throws IOException {
        Path runsDir = out.toAbsolutePath().resolve("runs");
        Files.createDirectories(runsDir);
        // One driver per output folder: two would run the same runs into the same folders. The
        // operating system releases the lock when the process ends, however it ends.
        try (FileChannel ch =
                FileChannel.open(
                        out.resolve(".lock"),
                        StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException sameProcess) {
                lock = null;
            }
            if (lock == null) {
                throw new IOException(
                        out
                                + ": another sweep is running into this folder (lock "
                                + out.resolve(".lock")
                                + ")");
            }
            try {
                return runLocked(spark, sweep, runsDir, options, listener);
            } finally {
                lock.release();
            }
        }
    }

    private static Outcome runLocked(
            SparkSession spark, Sweep sweep, Path runsDir, Options options, Listener listener)
            throws IOException {
        Map<String, RunResult> stored = new HashMap<>();
        List<Run> todo = new ArrayList<>();
        for (Run r : sweep.runs()) {
            RunResult prev = RunResult.read(runsDir.resolve(r.id()));
            if (prev != null && (prev.status() == RunStatus.OK || !options.retryFailed())) {
                stored.put(r.id(), prev);
            } else {
                todo.add(r);
            }
        }
        int total = sweep.runs().size();
        int skipped = stored.size();
        long start = System.nanoTime();
        Map<String, RunResult> fresh = new HashMap<>();
        if (!todo.isEmpty()) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            LongAccumulator done = jsc.sc().longAccumulator("sweep runs done");
            LongAccumulator failed = jsc.sc().longAccumulator("sweep runs failed");
            ScheduledExecutorService timer =
                    Executors.newSingleThreadScheduledExecutor(
                            r -> {
                                Thread t = new Thread(r, "sweep-progress");
                                t.setDaemon(true);
                                return t;
                            });
            long[] last = {-1, -1};
            Runnable report =
                    () -> {
                        long d = done.value(), f = failed.value();
                        if (d != last[0] || f != last[1]) {
                            last[0] = d;
                            last[1] = f;
                            listener.onProgress(
                                    new Progress(
                                            total,
                                            skipped,
                                            (int) d,
                                            (int) f,
                                            (System.nanoTime() - start) / 1e9));
                        }
                    };
            timer.scheduleAtFixedRate(report, 0, 250, TimeUnit.MILLISECONDS);
            try {
                jsc.setJobDescription("sweep " + sweep.name() + ": " + todo.size() + " runs");
                List<RunResult> results =
                        jsc.parallelize(todo, todo.size())
                                .map(
                                        new Task(
                                                sweep.kind().name(),
                                                runsDir.toString(),
                                                sweep.timeLimitSeconds(),
                                                done,
                                                failed))
                                .collect();
                results.forEach(r -> fresh.put(r.id(), r));
            } finally {
                timer.shutdownNow();
                try {
                    timer.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            last[0] = -1;
            report.run();
        }
        List<RunResult> all = new ArrayList<>();
        for (Run r : sweep.runs()) {
            all.add(fresh.containsKey(r.id()) ? fresh.get(r.id()) : stored.get(r.id()));
        }
        return new Outcome(all, skipped, (System.nanoTime() - start) / 1e9);
    }

    /** The task: runs one run on an executor and counts it. */
    private static final class Task implements Function<Run, RunResult> {
        private static final long serialVersionUID = 1L;
        private final String kind;
        private final String runsDir;
        private final double timeLimitSeconds;
        private final LongAccumulator done;
        private final LongAccumulator failed;

        Task(
                String kind,
                String runsDir,
                double timeLimitSeconds,
                LongAccumulator done,
                LongAccumulator failed) {
            this.kind = kind;
            this.runsDir = runsDir;
            this.timeLimitSeconds = timeLimitSeconds;
            this.done = done;
            this.failed = failed;
        }

        @Override
        public RunResult call(Run run) {
            RunResult r =
                    RunExecutor.execute(
                            RunKind.named(kind), run, Path.of(runsDir), timeLimitSeconds);
            done.add(1);
            if (r.status() != RunStatus.OK) {
                failed.add(1);
            }
            return r;
        }
    }
}
