package org.implicitlayers.examples.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/** Median timing of a repeated action after a warm-up, in microseconds. */
final class Stopwatch {
    private Stopwatch() {}

    /** The JIT counts as settled after this long without finishing a compilation. */
    static final long JIT_QUIET_NANOS = 500_000_000L;

    /** Warm-up stops here even if the JIT is still compiling. */
    static final long WARMUP_CAP_NANOS = 10_000_000_000L;

    /**
     * Runs {@code action} {@code warmup} times, then on until the JIT has finished no compilation
     * for {@link #JIT_QUIET_NANOS} (at most {@link #WARMUP_CAP_NANOS} in all): on two cores a C2
     * compilation running beside the timed loop takes one of them, and a fixed count of warm-up
     * iterations timed some runs at half speed. Where the JVM does not report compilation time the
     * count alone is used.
     */
    static void warmUp(Runnable action, int warmup) {
        long start = System.nanoTime();
        for (int i = 0; i < warmup; i++) {
            action.run();
        }
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return;
        }
        long seen = jit.getTotalCompilationTime(), quietSince = System.nanoTime();
        while (System.nanoTime() - quietSince < JIT_QUIET_NANOS
                && System.nanoTime() - start < WARMUP_CAP_NANOS) {
            action.run();
            long now = jit.getTotalCompilationTime();
            if (now != seen) {
                seen = now;
                quietSince = System.nanoTime();
            }
        }
    }

    /**
     * Median over about {@code seconds} of timed repetitions, after a warm-up of as long (then on
     * until the JIT settles, {@link #warmUp}); the repetition count comes from a warm run's time.
     */
    static double medianMicrosFor(Runnable action, double seconds) {
        long t0 = System.nanoTime();
        long budget = (long) (seconds * 1e9);
        int runs = 0;
        while (runs < 2 || System.nanoTime() - t0 < budget) {
            action.run();
            runs++;
        }
        warmUp(action, 0);
        long t1 = System.nanoTime();
        action.run();
        double one = Math.max((System.nanoTime() - t1) / 1e9, 1e-6);
        int reps = (int) Math.max(5, Math.min(2000, seconds / one));
        return medianMicros(action, 0, reps);
    }

    static double medianMicros(Runnable action, int warmup, int iters) {
        warmUp(action, warmup);
        double[] t = new double[iters];
        for (int i = 0; i < iters; i++) {
            long t0 = System.nanoTime();
            action.run();
            t[i] = (System.nanoTime() - t0) / 1e3;
        }
        return median(t);
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    /** Peak resident set size of this process in MiB (VmHWM), or -1 where /proc is absent. */
    static double peakRssMb() {
        try {
            for (String line :
                    java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
