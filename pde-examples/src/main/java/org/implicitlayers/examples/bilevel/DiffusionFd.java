package org.implicitlayers.examples.bilevel;

import java.util.function.DoubleBinaryOperator;

/**
 * -div(a grad u) = f on the unit square with u = 0 on the boundary, by the conservative five-point
 * finite-difference scheme on a uniform n x n grid (LeVeque 2007, section 2.15): at node (i, j),
 * h^2 (A u)_ij = sum over the four neighbours of a(face midpoint) (u_ij - u_nb), with a evaluated
 * at the midpoints of the faces. The scheme is second-order accurate for smooth a, f; the symmetric
 * positive definite system is solved by Jacobi-preconditioned conjugate gradients in float64 to a
 * relative residual of 1e-12. The independent forward solver against which the network's solutions
 * and the synthetic observations of the inverse problem are made.
 */
public final class DiffusionFd {
    private DiffusionFd() {}

    /**
     * The grid solution.
     *
     * @param n intervals per side (nodes 0..n in each direction, spacing 1/n)
     * @param u u[i][j] at (i/n, j/n), zero on the boundary
     * @param iterations conjugate-gradient iterations taken
     */
    public record Solution(int n, double[][] u, int iterations) {
        /**
         * u at (x, y) in the closed unit square by bilinear interpolation (second-order accurate,
         * as the scheme).
         */
        public double at(double x, double y) {
            if (!(x >= 0 && x <= 1 && y >= 0 && y <= 1)) {
                throw new IllegalArgumentException(
                        "point (" + x + ", " + y + ") is outside the unit square");
            }
            double sx = x * n, sy = y * n;
            int i = Math.min((int) sx, n - 1), j = Math.min((int) sy, n - 1);
            double tx = sx - i, ty = sy - j;
            return (1 - tx) * ((1 - ty) * u[i][j] + ty * u[i][j + 1])
                    + tx * ((1 - ty) * u[i + 1][j] + ty * u[i + 1][j + 1]);
        }

        /** The largest |u| on the grid. */
        public double maxAbs() {
            double m = 0;
            for (double[] row : u) {
                for (double v : row) {
                    m = Math.max(m, Math.abs(v));
                }
            }
            return m;
        }
    }

    /**
     * Solves the problem.
     *
     * @param n intervals per side, at least 2
     * @param a the coefficient, positive
     * @param f the source
     * @throws IllegalArgumentException when n is below 2 or a is not positive at a face midpoint
     * @throws IllegalStateException when conjugate gradients do not converge in 20 n^2 iterations
     */
    public static Solution solve(int n, DoubleBinaryOperator a, DoubleBinaryOperator f) {
        if (n < 2) {
            throw new IllegalArgumentException(
                    "DiffusionFd: at least 2 intervals per side, got " + n);
        }
        int m = n - 1; // interior nodes per side; unknown (i, j), 1 <= i, j <= m, at index (i
        // - 1) m + (j - 1)
        double h = 1.0 / n;
        // ax[i][j]: a at ((i + 1/2) h, j h), the face between nodes (i, j) and (i + 1, j); ay
        // likewise in y.
        double[][] ax = new double[n][n + 1], ay = new double[n + 1][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= n; j++) {
                ax[i][j] = positive(a, (i + 0.5) * h, j * h);
                ay[j][i] = positive(a, j * h, (i + 0.5) * h);
            }
        }
        int size = m * m;
        double[] b = new double[size], diag = new double[size];
        for (int i = 1; i <= m; i++) {
            for (int j = 1; j <= m; j++) {
                int k = (i - 1) * m + (j - 1);
                b[k] = f.applyAsDouble(i * h, j * h) * h * h;
                diag[k] = ax[i - 1][j] + ax[i][j] + ay[i][j - 1] + ay[i][j];
            }
        }
        double[] x = new double[size],
                r = b.clone(),
                z = new double[size],
                p = new double[size],
                q = new double[size];
        for (int k = 0; k < size; k++) {
            z[k] = r[k] / diag[k];
            p[k] = z[k];
        }
        double rz = dot(r, z), bn = Math.sqrt(dot(b, b));
        int maxIter = 20 * n * n, it = 0;
        while (Math.sqrt(dot(r, r)) > 1e-12 * bn) {
            if (++it > maxIter) {
                throw new IllegalStateException(
                        "DiffusionFd: conjugate gradients did not converge in "
                                + maxIter
                                + " iterations");
            }
            apply(p, q, m, ax, ay);
            double alpha = rz / dot(p, q);
            for (int k = 0; k < size; k++) {
                x[k] += alpha * p[k];
                r[k] -= alpha * q[k];
                z[k] = r[k] / diag[k];
            }
            double rzNew = dot(r, z);
            double beta = rzNew / rz;
            rz = rzNew;
            for (int k = 0; k < size; k++) {
                p[k] = z[k] + beta * p[k];
            }
        }
        double[][] u = new double[n + 1][n + 1];
        for (int i = 1; i <= m; i++) {
            for (int j = 1; j <= m; j++) {
                u[i][j] = x[(i - 1) * m + (j - 1)];
            }
        }
        return new Solution(n, u, it);
    }

    /** q = h^2 A p on the interior unknowns (zero boundary values). */
    private static void apply(double[] p, double[] q, int m, double[][] ax, double[][] ay) {
        for (int i = 1; i <= m; i++) {
            for (int j = 1; j <= m; j++) {
                int k = (i - 1) * m + (j - 1);
                double c = p[k];
                double w = i > 1 ? p[k - m] : 0,
                        e = i < m ? p[k + m] : 0,
                        s = j > 1 ? p[k - 1] : 0,
                        nn = j < m ? p[k + 1] : 0;
                q[k] =
                        ax[i - 1][j] * (c - w)
                                + ax[i][j] * (c - e)
                                + ay[i][j - 1] * (c - s)
                                + ay[i][j] * (c - nn);
            }
        }
    }

    private static double positive(DoubleBinaryOperator a, double x, double y) {
        double v = a.applyAsDouble(x, y);
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new IllegalArgumentException(
                    "DiffusionFd: the coefficient must be positive and finite, a("
                            + x
                            + ", "
                            + y
                            + ") = "
                            + v);
        }
        return v;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}
