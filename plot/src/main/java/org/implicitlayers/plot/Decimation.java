package org.implicitlayers.plot;

import java.util.Arrays;

/**
 * Thins a long curve for drawing without hiding its excursions: the points are split into bins of
 * consecutive samples and each bin keeps its smallest and its largest value (in the order they
 * occur). A curve of a million training steps then draws as a few thousand points with the same
 * envelope.
 */
public final class Decimation {
    private Decimation() {}

    /**
     * @param x abscissae (sorted or not; bins are runs of consecutive samples)
     * @param y values; non-finite values are dropped
     * @param bins number of bins; a curve with at most 2 bins' worth of points comes back unchanged
     * @return {x', y'} with at most 2 * bins points
     */
    public static double[][] minMax(double[] x, double[] y, int bins) {
        int n = Math.min(x.length, y.length);
        if (n <= 2 * bins) {
            return finite(x, y, n);
        }
        double[] ox = new double[2 * bins], oy = new double[2 * bins];
        int m = 0;
        for (int b = 0; b < bins; b++) {
            int from = (int) ((long) n * b / bins), to = (int) ((long) n * (b + 1) / bins);
            int lo = -1, hi = -1;
            for (int i = from; i < to; i++) {
                if (!Double.isFinite(y[i])) {
                    continue;
                }
                if (lo < 0 || y[i] < y[lo]) {
                    lo = i;
                }
                if (hi < 0 || y[i] > y[hi]) {
                    hi = i;
                }
            }
            if (lo < 0) {
                continue;
            }
            int first = Math.min(lo, hi), second = Math.max(lo, hi);
            ox[m] = x[first];
            oy[m++] = y[first];
            if (second != first) {
                ox[m] = x[second];
                oy[m++] = y[second];
            }
        }
        return new double[][] {Arrays.copyOf(ox, m), Arrays.copyOf(oy, m)};
    }

    private static double[][] finite(double[] x, double[] y, int n) {
        double[] ox = new double[n], oy = new double[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (Double.isFinite(y[i]) && Double.isFinite(x[i])) {
                ox[m] = x[i];
                oy[m++] = y[i];
            }
        }
        return new double[][] {Arrays.copyOf(ox, m), Arrays.copyOf(oy, m)};
    }
}
