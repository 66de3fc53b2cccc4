package org.implicitlayers.implicit.convex;

/**
 * Solves M u = r and M' u = r for a square matrix that may be singular. The optimality conditions
 * of a canonicalised problem are singular whenever an epigraph variable is not pinned down (a
 * constraint norm2(x) &lt;= 1 that is inactive leaves t in [||x||, 1] free), although the user's
 * variables are unique; as in diffcp, the minimum-norm least-squares solution is then the one
 * wanted, and the components along the free directions do not reach the user's variables.
 *
 * <p>When the LU factorisation is well conditioned it is used directly; otherwise iterated Tikhonov
 * regularisation on the normal equations, u_{k+1} = u_k + M'(MM' + delta I)^-1 (r - M u_k), which
 * converges to the minimum-norm least-squares solution (Hanke and Groetsch 1998).
 */
final class SquareSystem {
    private final int n;
    private final double[] m;
    private final DenseLu lu;
    private double[] mmt, mtm;
    private DenseLu cholMmt, cholMtm;

    SquareSystem(double[] m, int n) {
        this.n = n;
        this.m = m;
        DenseLu f = new DenseLu(m, n);
        this.lu = f.pivotRatio > 1e-11 ? f : null;
    }

    /** True when the matrix was (numerically) singular and the least-squares path is used. */
    boolean singular() {
        return lu == null;
    }

    double[] solve(double[] r) {
        if (lu != null) {
            return lu.solve(r);
        }
        if (cholMmt == null) {
            mmt = gram(false);
            cholMmt = regularised(mmt);
        }
        return iterate(r, false);
    }

    double[] solveTransposed(double[] r) {
        if (lu != null) {
            return lu.solveTransposed(r);
        }
        if (cholMtm == null) {
            mtm = gram(true);
            cholMtm = regularised(mtm);
        }
        return iterate(r, true);
    }

    /** MM' (or M'M when transposed). */
    private double[] gram(boolean transposed) {
        double[] g = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += transposed ? m[k * n + i] * m[k * n + j] : m[i * n + k] * m[j * n + k];
                }
                g[i * n + j] = s;
                g[j * n + i] = s;
            }
        }
        return g;
    }

    private DenseLu regularised(double[] g) {
        double scale = 0;
        for (int i = 0; i < n; i++) {
            scale = Math.max(scale, g[i * n + i]);
        }
        double[] r = g.clone();
        double delta = 1e-10 * Math.max(scale, 1e-300);
        for (int i = 0; i < n; i++) {
            r[i * n + i] += delta;
        }
        return new DenseLu(r, n);
    }

    private double[] iterate(double[] r, boolean transposed) {
        double[] u = new double[n];
        DenseLu f = transposed ? cholMtm : cholMmt;
        for (int it = 0; it < 8; it++) {
            double[] res = r.clone();
            double[] mu = apply(u, transposed);
            for (int i = 0; i < n; i++) {
                res[i] -= mu[i];
            }
            double[] w = f.solve(res);
            double[] du = apply(w, !transposed);
            for (int i = 0; i < n; i++) {
                u[i] += du[i];
            }
        }
        return u;
    }

    /** M u, or M'u when transposed. */
    private double[] apply(double[] u, boolean transposed) {
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                r[transposed ? k : i] += m[i * n + k] * u[transposed ? i : k];
            }
        }
        return r;
    }
}
