package org.implicitlayers.examples.bench;

import java.util.Arrays;

/** Median timing of a repeated action after a warm-up, in microseconds. */
final class Stopwatch {
    private Stopwatch() {}

    static double medianMicros(Runnable action, int warmup, int iters) {
        for (int i = 0; i < warmup; i++) {
            action.run();
        }
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
