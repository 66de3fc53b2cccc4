package org.implicitlayers.implicit.convex;

/**
 * The adjoint of the solution map from (A, b, c) to (x, y, s) of a cone program at a solution, by
 * the implicit function theorem on its optimality conditions written with the projection onto the
 * dual cone (the approach of Agrawal, Barratt, Boyd, Busseti and Moursi, "Differentiating through a
 * cone program", 2019). With v = y - s, Moreau's decomposition gives y = Pi(v) and s = Pi(v) - v
 * (Pi the projection onto K*), and (x, v) solves
 *
 * <pre>
 *   F(x, v) = [ A' Pi(v) + c ; b - A x - (Pi(v) - v) ] = 0,
 * </pre>
 *
 * whose Jacobian is J = [0, A'P; -A, I - P] with P = DPi(v). (This is the residual map of the
 * homogeneous embedding with its scale w fixed at 1: the full map is positively homogeneous, so its
 * Jacobian is singular along the solution ray and the duality-gap row is implied by the others.) A
 * perturbation of the data moves (x, v) by -J^-1 [dA'y + dc; db - dA x]; for a loss with gradients
 * g_x, g_y, g_s the adjoint is r = -J^-T (g_x, P g_y + (P - I) g_s), and then grad A = y r_x' - r_v
 * x', grad b = r_v, grad c = r_x.
 *
 * <p>J is nonsingular when the canonical solution is unique and strictly complementary; when it is
 * not (typically an epigraph variable left free by an inactive constraint) the minimum-norm
 * least-squares solution is used ({@link SquareSystem}), as diffcp does. At a degenerate point (a
 * constraint active with a zero multiplier) the projection has a kink; the solution lies a
 * tolerance away on one side, and the gradient returned is the one-sided derivative from that side,
 * an element of the generalised Jacobian.
 */
final class ConeDerivative {
    /** Gradients with respect to A (row-major m x n), b and c. */
    record Gradients(double[] a, double[] b, double[] c) {}

    private ConeDerivative() {}

    /** J = [0, A'P; -A, I - P], [n + m]^2 row-major, P = DPi(v). */
    static double[] jacobian(double[] a, int n, Cones k, double[] v) {
        int m = k.rows(), dim = n + m;
        double[] dp = k.projectDualDerivative(v);
        double[] mat = new double[dim * dim];
        for (int r = 0; r < m; r++) {
            int prow = r * m;
            for (int i = 0; i < n; i++) {
                double ari = a[r * n + i];
                if (ari == 0) {
                    continue;
                }
                for (int j = 0; j < m; j++) {
                    mat[i * dim + n + j] += ari * dp[prow + j];
                }
            }
            for (int j = 0; j < n; j++) {
                mat[(n + r) * dim + j] = -a[r * n + j];
            }
            for (int j = 0; j < m; j++) {
                mat[(n + r) * dim + n + j] = (r == j ? 1 : 0) - dp[prow + j];
            }
        }
        return mat;
    }

    /** F(x, v) = [A'y + c; b - Ax - s] with y = Pi(v), s = y - v. */
    static double[] residual(
            double[] a, double[] b, double[] c, int n, Cones k, double[] x, double[] v) {
        int m = k.rows();
        double[] y = k.projectDual(v);
        double[] r = new double[n + m];
        System.arraycopy(c, 0, r, 0, n);
        for (int i = 0; i < m; i++) {
            double ax = 0;
            for (int j = 0; j < n; j++) {
                double aij = a[i * n + j];
                r[j] += aij * y[i];
                ax += aij * x[j];
            }
            r[n + i] = b[i] - ax - (y[i] - v[i]);
        }
        return r;
    }

    /**
     * Solution refinement (Busseti, Moursi and Boyd, "Solution refinement at regular points of
     * conic problems", 2019): semismooth Newton steps J d = -F on the residual map above, each kept
     * only if it reduces ||F||; returns {x, y, s}, refined (or as given when no step helps). An
     * interior-point solution is accurate in the duality gap, which for a quadratic objective in
     * epigraph form bounds the error of x only by its square root; Newton steps at the identified
     * active set restore full accuracy.
     */
    static double[][] refine(
            double[] a,
            double[] b,
            double[] c,
            int n,
            Cones k,
            double[] x,
            double[] y,
            double[] s,
            int steps) {
        int m = k.rows(), dim = n + m;
        double[] xc = x.clone(), v = new double[m];
        for (int i = 0; i < m; i++) {
            v[i] = y[i] - s[i];
        }
        double[] res = residual(a, b, c, n, k, xc, v);
        double norm = ConeSolver.norm(res);
        boolean moved = false;
        double scale = 1 + Math.max(ConeSolver.norm(b), ConeSolver.norm(c));
        // The Jacobian is refactored only when a step with the current factorisation fails to
        // reduce the residual
        // (a chord method: the Jacobian is constant while the active set does not change).
        SquareSystem jac = null;
        boolean fresh = false;
        for (int it = 0; it < steps && norm > 1e-15 * scale; it++) {
            if (jac == null) {
                jac = new SquareSystem(jacobian(a, n, k, v), dim);
                fresh = true;
            }
            double[] d = jac.solve(res);
            // The map is only piecewise smooth: a full step that crosses a kink (a constraint
            // changing between
            // active and inactive) can increase the residual, so the step is halved until it does
            // not.
            boolean accepted = false;
            for (double alpha = 1; alpha >= (fresh ? 1.0 / 1024 : 1) && !accepted; alpha /= 2) {
                double[] xn = new double[n], vn = new double[m];
                for (int j = 0; j < n; j++) {
                    xn[j] = xc[j] - alpha * d[j];
                }
                for (int i = 0; i < m; i++) {
                    vn[i] = v[i] - alpha * d[n + i];
                }
                double[] rn = residual(a, b, c, n, k, xn, vn);
                double nn = ConeSolver.norm(rn);
                // A step with a stale factorisation must at least halve the residual, else the
                // Jacobian is refreshed.
                if (fresh ? nn < norm : nn < 0.5 * norm) {
                    xc = xn;
                    v = vn;
                    res = rn;
                    norm = nn;
                    accepted = true;
                    moved = true;
                }
            }
            if (!accepted) {
                if (fresh) {
                    break;
                }
                jac = null;
            } else {
                fresh = false;
            }
        }
        if (!moved) {
            return new double[][] {x, y, s};
        }
        double[] yr = k.projectDual(v), sr = new double[m];
        for (int i = 0; i < m; i++) {
            sr[i] = yr[i] - v[i];
        }
        return new double[][] {xc, yr, sr};
    }

    /**
     * The gradients with respect to A, b, c of a loss with gradients gx, gy, gs (gy, gs may be
     * null) at the solution (x, y, s).
     */
    static Gradients adjoint(
            double[] a,
            int n,
            Cones k,
            double[] x,
            double[] y,
            double[] s,
            double[] gx,
            double[] gy,
            double[] gs) {
        int m = k.rows(), dim = n + m;
        double[] v = new double[m];
        for (int i = 0; i < m; i++) {
            v[i] = y[i] - s[i];
        }
        double[] py = k.projectDual(v);
        double[] dp = k.projectDualDerivative(v);
        double[] g = new double[dim];
        System.arraycopy(gx, 0, g, 0, n);
        for (int i = 0; i < m; i++) {
            double vv = 0;
            for (int j = 0; j < m; j++) {
                vv += dp[i * m + j] * ((gy == null ? 0 : gy[j]) + (gs == null ? 0 : gs[j]));
            }
            g[n + i] = vv - (gs == null ? 0 : gs[i]);
        }
        double[] r = new SquareSystem(jacobian(a, n, k, v), dim).solveTransposed(g);
        double[] ga = new double[m * n], gb = new double[m], gc = new double[n];
        for (int i = 0; i < m; i++) {
            double ri = -r[n + i];
            for (int j = 0; j < n; j++) {
                ga[i * n + j] = -py[i] * r[j] - ri * x[j];
            }
            gb[i] = ri;
        }
        for (int j = 0; j < n; j++) {
            gc[j] = -r[j];
        }
        return new Gradients(ga, gb, gc);
    }
}
