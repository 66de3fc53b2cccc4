package org.implicitlayers.ritz;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.domain.Domain;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * A solution of any dimension sampled for files and plots: at scattered points inside the domain
 * ({@link #atPoints}), on a plane through the centre of the bounding box ({@link #slice}) and, in
 * 3-D, on a regular grid over the bounding box ({@link #volume}). Values outside the domain are
 * NaN. Call these on the thread that runs the solve or after it.
 */
public final class SolutionSamples {
    private SolutionSamples() {}

    /**
     * Values at points inside the domain.
     *
     * @param points [n][d] coordinates
     * @param u the approximate solution [n]
     * @param exact the exact solution [n], or null
     */
    public record Points(double[][] points, double[] u, double[] exact) {
        /** u - exact [n], or null without an exact solution. */
        public double[] error() {
            if (exact == null) {
                return null;
            }
            double[] e = new double[u.length];
            for (int i = 0; i < e.length; i++) {
                e[i] = u[i] - exact[i];
            }
            return e;
        }
    }

    /**
     * The n x n x n grid of the bounding box, values [i][j][k] at (xs[i], ys[j], zs[k]), NaN
     * outside.
     *
     * @param exact null without an exact solution
     * @param error null without an exact solution
     */
    public record Volume(
            double[] xs,
            double[] ys,
            double[] zs,
            double[][][] u,
            double[][][] exact,
            double[][][] error) {}

    /** The solution at the first n Sobol points inside the domain. */
    public static Points atPoints(RitzSolver solver, int n) {
        Domain domain = solver.problem().domain();
        int d = domain.dim();
        Tensor x = domain.sampleInterior(n, PointSource.sobol(d + 1), DType.FLOAT64);
        double[][] flat = x.toDoubleArray2d();
        double[][] values = evaluate(solver, x.toDoubleArray(), n, d);
        return new Points(flat, values[0], values[1]);
    }

    /**
     * The n x n grid of the plane spanned by axes a and b through the centre of the bounding box
     * (the other coordinates at the centre), as a {@link SolutionGrid}: xs along axis a, ys along
     * axis b.
     */
    public static SolutionGrid slice(RitzSolver solver, int n, int a, int b) {
        Domain domain = solver.problem().domain();
        int d = domain.dim();
        if (n < 2 || a == b || a < 0 || b < 0 || a >= d || b >= d) {
            throw new IllegalArgumentException(
                    "a slice needs n >= 2 and two different axes below "
                            + d
                            + "; got n "
                            + n
                            + ", axes "
                            + a
                            + ", "
                            + b);
        }
        double[] lo = domain.lower(), hi = domain.upper();
        double[] xs = axis(lo[a], hi[a], n), ys = axis(lo[b], hi[b], n);
        double[] pts = new double[n * n * d];
        boolean[] inside = new boolean[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                double[] p = new double[d];
                for (int c = 0; c < d; c++) {
                    p[c] = 0.5 * (lo[c] + hi[c]);
                }
                p[a] = xs[i];
                p[b] = ys[j];
                System.arraycopy(p, 0, pts, k * d, d);
                inside[k] =
                        domain.contains(p)
                                || onBox(p, lo, hi)
                                        && domain instanceof org.implicitlayers.ritz.domain.Box;
            }
        }
        double[][] v = evaluate(solver, pts, n * n, d);
        double[][] u = new double[n][n],
                ex = v[1] == null ? null : new double[n][n],
                err = v[1] == null ? null : new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int k = i * n + j;
                u[i][j] = inside[k] ? v[0][k] : Double.NaN;
                if (ex != null) {
                    ex[i][j] = inside[k] ? v[1][k] : Double.NaN;
                    err[i][j] = inside[k] ? v[0][k] - v[1][k] : Double.NaN;
                }
            }
        }
        return new SolutionGrid(xs, ys, u, ex, err);
    }

    /** The n x n x n grid of a 3-D domain's bounding box (n at least 2). */
    public static Volume volume(RitzSolver solver, int n) {
        Domain domain = solver.problem().domain();
        if (domain.dim() != 3 || n < 2) {
            throw new IllegalArgumentException(
                    "a volume needs a 3-D domain and n >= 2; got dimension "
                            + domain.dim()
                            + ", n "
                            + n);
        }
        double[] lo = domain.lower(), hi = domain.upper();
        double[] xs = axis(lo[0], hi[0], n), ys = axis(lo[1], hi[1], n), zs = axis(lo[2], hi[2], n);
        int m = n * n * n;
        double[] pts = new double[3 * m];
        boolean[] inside = new boolean[m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    int q = (i * n + j) * n + k;
                    double[] p = {xs[i], ys[j], zs[k]};
                    System.arraycopy(p, 0, pts, 3 * q, 3);
                    inside[q] =
                            domain.contains(p)
                                    || domain instanceof org.implicitlayers.ritz.domain.Box;
                }
            }
        }
        double[][] v = evaluate(solver, pts, m, 3);
        double[][][] u = new double[n][n][n],
                ex = v[1] == null ? null : new double[n][n][n],
                err = v[1] == null ? null : new double[n][n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                for (int k = 0; k < n; k++) {
                    int q = (i * n + j) * n + k;
                    u[i][j][k] = inside[q] ? v[0][q] : Double.NaN;
                    if (ex != null) {
                        ex[i][j][k] = inside[q] ? v[1][q] : Double.NaN;
                        err[i][j][k] = inside[q] ? v[0][q] - v[1][q] : Double.NaN;
                    }
                }
            }
        }
        return new Volume(xs, ys, zs, u, ex, err);
    }

    private static boolean onBox(double[] p, double[] lo, double[] hi) {
        for (int c = 0; c < p.length; c++) {
            if (p[c] < lo[c] || p[c] > hi[c]) {
                return false;
            }
        }
        return true;
    }

    private static double[] axis(double lo, double hi, int n) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * i / (n - 1);
        }
        return a;
    }

    /** {u, exact or null} at m points [m * d], in batches of 8192. */
    private static double[][] evaluate(RitzSolver solver, double[] pts, int m, int d) {
        double[] u = new double[m];
        double[] exact = null;
        PoissonProblem p =
                solver.problem() instanceof PoissonProblem pp && pp.exact() != null ? pp : null;
        if (p != null) {
            exact = new double[m];
        }
        for (int s = 0; s < m; s += 8192) {
            int c = Math.min(8192, m - s);
            try (Grad.Scope off = Grad.noGrad();
                    MemoryScope scope = MemoryScope.open()) {
                Tensor x =
                        Tensor.of(
                                DType.FLOAT64,
                                java.util.Arrays.copyOfRange(pts, s * d, (s + c) * d),
                                c,
                                d);
                System.arraycopy(
                        solver.solution(x.to(solver.options().run().dtype())).toDoubleArray(),
                        0,
                        u,
                        s,
                        c);
                if (p != null) {
                    System.arraycopy(p.exact().at(x).toDoubleArray(), 0, exact, s, c);
                }
            }
        }
        return new double[][] {u, exact};
    }
}
