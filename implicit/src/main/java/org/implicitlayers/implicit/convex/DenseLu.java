package org.implicitlayers.implicit.convex;

/**
 * LU factorisation with partial pivoting of a dense square matrix (row-major), for the small
 * systems of the solver and its derivative.
 */
final class DenseLu {
    private final int n;
    private final double[] lu;
    private final int[] piv;

    /**
     * Smallest |pivot| relative to the largest: a measure of how close to singular the matrix is.
     */
    final double pivotRatio;

    DenseLu(double[] a, int n) {
        this.n = n;
        this.lu = a.clone();
        this.piv = new int[n];
        double maxPivot = 0, minPivot = Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            piv[i] = i;
        }
        for (int k = 0; k < n; k++) {
            int p = k;
            double best = Math.abs(lu[k * n + k]);
            for (int i = k + 1; i < n; i++) {
                double v = Math.abs(lu[i * n + k]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            if (p != k) {
                for (int j = 0; j < n; j++) {
                    double t = lu[k * n + j];
                    lu[k * n + j] = lu[p * n + j];
                    lu[p * n + j] = t;
                }
                int t = piv[k];
                piv[k] = piv[p];
                piv[p] = t;
            }
            double d = lu[k * n + k];
            maxPivot = Math.max(maxPivot, Math.abs(d));
            minPivot = Math.min(minPivot, Math.abs(d));
            if (d == 0) {
                continue;
            }
            for (int i = k + 1; i < n; i++) {
                double f = lu[i * n + k] / d;
                if (f == 0) {
                    continue;
                }
                lu[i * n + k] = f;
                int ri = i * n, rk = k * n;
                for (int j = k + 1; j < n; j++) {
                    lu[ri + j] -= f * lu[rk + j];
                }
            }
        }
        this.pivotRatio = n == 0 ? 1 : maxPivot == 0 ? 0 : minPivot / maxPivot;
    }

    /** x with A x = b. */
    double[] solve(double[] b) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = b[piv[i]];
        }
        for (int i = 0; i < n; i++) {
            double v = x[i];
            for (int j = 0; j < i; j++) {
                v -= lu[i * n + j] * x[j];
            }
            x[i] = v;
        }
        for (int i = n - 1; i >= 0; i--) {
            double v = x[i];
            for (int j = i + 1; j < n; j++) {
                v -= lu[i * n + j] * x[j];
            }
            x[i] = v / lu[i * n + i];
        }
        return x;
    }

    /** x with A' x = b. */
    double[] solveTransposed(double[] b) {
        // A = P' L U, so A' = U' L' P: solve U' w = b, L' v = w, x = P' v.
        double[] w = b.clone();
        for (int i = 0; i < n; i++) {
            double v = w[i];
            for (int j = 0; j < i; j++) {
                v -= lu[j * n + i] * w[j];
            }
            w[i] = v / lu[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--) {
            double v = w[i];
            for (int j = i + 1; j < n; j++) {
                v -= lu[j * n + i] * w[j];
            }
            w[i] = v;
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[piv[i]] = w[i];
        }
        return x;
    }
}
