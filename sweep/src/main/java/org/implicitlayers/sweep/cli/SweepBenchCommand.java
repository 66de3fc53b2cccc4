package org.implicitlayers.sweep.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.sweep.Run;
import org.implicitlayers.sweep.RunExecutor;
import org.implicitlayers.sweep.RunResult;
import org.implicitlayers.sweep.Sweep;
import org.implicitlayers.sweep.SweepRunner;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Throughput of sweeps of short Ritz runs: the same runs made directly one after the other, and as
 * a sweep on each Spark master, in interleaved rounds. One JSON line per mode on stdout, medians
 * over the rounds: {@code wall_s} (a sweep job without the session start), {@code runs_per_min},
 * {@code cpu_s} (CPU time of the process), and for the masters {@code speedup} against the first
 * master, {@code overhead_wall_ms_per_run} (task-slot time beyond the direct runs' wall time, per
 * run: (wall_s x slots - direct wall_s) / runs), {@code overhead_cpu_ms_per_run} (CPU time beyond
 * the direct runs', per run: robust to other load on the machine); {@code same_bits} (every metric
 * of every round equal to the direct run's) and {@code load_1min}.
 */
@Command(
        name = "sweep",
        mixinStandardHelpOptions = true,
        description =
                "Runs per minute of a sweep of short Ritz runs, directly and on Spark masters (one JSON line each).")
final class SweepBenchCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(
            names = "--runs",
            defaultValue = "24",
            description = "Runs in the sweep (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--steps",
            defaultValue = "300",
            description = "Adam steps per run (default: ${DEFAULT-VALUE}).")
    int steps;

    @Option(
            names = "--repeat",
            defaultValue = "3",
            description = "Rounds over all modes; figures are medians (default: ${DEFAULT-VALUE}).")
    int repeat;

    @Option(
            names = "--masters",
            defaultValue = "local[1],local[2]",
            split = ",",
            description = "Spark masters to time (default: ${DEFAULT-VALUE}).")
    List<String> masters;

    @Option(
            names = "--threads",
            defaultValue = "2",
            description =
                    "Kernel threads of each run, as in the other benchmarks (default: ${DEFAULT-VALUE}).")
    int threads;

    @Override
    public Integer call() throws Exception {
        if (threads < 1) {
            throw new CommandLine.ParameterException(
                    new CommandLine(this), "--threads must be >= 1, got " + threads);
        }
        JvmBackend.setThreads(threads);
        Sweep sweep = benchSweep(runs, steps);
        Path tmp = Files.createTempDirectory("sweep-bench");
        System.err.printf(
                "bench sweep: %d Ritz runs of %d steps (poisson-square, width 16, depth 2, 256 + 64 points), %d rounds%n",
                runs, steps, repeat);
        // Warm-up: the JIT compiles the kernels before anything is timed.
        for (int i = 0; i < 2; i++) {
            RunExecutor.execute(sweep.kind(), sweep.runs().get(i), tmp.resolve("warmup"), 0);
        }
        List<String> modes = new ArrayList<>(List.of("direct"));
        modes.addAll(masters);
        Map<String, List<double[]>> samples = new LinkedHashMap<>();
        Map<String, Integer> slots = new LinkedHashMap<>();
        List<RunResult> direct = new ArrayList<>();
        boolean same = true;
        long failed = 0;
        // Rounds interleave the modes, so that a change in the machine's load falls on all of them.
        for (int round = 0; round < repeat; round++) {
            for (String mode : modes) {
                Path out = tmp.resolve(round + "-" + mode.replaceAll("[^a-z0-9]", ""));
                double cpu0 = cpuSeconds();
                long t0 = System.nanoTime();
                List<RunResult> results;
                if (mode.equals("direct")) {
                    results = new ArrayList<>();
                    for (Run r : sweep.runs()) {
                        results.add(RunExecutor.execute(sweep.kind(), r, out.resolve("runs"), 0));
                    }
                    if (direct.isEmpty()) {
                        direct.addAll(results);
                    }
                    slots.put(mode, 1);
                } else {
                    SparkSession spark =
                            SparkSession.builder()
                                    .appName("bench sweep")
                                    .master(mode)
                                    .config("spark.ui.enabled", "false")
                                    .config("spark.ui.showConsoleProgress", "false")
                                    .getOrCreate();
                    try {
                        slots.put(mode, spark.sparkContext().defaultParallelism());
                        t0 = System.nanoTime();
                        cpu0 = cpuSeconds();
                        SweepRunner.Outcome o =
                                SweepRunner.run(
                                        spark, sweep, out, SweepRunner.Options.defaults(), p -> {});
                        results = o.results();
                        failed += o.failed();
                    } finally {
                        spark.stop();
                    }
                }
                double wall = (System.nanoTime() - t0) / 1e9, cpu = cpuSeconds() - cpu0;
                samples.computeIfAbsent(mode, k -> new ArrayList<>()).add(new double[] {wall, cpu});
                for (int i = 0; i < runs; i++) {
                    same &= results.get(i).metrics().equals(direct.get(i).metrics());
                }
                System.err.printf(
                        Locale.ROOT,
                        "round %d, %s: %.2f s wall, %.2f s cpu%n",
                        round + 1,
                        mode,
                        wall,
                        cpu);
            }
        }
        double directWall = median(samples.get("direct"), 0),
                directCpu = median(samples.get("direct"), 1);
        double firstRate = Double.NaN;
        for (String mode : modes) {
            double wall = median(samples.get(mode), 0), cpu = median(samples.get(mode), 1);
            ObjectNode l = JSON.createObjectNode();
            l.put("bench", "sweep");
            l.put("mode", mode);
            l.put("runs", runs);
            l.put("steps", steps);
            l.put("slots", slots.get(mode));
            l.put("threads", threads);
            l.put("wall_s", wall);
            l.put("runs_per_min", runs / wall * 60);
            l.put("cpu_s", cpu);
            if (!mode.equals("direct")) {
                double rate = runs / wall * 60;
                firstRate = Double.isNaN(firstRate) ? rate : firstRate;
                l.put("speedup", rate / firstRate);
                l.put(
                        "overhead_wall_ms_per_run",
                        1e3 * (wall * slots.get(mode) - directWall) / runs);
                l.put("overhead_cpu_ms_per_run", 1e3 * (cpu - directCpu) / runs);
            }
            l.put("same_bits", same);
            l.put("failed", failed);
            l.put("load_1min", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            System.out.println(JSON.writeValueAsString(l));
        }
        return 0;
    }

    private static double median(List<double[]> samples, int k) {
        double[] v = samples.stream().mapToDouble(s -> s[k]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : 0.5 * (v[v.length / 2 - 1] + v[v.length / 2]);
    }

    /** CPU time of this process (all its threads, Spark's included), in seconds. */
    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean)
                                ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime()
                / 1e9;
    }

    /** poisson-square with a small network and few points, swept over seeds. */
    static Sweep benchSweep(int runs, int steps) throws java.io.IOException {
        String text =
                """
                {"name": "bench-sweep",
                 "base": {"name": "poisson-square", "domain": {"type": "box", "lo": [0, 0], "hi": [1, 1]},
                          "pde": {"f": "2*pi^2*sin(pi*x)*sin(pi*y)"}, "boundary": [{"type": "dirichlet", "g": "0"}],
                          "exact": "sin(pi*x)*sin(pi*y)",
                          "network": {"type": "resnet", "width": 16, "depth": 2, "activation": "tanh"},
                          "optimizer": {"steps": %d, "lr": 0.003},
                          "sampling": {"interior": 256, "boundary": 64}, "eval_every": %d},
                 "axes": [{"path": "seed", "range": {"from": 0, "to": %d, "num": %d}}]}
                """
                        .formatted(steps, steps, runs - 1, runs);
        return Sweep.parse(JSON.readTree(text), Path.of("."), "bench-sweep");
    }
}
