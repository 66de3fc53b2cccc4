package org.implicitlayers.implicit.convex;

import java.util.Arrays;

/**
 * A primal-dual interior-point method for min c'x s.t. Ax + s = b, s in K, with K a product of a
 * zero cone, a nonnegative orthant and second-order cones ({@link Cones}), in float64.
 *
 * <p>The algorithm is that of CVXOPT's {@code conelp} (Vandenberghe, "The CVXOPT linear and
 * quadratic cone program solvers", 2010): the zero-cone rows become equalities A_eq x = b_eq, the
 * rest G x + s = h, and the iterates follow the central path of the homogeneous self-dual embedding
 * (variables x, y, z, s, tau, kappa), so that a solution, a certificate of primal infeasibility
 * (b'y + h'z &lt; 0 with A'y + G'z ~ 0) or one of dual infeasibility (c'x &lt; 0 with Ax + s ~ 0)
 * is found without a phase one. Each iteration uses Nesterov-Todd scaling (W z = W^-1 s = lambda),
 * solves the reduced system [G'W^-2 G, A_eq'; A_eq, 0] by dense LU (with a tiny regularisation and
 * iterative refinement against the exact system, so that redundant equalities or variables that
 * appear nowhere do not stop it), and takes Mehrotra's predictor-corrector step.
 */
public final class ConeSolver {
    /** Outcome of one solve. */
    public enum Status {
        OPTIMAL,
        INFEASIBLE,
        UNBOUNDED,
        NOT_CONVERGED
    }

    /**
     * @param tol relative feasibility and duality-gap tolerance of an optimal solution, and of
     *     infeasibility certificates; default 1e-9
     * @param maxIter interior-point iterations; default 100
     * @param refine Newton steps of solution refinement after an optimal solve (see {@code
     *     ConeDerivative.refine}); default 8
     */
    public record Options(double tol, int maxIter, int refine) {
        public Options {
            if (!(tol > 0) || maxIter < 1 || refine < 0) {
                throw new IllegalArgumentException(
                        "ConeSolver.Options: tol > 0, maxIter >= 1 and refine >= 0 required, got "
                                + tol
                                + ", "
                                + maxIter
                                + ", "
                                + refine);
            }
        }

        public static Options defaults() {
            return new Options(1e-9, 100, 8);
        }

        public Options withTol(double t) {
            return new Options(t, maxIter, refine);
        }

        public Options withMaxIter(int k) {
            return new Options(tol, k, refine);
        }

        public Options withRefine(int k) {
            return new Options(tol, maxIter, k);
        }
    }

    /**
     * A solution (x, y, s) of the cone program and its dual (max -b'y s.t. A'y + c = 0, y in K*),
     * or for INFEASIBLE a certificate y (A'y = 0, b'y = -1), for UNBOUNDED a direction x (Ax + s =
     * 0, s in K, c'x = -1); for NOT_CONVERGED the last iterate.
     *
     * @param residual the worst of the relative primal and dual residuals and the relative gap at
     *     the end
     */
    public record Solution(
            Status status, double[] x, double[] y, double[] s, int iterations, double residual) {}

    private ConeSolver() {}

    /** Solves one cone program; A is [m x n] row-major, m = cones.rows(). */
    public static Solution solve(
            double[] a, double[] b, double[] c, int n, Cones cones, Options o) {
        Solution s = new Run(a, b, c, n, cones).solve(o);
        if (s.status() == Status.INFEASIBLE || s.status() == Status.UNBOUNDED) {
            return s;
        }
        // The interior-point method stops at its tolerance, or where rounding stops its progress
        // (the scaling
        // matrices grow like 1/sqrt(mu)); from there a few Newton steps on the optimality
        // conditions polish the
        // solution, and the status is decided by checking those conditions afresh.
        double[] x = s.x(), y = s.y(), sl = s.s();
        if (o.refine() > 0 && s.residual() <= REFINE_FROM) {
            double[][] r = ConeDerivative.refine(a, b, c, n, cones, x, y, sl, o.refine());
            x = r[0];
            y = r[1];
            sl = r[2];
        }
        double res = optimalityResidual(a, b, c, n, cones, x, y, sl);
        return new Solution(
                res <= o.tol() ? Status.OPTIMAL : Status.NOT_CONVERGED,
                x,
                y,
                sl,
                s.iterations(),
                res);
    }

    /** Largest interior-point residual from which refinement is tried. */
    private static final double REFINE_FROM = 1e-5;

    /**
     * The worst of the relative primal residual ||Ax + s - b|| / max(1, ||b||), the relative dual
     * residual ||A'y + c|| / max(1, ||c||), the relative gap |c'x + b'y| / max(1, |c'x|, |b'y|) and
     * the distances of s from K and of y from K*.
     */
    static double optimalityResidual(
            double[] a,
            double[] b,
            double[] c,
            int n,
            Cones k,
            double[] x,
            double[] y,
            double[] s) {
        int m = k.rows();
        double[] pr = new double[m], dr = c.clone();
        for (int i = 0; i < m; i++) {
            double ax = 0;
            for (int j = 0; j < n; j++) {
                ax += a[i * n + j] * x[j];
                dr[j] += a[i * n + j] * y[i];
            }
            pr[i] = ax + s[i] - b[i];
        }
        double cx = dot(c, x), by = dot(b, y);
        double worst = Math.max(norm(pr) / Math.max(1, norm(b)), norm(dr) / Math.max(1, norm(c)));
        worst =
                Math.max(
                        worst,
                        Math.abs(cx + by) / Math.max(1, Math.max(Math.abs(cx), Math.abs(by))));
        // Cone membership: s in K (zero rows exactly zero), y in K* (free on zero rows).
        double scale = Math.max(1, Math.max(norm(s), norm(y)));
        double[] py = k.projectDual(y);
        double[] ms = new double[m];
        for (int i = 0; i < m; i++) {
            ms[i] = -s[i];
        }
        double[] pms = k.projectDual(ms);
        double outS = 0;
        for (int i = 0; i < m; i++) {
            // s in K iff the projection of -s onto K* (= K off the zero rows) is zero; on zero rows
            // s must vanish.
            double e = i < k.zero() ? s[i] : pms[i];
            outS += e * e;
        }
        double outY = 0;
        for (int i = 0; i < m; i++) {
            outY += (py[i] - y[i]) * (py[i] - y[i]);
        }
        return Math.max(worst, Math.sqrt(Math.max(outS, outY)) / scale);
    }

    private static final class Run {
        final int n, p, mc;
        final Cones k;
        final double[] aeq, beq, g, h, c;
        // Scaling of the current iterate: per orthant row d = sqrt(s/z); per cone beta and the unit
        // hyperbolic vector wbar.
        final double[] d, wbar, beta;

        Run(double[] a, double[] b, double[] c, int n, Cones k) {
            this.n = n;
            this.k = k;
            this.p = k.zero();
            this.mc = k.coneRows();
            this.aeq = Arrays.copyOfRange(a, 0, p * n);
            this.beq = Arrays.copyOfRange(b, 0, p);
            this.g = Arrays.copyOfRange(a, p * n, (p + mc) * n);
            this.h = Arrays.copyOfRange(b, p, p + mc);
            this.c = c;
            this.d = new double[k.nonneg()];
            this.wbar = new double[mc - k.nonneg()];
            this.beta = new double[k.soc().length];
        }

        // ---- cone algebra on the inequality part (length mc) ----

        /** u o v (Jordan product). */
        double[] prod(double[] u, double[] v) {
            double[] r = new double[mc];
            int l = k.nonneg();
            for (int i = 0; i < l; i++) {
                r[i] = u[i] * v[i];
            }
            int at = l;
            for (int q : k.soc()) {
                double dot = 0;
                for (int i = 0; i < q; i++) {
                    dot += u[at + i] * v[at + i];
                }
                r[at] = dot;
                for (int i = 1; i < q; i++) {
                    r[at + i] = u[at] * v[at + i] + v[at] * u[at + i];
                }
                at += q;
            }
            return r;
        }

        /** x with lam o x = w. */
        double[] div(double[] lam, double[] w) {
            double[] x = new double[mc];
            int l = k.nonneg();
            for (int i = 0; i < l; i++) {
                x[i] = w[i] / lam[i];
            }
            int at = l;
            for (int q : k.soc()) {
                double l0 = lam[at], det = l0 * l0, lw = 0;
                for (int i = 1; i < q; i++) {
                    det -= lam[at + i] * lam[at + i];
                    lw += lam[at + i] * w[at + i];
                }
                double x0 = (l0 * w[at] - lw) / det;
                x[at] = x0;
                for (int i = 1; i < q; i++) {
                    x[at + i] = (w[at + i] - x0 * lam[at + i]) / l0;
                }
                at += q;
            }
            return x;
        }

        /** The identity element e. */
        double[] unit() {
            double[] e = new double[mc];
            Arrays.fill(e, 0, k.nonneg(), 1);
            int at = k.nonneg();
            for (int q : k.soc()) {
                e[at] = 1;
                at += q;
            }
            return e;
        }

        /**
         * Largest alpha with x + alpha dx in K (infinity when the ray stays inside); x must be
         * interior.
         */
        double maxStep(double[] x, double[] dx) {
            double a = Double.POSITIVE_INFINITY;
            int l = k.nonneg();
            for (int i = 0; i < l; i++) {
                if (dx[i] < 0) {
                    a = Math.min(a, -x[i] / dx[i]);
                }
            }
            int at = l;
            for (int q : k.soc()) {
                // f(alpha) = (x + alpha dx)'J(x + alpha dx) = cc + 2 bb alpha + aa alpha^2,
                // positive at 0.
                double aa = dx[at] * dx[at], bb = x[at] * dx[at], cc = x[at] * x[at];
                for (int i = 1; i < q; i++) {
                    aa -= dx[at + i] * dx[at + i];
                    bb -= x[at + i] * dx[at + i];
                    cc -= x[at + i] * x[at + i];
                }
                a = Math.min(a, smallestPositiveRoot(aa, bb, cc));
                if (dx[at] < 0) {
                    a = Math.min(a, -x[at] / dx[at]);
                }
                at += q;
            }
            return a;
        }

        private static double smallestPositiveRoot(double aa, double bb, double cc) {
            if (aa == 0) {
                return bb < 0 ? -cc / (2 * bb) : Double.POSITIVE_INFINITY;
            }
            double disc = bb * bb - aa * cc;
            if (disc < 0) {
                return Double.POSITIVE_INFINITY;
            }
            double qq = -(bb + Math.copySign(Math.sqrt(disc), bb));
            double r1 = qq / aa, r2 = qq == 0 ? 0 : cc / qq, best = Double.POSITIVE_INFINITY;
            if (r1 > 0) {
                best = r1;
            }
            if (r2 > 0) {
                best = Math.min(best, r2);
            }
            return best;
        }

        /** How far outside the cone x is: max over blocks of (-x_i) and (||x1|| - x0). */
        double outside(double[] x) {
            double a = Double.NEGATIVE_INFINITY;
            int l = k.nonneg();
            for (int i = 0; i < l; i++) {
                a = Math.max(a, -x[i]);
            }
            int at = l;
            for (int q : k.soc()) {
                double nx = 0;
                for (int i = 1; i < q; i++) {
                    nx += x[at + i] * x[at + i];
                }
                a = Math.max(a, Math.sqrt(nx) - x[at]);
                at += q;
            }
            return a;
        }

        /** Nesterov-Todd scaling from interior s and z; returns lambda = W z. */
        double[] scaling(double[] s, double[] z) {
            int l = k.nonneg();
            for (int i = 0; i < l; i++) {
                d[i] = Math.sqrt(s[i] / z[i]);
            }
            int at = l, cone = 0;
            for (int q : k.soc()) {
                double sj = jnorm(s, at, q), zj = jnorm(z, at, q);
                double dot = 0;
                for (int i = 0; i < q; i++) {
                    dot += s[at + i] * z[at + i];
                }
                double gamma = Math.sqrt(0.5 * (1 + dot / (sj * zj)));
                beta[cone] = Math.sqrt(sj / zj);
                int w = at - l;
                // wbar = (sbar + J zbar) / (2 gamma), sbar = s / sqrt(s'Js), zbar likewise.
                wbar[w] = (s[at] / sj + z[at] / zj) / (2 * gamma);
                for (int i = 1; i < q; i++) {
                    wbar[w + i] = (s[at + i] / sj - z[at + i] / zj) / (2 * gamma);
                }
                at += q;
                cone++;
            }
            return applyW(z, false);
        }

        private static double jnorm(double[] x, int at, int q) {
            double v = x[at] * x[at];
            for (int i = 1; i < q; i++) {
                v -= x[at + i] * x[at + i];
            }
            return Math.sqrt(Math.max(v, Double.MIN_NORMAL));
        }

        /** W u, or W^-1 u when inverse (W is symmetric). */
        double[] applyW(double[] u, boolean inverse) {
            double[] r = new double[mc];
            int l = k.nonneg();
            for (int i = 0; i < l; i++) {
                r[i] = inverse ? u[i] / d[i] : u[i] * d[i];
            }
            int at = l, cone = 0;
            for (int q : k.soc()) {
                int w = at - l;
                double w0 = wbar[w], wu = 0;
                for (int i = 1; i < q; i++) {
                    wu += wbar[w + i] * u[at + i];
                }
                // Wbar = [w0, w1'; w1, I + w1 w1'/(1 + w0)]; Wbar^-1 = J Wbar J.
                double sgn = inverse ? -1 : 1, sc = inverse ? 1 / beta[cone] : beta[cone];
                r[at] = sc * (w0 * u[at] + sgn * wu);
                double f = sgn * u[at] + wu / (1 + w0);
                for (int i = 1; i < q; i++) {
                    r[at + i] = sc * (u[at + i] + f * wbar[w + i]);
                }
                at += q;
                cone++;
            }
            return r;
        }

        // ---- the reduced KKT system ----

        /**
         * Factorisation of [G'W^-2 G + delta I, A_eq'; A_eq, -delta I] and the exact matrix for
         * refinement.
         */
        DenseLu lu;

        double[] exact;

        /** W^-1 G [mc x n]. */
        double[] wg;

        void factor() {
            int dim = n + p;
            wg = new double[mc * n];
            double[] col = new double[mc];
            for (int j = 0; j < n; j++) {
                for (int i = 0; i < mc; i++) {
                    col[i] = g[i * n + j];
                }
                double[] wc = applyW(col, true);
                for (int i = 0; i < mc; i++) {
                    wg[i * n + j] = wc[i];
                }
            }
            double[] mat = new double[dim * dim];
            for (int r = 0; r < mc; r++) {
                int ro = r * n;
                for (int i = 0; i < n; i++) {
                    double v = wg[ro + i];
                    if (v == 0) {
                        continue;
                    }
                    for (int j = 0; j < n; j++) {
                        mat[i * dim + j] += v * wg[ro + j];
                    }
                }
            }
            for (int r = 0; r < p; r++) {
                for (int j = 0; j < n; j++) {
                    mat[(n + r) * dim + j] = aeq[r * n + j];
                    mat[j * dim + n + r] = aeq[r * n + j];
                }
            }
            exact = mat.clone();
            double scale = 1;
            for (int i = 0; i < n; i++) {
                scale = Math.max(scale, Math.abs(mat[i * dim + i]));
            }
            double delta = 1e-13 * scale;
            for (int i = 0; i < dim; i++) {
                mat[i * dim + i] += i < n ? delta : -delta;
            }
            lu = new DenseLu(mat, dim);
        }

        /**
         * Solves [0, A_eq', G'; A_eq, 0, 0; G, 0, -W^2] [ux; uy; uz] = [bx; by; bz]; returns {ux,
         * uy, W uz}.
         */
        double[][] kktSolve(double[] bx, double[] by, double[] bz) {
            int dim = n + p;
            // W uz = W^-1 (G ux - bz); first row: G'W^-2 G ux + A_eq'uy = bx + G'W^-2 bz.
            double[] wbz = applyW(bz, true);
            double[] rhs = new double[dim];
            for (int i = 0; i < n; i++) {
                double v = bx[i];
                for (int r = 0; r < mc; r++) {
                    v += wg[r * n + i] * wbz[r];
                }
                rhs[i] = v;
            }
            System.arraycopy(by, 0, rhs, n, p);
            double[] u = lu.solve(rhs);
            for (int it = 0; it < 2; it++) {
                double[] res = rhs.clone();
                for (int i = 0; i < dim; i++) {
                    double v = 0;
                    for (int j = 0; j < dim; j++) {
                        v += exact[i * dim + j] * u[j];
                    }
                    res[i] -= v;
                }
                double[] du = lu.solve(res);
                for (int i = 0; i < dim; i++) {
                    u[i] += du[i];
                }
            }
            double[] ux = Arrays.copyOfRange(u, 0, n), uy = Arrays.copyOfRange(u, n, dim);
            double[] wuz = new double[mc];
            for (int r = 0; r < mc; r++) {
                double v = -wbz[r];
                for (int j = 0; j < n; j++) {
                    v += wg[r * n + j] * ux[j];
                }
                wuz[r] = v;
            }
            return new double[][] {ux, uy, wuz};
        }

        // ---- the method ----

        Solution solve(Options o) {
            double[] e = unit();
            int degree = k.degree();
            // Starting point (conelp): W = I; primal: min ||s|| s.t. Gx + s = h, A_eq x = b_eq;
            // dual: min ||z|| s.t. A_eq'y + G'z + c = 0.
            Arrays.fill(d, 1);
            Arrays.fill(beta, 1);
            int at = k.nonneg();
            Arrays.fill(wbar, 0);
            for (int q : k.soc()) {
                wbar[at - k.nonneg()] = 1;
                at += q;
            }
            factor();
            double[][] pr = kktSolve(new double[n], beq, h);
            double[] x = pr[0], s = neg(pr[2]);
            double[][] du = kktSolve(neg(c), new double[p], new double[mc]);
            double[] y = du[1], z = du[2];
            shiftInside(s, e);
            shiftInside(z, e);
            double tau = 1, kappa = 1;
            double resx0 = Math.max(1, norm(c)),
                    resy0 = Math.max(1, norm(beq)),
                    resz0 = Math.max(1, norm(h));
            double worst = Double.POSITIVE_INFINITY, best = Double.POSITIVE_INFINITY;
            double[][] bestIterate = null;
            int bestIt = 0;
            for (int it = 0; it <= o.maxIter(); it++) {
                // Residuals of the embedding.
                double[] rx = atY(y, z);
                double[] hrx = rx.clone();
                axpy(tau, c, rx);
                double[] hry = aeqX(x), ry = hry.clone();
                axpy(-tau, beq, ry);
                double[] hrz = gX(x);
                axpy(1, s, hrz);
                double[] rz = hrz.clone();
                axpy(-tau, h, rz);
                double cx = dot(c, x), by = dot(beq, y), hz = dot(h, z);
                double rt = kappa + cx + by + hz;
                double gap = dot(s, z);
                double mu = (gap + tau * kappa) / (degree + 1);
                double pres = Math.max(norm(ry) / resy0, norm(rz) / resz0) / tau;
                double dres = norm(rx) / resx0 / tau;
                double pcost = cx / tau, dcost = -(by + hz) / tau;
                double relgap =
                        gap / (tau * tau) / Math.max(1, Math.min(Math.abs(pcost), Math.abs(dcost)));
                worst = Math.max(Math.max(pres, dres), relgap);
                if (Double.isNaN(worst) || (best <= REFINE_FROM && worst > 1e3 * best)) {
                    // Rounding has taken over near the solution (or the iterate is no longer
                    // finite): stop and keep the
                    // best iterate. (Far from a solution a growing residual is normal: tau -> 0 on
                    // an infeasible problem.)
                    break;
                }
                if (worst < best) {
                    best = worst;
                    bestIt = it;
                    bestIterate =
                            new double[][] {
                                scale(x, 1 / tau),
                                joinDual(scale(y, 1 / tau), scale(z, 1 / tau)),
                                joinSlack(scale(s, 1 / tau))
                            };
                }
                if (pres <= o.tol() && dres <= o.tol() && relgap <= o.tol()) {
                    return new Solution(
                            Status.OPTIMAL,
                            scale(x, 1 / tau),
                            joinDual(scale(y, 1 / tau), scale(z, 1 / tau)),
                            joinSlack(scale(s, 1 / tau)),
                            it,
                            worst);
                }
                if (by + hz < 0 && norm(hrx) / resx0 / -(by + hz) <= o.tol()) {
                    double f = 1 / -(by + hz);
                    return new Solution(
                            Status.INFEASIBLE,
                            new double[n],
                            joinDual(scale(y, f), scale(z, f)),
                            new double[p + mc],
                            it,
                            worst);
                }
                if (cx < 0 && Math.max(norm(hry) / resy0, norm(hrz) / resz0) / -cx <= o.tol()) {
                    double f = 1 / -cx;
                    return new Solution(
                            Status.UNBOUNDED,
                            scale(x, f),
                            new double[p + mc],
                            joinSlack(scale(s, f)),
                            it,
                            worst);
                }
                if (it == o.maxIter() || !Double.isFinite(mu)) {
                    break;
                }
                double[] lam = scaling(s, z);
                factor();
                double[][] u2 = kktSolve(neg(c), beq, h);
                double den =
                        dot(c, u2[0]) + dot(beq, u2[1]) + dot(h, applyW(u2[2], true)) - kappa / tau;
                double[] lamlam = prod(lam, lam);
                double[] dsA = null, dzA = null;
                double dtauA = 0, dkapA = 0, alphaA = 0, sigma = 0;
                for (int pass = 0; pass < 2; pass++) {
                    double eta;
                    double[] dsRhs;
                    double dk;
                    if (pass == 0) {
                        eta = 1;
                        dsRhs = neg(lamlam);
                        dk = -tau * kappa;
                    } else {
                        sigma = Math.pow(1 - alphaA, 3);
                        eta = 1 - sigma;
                        double[] corr = prod(dsA, dzA);
                        dsRhs = new double[mc];
                        for (int i = 0; i < mc; i++) {
                            dsRhs[i] = -lamlam[i] + sigma * mu * e[i] - corr[i];
                        }
                        dk = -tau * kappa + sigma * mu - dtauA * dkapA;
                    }
                    double[] ld = div(lam, dsRhs);
                    double[] wld = applyW(ld, false);
                    double[] bz = new double[mc];
                    for (int i = 0; i < mc; i++) {
                        bz[i] = -eta * rz[i] - wld[i];
                    }
                    double[][] u1 = kktSolve(scale(rx, -eta), scale(ry, -eta), bz);
                    double rhsTau = -eta * rt - dk / tau;
                    double dtau =
                            (rhsTau
                                            - (dot(c, u1[0])
                                                    + dot(beq, u1[1])
                                                    + dot(h, applyW(u1[2], true))))
                                    / den;
                    double[] dx = u1[0].clone(), dy = u1[1].clone(), dzt = u1[2].clone();
                    axpy(dtau, u2[0], dx);
                    axpy(dtau, u2[1], dy);
                    axpy(dtau, u2[2], dzt);
                    // ds from the linearised primal equation itself (ds + G dx - h dtau = -eta rz)
                    // rather than from
                    // W (lambda \ d_s - W dz): W is badly conditioned near the solution and would
                    // amplify rounding into
                    // the primal residual.
                    double[] gdx = gX(dx);
                    double[] ds = new double[mc];
                    for (int i = 0; i < mc; i++) {
                        ds[i] = -eta * rz[i] - gdx[i] + dtau * h[i];
                    }
                    double[] dst = applyW(ds, true);
                    double dkap = (dk - kappa * dtau) / tau;
                    double amax = Math.min(maxStep(lam, dst), maxStep(lam, dzt));
                    if (dtau < 0) {
                        amax = Math.min(amax, -tau / dtau);
                    }
                    if (dkap < 0) {
                        amax = Math.min(amax, -kappa / dkap);
                    }
                    if (pass == 0) {
                        alphaA = Math.min(1, amax);
                        dsA = dst;
                        dzA = dzt;
                        dtauA = dtau;
                        dkapA = dkap;
                        continue;
                    }
                    double alpha = Math.min(1, 0.99 * amax);
                    double[] dz = applyW(dzt, true);
                    axpy(alpha, dx, x);
                    axpy(alpha, dy, y);
                    axpy(alpha, dz, z);
                    axpy(alpha, ds, s);
                    tau += alpha * dtau;
                    kappa += alpha * dkap;
                }
            }
            if (bestIterate == null) {
                return new Solution(
                        Status.NOT_CONVERGED,
                        new double[n],
                        new double[p + mc],
                        new double[p + mc],
                        0,
                        Double.NaN);
            }
            return new Solution(
                    Status.NOT_CONVERGED,
                    bestIterate[0],
                    bestIterate[1],
                    bestIterate[2],
                    bestIt,
                    best);
        }

        private void shiftInside(double[] v, double[] e) {
            double a = outside(v);
            if (mc > 0 && a >= -1e-8) {
                axpy(1 + Math.max(a, 0), e, v);
            }
        }

        double[] joinDual(double[] y, double[] z) {
            double[] r = new double[p + mc];
            System.arraycopy(y, 0, r, 0, p);
            System.arraycopy(z, 0, r, p, mc);
            return r;
        }

        double[] joinSlack(double[] s) {
            double[] r = new double[p + mc];
            System.arraycopy(s, 0, r, p, mc);
            return r;
        }

        double[] atY(double[] y, double[] z) {
            double[] r = new double[n];
            for (int i = 0; i < p; i++) {
                for (int j = 0; j < n; j++) {
                    r[j] += aeq[i * n + j] * y[i];
                }
            }
            for (int i = 0; i < mc; i++) {
                double zi = z[i];
                if (zi != 0) {
                    for (int j = 0; j < n; j++) {
                        r[j] += g[i * n + j] * zi;
                    }
                }
            }
            return r;
        }

        double[] aeqX(double[] x) {
            return matvec(aeq, p, x);
        }

        double[] gX(double[] x) {
            return matvec(g, mc, x);
        }

        double[] matvec(double[] m, int rows, double[] x) {
            double[] r = new double[rows];
            for (int i = 0; i < rows; i++) {
                double v = 0;
                for (int j = 0; j < n; j++) {
                    v += m[i * n + j] * x[j];
                }
                r[i] = v;
            }
            return r;
        }
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }

    static void axpy(double alpha, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += alpha * x[i];
        }
    }

    static double[] scale(double[] x, double f) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = f * x[i];
        }
        return r;
    }

    static double[] neg(double[] x) {
        return scale(x, -1);
    }
}
