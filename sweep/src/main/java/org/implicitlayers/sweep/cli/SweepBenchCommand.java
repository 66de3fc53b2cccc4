package org.implicitlayers.sweep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.implicitlayers.sweep.RunExecutor;
import org.implicitlayers.sweep.RunResult;
import org.implicitlayers.sweep.Sweep;
import org.implicitlayers.sweep.SweepRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of sweeps of short Ritz runs: the same runs made directly one after the other, then
 * as a sweep on each Spark master. One JSON line per mode on stdout: {@code runs_per_min},
 * {@code wall_s} (the job, without the session start, which is {@code session_start_s}),
 * {@code overhead_ms_per_run} (task-slot time beyond the direct runs' time, per run:
 * (wall_s x slots - direct time) / runs), {@code speedup} against the first master, and
 * {@code same_bits} (every metric equal to the direct run's).
 */
@Command(name = "sweep", description = "Runs per minute of a sweep of short Ritz runs, directly and on Spark masters (one JSON line each).")
final class SweepBenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--runs", defaultValue = "24", description = "Runs in the sweep (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--steps", defaultValue = "300", description = "Adam steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--masters", defaultValue = "local[1],local[2]", split = ",",
            description = "Spark masters to time (default: ${DEFAULT-VALUE}).")
    List<String> masters;

    @Override
    public Integer call() throws Exception {
        Sweep sweep = benchSweep(runs, steps);
        Path tmp = Files.createTempDirectory("sweep-bench");
        System.err.printf("bench sweep: %d Ritz runs of %d steps (poisson-square, width 16, depth 2, 256 + 64 points)%n", runs, steps);
        // Warm-up: the JIT compiles the kernels before anything is timed.
        for (int i = 0; i < 2; i++) {
            RunExecutor.execute(sweep.kind(), sweep.runs().get(i), tmp.resolve("warmup"), 0);
        }
        List<RunResult> direct = new ArrayList<>();
        double[] each = new double[runs];
        long t0 = System.nanoTime();
        for (int i = 0; i < runs; i++) {
            long s = System.nanoTime();
            direct.add(RunExecutor.execute(sweep.kind(), sweep.runs().get(i), tmp.resolve("direct"), 0));
            each[i] = (System.nanoTime() - s) / 1e9;
        }
        double directWall = (System.nanoTime() - t0) / 1e9;
        Arrays.sort(each);
        ObjectNode d = line("direct", directWall);
        d.put("s_per_run_median", each[runs / 2]);
        System.out.println(JSON.writeValueAsString(d));
        double firstRate = Double.NaN;
        for (String master : masters) {
            long s0 = System.nanoTime();
            SparkSession spark = SparkSession.builder().appName("bench sweep").master(master).config("spark.ui.enabled", "false")
                    .config("spark.ui.showConsoleProgress", "false").getOrCreate();
            double startup = (System.nanoTime() - s0) / 1e9;
            try {
                int slots = spark.sparkContext().defaultParallelism();
                SweepRunner.Outcome o = SweepRunner.run(spark, sweep, tmp.resolve("spark-" + master.replaceAll("[^a-z0-9]", "")),
                        SweepRunner.Options.defaults(), p -> { });
                ObjectNode l = line(master, o.elapsedSeconds());
                double rate = runs / o.elapsedSeconds() * 60;
                firstRate = Double.isNaN(firstRate) ? rate : firstRate;
                l.put("slots", slots);
                l.put("session_start_s", startup);
                l.put("overhead_ms_per_run", 1e3 * (o.elapsedSeconds() * slots - directWall) / runs);
                l.put("speedup", rate / firstRate);
                boolean same = true;
                for (int i = 0; i < runs; i++) {
                    same &= o.results().get(i).metrics().equals(direct.get(i).metrics());
                }
                l.put("same_bits", same);
                l.put("failed", o.failed());
                System.out.println(JSON.writeValueAsString(l));
            } finally {
                spark.stop();
            }
        }
        return 0;
    }

    private ObjectNode line(String mode, double wall) {
        ObjectNode n = JSON.createObjectNode();
        n.put("bench", "sweep");
        n.put("mode", mode);
        n.put("runs", runs);
        n.put("steps", steps);
        n.put("wall_s", wall);
        n.put("runs_per_min", runs / wall * 60);
        return n;
    }

    /** poisson-square with a small network and few points, swept over seeds. */
    static Sweep benchSweep(int runs, int steps) throws java.io.IOException {
        String text = """
                {"name": "bench-sweep",
                 "base": {"name": "poisson-square", "domain": {"type": "box", "lo": [0, 0], "hi": [1, 1]},
                          "pde": {"f": "2*pi^2*sin(pi*x)*sin(pi*y)"}, "boundary": [{"type": "dirichlet", "g": "0"}],
                          "exact": "sin(pi*x)*sin(pi*y)",
                          "network": {"type": "resnet", "width": 16, "depth": 2, "activation": "tanh"},
                          "optimizer": {"steps": %d, "lr": 0.003},
                          "sampling": {"interior": 256, "boundary": 64}, "eval_every": %d},
                 "axes": [{"path": "seed", "range": {"from": 0, "to": %d, "num": %d}}]}
                """.formatted(steps, steps, runs - 1, runs);
        return Sweep.parse(JSON.readTree(text), Path.of("."), "bench-sweep");
    }
}
