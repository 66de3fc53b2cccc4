package org.implicitlayers.implicit.layers;

import java.util.ArrayList;
import java.util.List;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.DecompositionSolver;
import org.hipparchus.linear.LUDecomposition;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.Roots;
import org.implicitlayers.implicit.linear.Dense;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.solve.RootSolver;

/**
 * A batch of quadratic programs as a layer (OptNet, Amos and Kolter 2017):
 * z* = argmin 1/2 z'Qz + p'z subject to Az = b, Gz &lt;= h, for every sample of the batch.
 *
 * <p>Forward: a primal-dual interior-point method with Mehrotra's predictor-corrector, in float64,
 * on the reduced KKT system. Backward: the implicit function theorem on the KKT conditions
 * [Qz + p + G'lambda + A'nu; lambda o (Gz - h); Az - b] = 0, through {@link Roots} with a batched
 * dense solve, so gradients reach Q, p, G, h, A and b (whichever require grad). Q, G and A may be
 * shared by the whole batch (given without the batch axis); their gradients then sum over it.
 */
public final class QpLayer {
    /**
     * Tolerance and iteration limit of the interior-point method, and what to do when a problem of
     * the batch does not reach 100 tol.
     *
     * @param tol     on the interior-point method's own measure (the worst of the scaled KKT residuals and the duality gap); default 1e-10
     * @param maxIter interior-point iterations per problem; default 60
     * @param policy  when a problem stops unconverged; default {@link NonConvergence#DEFAULT}
     */
    public record Options(double tol, int maxIter, NonConvergence policy) {
        public Options {
            if (!(tol > 0) || maxIter < 1 || policy == null) {
                throw new IllegalArgumentException("QpLayer.Options: tol > 0, maxIter >= 1 and a policy required, got " + tol + ", "
                        + maxIter + ", " + policy);
            }
        }

        public static Options defaults() {
            return new Options(1e-10, 60, NonConvergence.DEFAULT);
        }

        public Options withTol(double t) {
            return new Options(t, maxIter, policy);
        }

        public Options withMaxIter(int n) {
            return new Options(tol, n, policy);
        }

        public Options withPolicy(NonConvergence p) {
            return new Options(tol, maxIter, p);
        }
    }

    /** The primal solution z* [B, n] (on the tape) and the multipliers of the inequalities [B, m] and equalities [B, pe]. */
    public record Result(Tensor z, Tensor inequalityMultipliers, Tensor equalityMultipliers, int iterations) {
    }

    private QpLayer() {
    }

    /**
     * @param q [B, n, n], or [n, n] shared by the batch; positive definite (or semidefinite with a nonsingular KKT system)
     * @param p [B, n]
     * @param g [B, m, n], [m, n] shared, or null
     * @param h [B, m] or null
     * @param a [B, pe, n], [pe, n] shared, or null
     * @param b [B, pe] or null
     */
    public static Result solve(Tensor q, Tensor p, Tensor g, Tensor h, Tensor a, Tensor b, Options o) {
        int batch = p.shape(0);
        return solveBatched(perSample(q, batch), p, perSample(g, batch), h, perSample(a, batch), b, o);
    }

    private static Result solveBatched(Tensor q, Tensor p, Tensor g, Tensor h, Tensor a, Tensor b, Options o) {
        int batch = p.shape(0), n = p.shape(1);
        int m = g == null ? 0 : g.shape(1), pe = a == null ? 0 : a.shape(1);
        check(q, new int[] {batch, n, n}, "Q");
        if (g != null) {
            check(g, new int[] {batch, m, n}, "G");
            check(h, new int[] {batch, m}, "h");
        }
        if (a != null) {
            check(a, new int[] {batch, pe, n}, "A");
            check(b, new int[] {batch, pe}, "b");
        }
        List<Tensor> ps = new ArrayList<>(List.of(q, p));
        if (g != null) {
            ps.add(g);
            ps.add(h);
        }
        if (a != null) {
            ps.add(a);
            ps.add(b);
        }
        Tensor[] params = ps.toArray(new Tensor[0]);
        int[] iters = {0};
        // The KKT system's root by the interior-point method; converged by its own measure, reporting the root residual.
        RootSolver ipm = (f, z0) -> {
            double[] w = new double[batch * (n + m + pe)];
            double[] qv = q.toDoubleArray(), pv = p.toDoubleArray();
            double[] gv = g == null ? null : g.toDoubleArray(), hv = h == null ? null : h.toDoubleArray();
            double[] av = a == null ? null : a.toDoubleArray(), bv = b == null ? null : b.toDoubleArray();
            boolean ok = true;
            for (int s = 0; s < batch; s++) {
                double[] r = interiorPoint(slice(qv, s, n * n), slice(pv, s, n), gv == null ? null : slice(gv, s, m * n),
                        hv == null ? null : slice(hv, s, m), av == null ? null : slice(av, s, pe * n), bv == null ? null : slice(bv, s, pe),
                        n, m, pe, o, iters);
                ok &= r[r.length - 1] <= o.tol() * 100;
                System.arraycopy(r, 0, w, s * (n + m + pe), n + m + pe);
            }
            Tensor wt = Tensor.of(DType.FLOAT64, w, batch, n + m + pe).to(p.dtype()).to(p.backend());
            return new Solution(wt, iters[0], List.of(Residuals.root(f.apply(wt), wt)), ok);
        };
        Roots.Result r = Roots.solve((w, th) -> kkt(w, th, n, m, pe), Tensor.zeros(p.dtype(), batch, n + m + pe), params,
                new Roots.Options(ipm, Dense.batchedLu(), o.policy()));
        Tensor w = r.value();
        return new Result(w.slice(1, 0, n), m == 0 ? null : w.slice(1, n, n + m), pe == 0 ? null : w.slice(1, n + m, n + m + pe),
                r.forward().evaluations());
    }

    /** A matrix [r, c] shared by the batch, as [B, r, c] (differentiably: its gradient sums over the batch); else t itself. */
    private static Tensor perSample(Tensor t, int batch) {
        return t != null && t.rank() == 2 ? t.unsqueeze(0).broadcastTo(batch, t.shape(0), t.shape(1)) : t;
    }

    private static void check(Tensor t, int[] shape, String name) {
        if (t == null || !java.util.Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException("QpLayer: " + name + " must have shape " + java.util.Arrays.toString(shape)
                    + ", got " + (t == null ? "null" : java.util.Arrays.toString(t.shape())));
        }
    }

    /** The KKT residual of the batch, with complementarity written as lambda o (Gz - h). */
    static Tensor kkt(Tensor w, Tensor[] th, int n, int m, int pe) {
        int batch = w.shape(0);
        Tensor q = th[0], p = th[1];
        Tensor z = w.slice(1, 0, n).reshape(batch, n, 1);
        Tensor stat = q.matmul(z).reshape(batch, n).add(p);
        List<Tensor> parts = new ArrayList<>();
        int k = 2;
        Tensor comp = null, prim = null;
        if (m > 0) {
            Tensor g = th[k], h = th[k + 1];
            k += 2;
            Tensor lam = w.slice(1, n, n + m);
            stat = stat.add(g.matmul(lam.reshape(batch, m, 1), true, false).reshape(batch, n));
            comp = lam.mul(g.matmul(z).reshape(batch, m).sub(h));
        }
        if (pe > 0) {
            Tensor a = th[k], b = th[k + 1];
            Tensor nu = w.slice(1, n + m, n + m + pe);
            stat = stat.add(a.matmul(nu.reshape(batch, pe, 1), true, false).reshape(batch, n));
            prim = a.matmul(z).reshape(batch, pe).sub(b);
        }
        parts.add(stat);
        if (comp != null) {
            parts.add(comp);
        }
        if (prim != null) {
            parts.add(prim);
        }
        return parts.size() == 1 ? stat : Tensor.concat(1, parts.toArray(new Tensor[0]));
    }

    private static double[] slice(double[] v, int s, int len) {
        return java.util.Arrays.copyOfRange(v, s * len, (s + 1) * len);
    }

    /**
     * Mehrotra predictor-corrector on one QP, eliminating the slacks: the reduced system is
     * [Q + G'DG, A'; A, 0], D = diag(lambda / s). Returns [z, lambda, nu, final residual].
     */
    static double[] interiorPoint(double[] q, double[] p, double[] g, double[] h, double[] a, double[] b,
                                  int n, int m, int pe, Options o, int[] iterations) {
        double[] z = new double[n], s = new double[m], lam = new double[m], nu = new double[pe];
        for (int i = 0; i < m; i++) {
            s[i] = Math.max(1.0, h[i]);
            lam[i] = 1.0;
        }
        double res = Double.POSITIVE_INFINITY;
        for (int it = 0; it < o.maxIter(); it++) {
            iterations[0] = Math.max(iterations[0], it + 1);
            double[] rd = new double[n], rp = new double[pe], ri = new double[m];
            for (int i = 0; i < n; i++) {
                double v = p[i];
                for (int j = 0; j < n; j++) {
                    v += q[i * n + j] * z[j];
                }
                for (int j = 0; j < m; j++) {
                    v += g[j * n + i] * lam[j];
                }
                for (int j = 0; j < pe; j++) {
                    v += a[j * n + i] * nu[j];
                }
                rd[i] = v;
            }
            for (int j = 0; j < pe; j++) {
                double v = -b[j];
                for (int i = 0; i < n; i++) {
                    v += a[j * n + i] * z[i];
                }
                rp[j] = v;
            }
            for (int j = 0; j < m; j++) {
                double v = s[j] - h[j];
                for (int i = 0; i < n; i++) {
                    v += g[j * n + i] * z[i];
                }
                ri[j] = v;
            }
            double mu = 0;
            for (int j = 0; j < m; j++) {
                mu += s[j] * lam[j];
            }
            mu = m == 0 ? 0 : mu / m;
            res = Math.max(Math.max(maxAbs(rd), maxAbs(rp)), Math.max(maxAbs(ri), mu));
            if (res <= o.tol()) {
                break;
            }
            // Reduced matrix K = [Q + G'DG, A'; A, 0].
            int k = n + pe;
            double[][] kk = new double[k][k];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double v = q[i * n + j];
                    for (int c = 0; c < m; c++) {
                        v += g[c * n + i] * (lam[c] / s[c]) * g[c * n + j];
                    }
                    kk[i][j] = v;
                }
                for (int c = 0; c < pe; c++) {
                    kk[i][n + c] = a[c * n + i];
                    kk[n + c][i] = a[c * n + i];
                }
            }
            DecompositionSolver lu = new LUDecomposition(new Array2DRowRealMatrix(kk, false), 1e-300).getSolver();
            double[] rc = new double[m];
            for (int j = 0; j < m; j++) {
                rc[j] = -s[j] * lam[j];
            }
            double[][] aff = step(lu, rd, rp, ri, rc, s, lam, g, n, m, pe);
            double alphaAff = Math.min(maxStep(s, aff[3]), maxStep(lam, aff[1]));
            double muAff = 0;
            for (int j = 0; j < m; j++) {
                muAff += (s[j] + alphaAff * aff[3][j]) * (lam[j] + alphaAff * aff[1][j]);
            }
            muAff = m == 0 ? 0 : muAff / m;
            double sigma = mu == 0 ? 0 : Math.pow(muAff / mu, 3);
            for (int j = 0; j < m; j++) {
                rc[j] = -s[j] * lam[j] - aff[3][j] * aff[1][j] + sigma * mu;
            }
            double[][] d = m == 0 ? aff : step(lu, rd, rp, ri, rc, s, lam, g, n, m, pe);
            double alpha = Math.min(1.0, 0.99 * Math.min(maxStep(s, d[3]), maxStep(lam, d[1])));
            if (m == 0) {
                alpha = 1;
            }
            for (int i = 0; i < n; i++) {
                z[i] += alpha * d[0][i];
            }
            for (int j = 0; j < m; j++) {
                lam[j] += alpha * d[1][j];
                s[j] += alpha * d[3][j];
            }
            for (int j = 0; j < pe; j++) {
                nu[j] += alpha * d[2][j];
            }
        }
        double[] out = new double[n + m + pe + 1];
        System.arraycopy(z, 0, out, 0, n);
        System.arraycopy(lam, 0, out, n, m);
        System.arraycopy(nu, 0, out, n + m, pe);
        out[n + m + pe] = res;
        return out;
    }

    /** Solves the Newton system for one right-hand side of complementarity rc; returns {dz, dlam, dnu, ds}. */
    private static double[][] step(DecompositionSolver lu, double[] rd, double[] rp, double[] ri, double[] rc, double[] s, double[] lam,
                                   double[] g, int n, int m, int pe) {
        double[] rhs = new double[n + pe];
        // w_j = (rc_j + lam_j ri_j) / s_j enters as -G'w.
        double[] w = new double[m];
        for (int j = 0; j < m; j++) {
            w[j] = (rc[j] + lam[j] * ri[j]) / s[j];
        }
        for (int i = 0; i < n; i++) {
            double v = -rd[i];
            for (int j = 0; j < m; j++) {
                v -= g[j * n + i] * w[j];
            }
            rhs[i] = v;
        }
        for (int j = 0; j < pe; j++) {
            rhs[n + j] = -rp[j];
        }
        double[] sol = lu.solve(new ArrayRealVector(rhs, false)).toArray();
        double[] dz = java.util.Arrays.copyOfRange(sol, 0, n), dnu = java.util.Arrays.copyOfRange(sol, n, n + pe);
        double[] dlam = new double[m], ds = new double[m];
        for (int j = 0; j < m; j++) {
            double gdz = 0;
            for (int i = 0; i < n; i++) {
                gdz += g[j * n + i] * dz[i];
            }
            ds[j] = -ri[j] - gdz;
            dlam[j] = (rc[j] - lam[j] * ds[j]) / s[j];
        }
        return new double[][] {dz, dlam, dnu, ds};
    }

    private static double maxStep(double[] x, double[] dx) {
        double a = Double.POSITIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            if (dx[i] < 0) {
                a = Math.min(a, -x[i] / dx[i]);
            }
        }
        return a;
    }

    private static double maxAbs(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, Math.abs(x));
        }
        return m;
    }
}
