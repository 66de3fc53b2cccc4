package org.implicitlayers.implicit.layers;

/**
 * A primal-dual interior-point method with Mehrotra's predictor-corrector for one convex QP
 *
 * <pre>
 *   minimise 1/2 z'Qz + p'z  subject to  Gz + s = h, s &gt;= 0, Az = b,
 * </pre>
 *
 * in float64 on heap arrays, with the workspace of one problem size reused from sample to sample
 * (one instance per thread). The formulation, starting point and step rule are those of CVXOPT's
 * {@code coneqp} (Vandenberghe 2010, "The CVXOPT linear and quadratic cone program solvers",
 * sections 6 and 10) restricted to the non-negative orthant:
 *
 * <ul>
 *   <li>Starting point: z, nu from min 1/2 z'Qz + p'z + 1/2 ||h - Gz||^2 s.t. Az = b (one solve of
 *       the reduced system with D = I), s = h - Gz and lambda = -s, each then shifted by a multiple
 *       of the ones vector to be at least 1 where it was not already positive, so that the start
 *       reflects the scale of Gz and h.
 *   <li>Each iteration: the reduced system [Q + G'DG, A'; A, 0], D = diag(lambda / s), is solved by
 *       a Cholesky factorisation of K = Q + G'DG and of the Schur complement A K^-1 A' (when K is
 *       not positive definite, K + A'A, which has the same solutions on Az = r; as a last resort a
 *       small multiple of I); one factorisation serves the predictor and the corrector, and the
 *       corrector gets one step of iterative refinement on the full Newton system.
 *   <li>Step: 0.99 of the largest step that keeps s and lambda positive, at most 1, the same for
 *       primal and dual (the Q term couples them); centring sigma = (mu_aff / mu)^3, raised where
 *       needed so that the gap does not fall far below the primal and dual residuals.
 *   <li>Stopping: relative residuals in the infinity norm, primal max(||Gz + s - h|| / (1 + ||h||),
 *       ||Az - b|| / (1 + ||b||)), dual ||Qz + p + G'lambda + A'nu|| / (1 + ||p||) and gap s'lambda
 *       / (1 + |1/2 z'Qz + p'z|), all at most tol; or no halving of the worst of them in 20
 *       iterations; or the iteration limit.
 *   <li>Infeasibility (this is not a homogeneous self-dual embedding): the iterates of an
 *       infeasible problem stop improving and diverge along a certificate, which is checked
 *       whenever an iteration fails to halve the worst residual. Primal infeasible: lambda &gt;= 0,
 *       nu with ||G'lambda + A'nu|| &lt;= certTol (-(h'lambda + b'nu)) (Farkas: then no z satisfies
 *       Gz &lt;= h, Az = b). Dual infeasible (unbounded below): d = z with p'd &lt; 0 and ||Qd||,
 *       ||Ad||, max(Gd, 0) at most certTol |p'd| (each scaled by the data's norms).
 * </ul>
 *
 * <p>Q is used through its symmetric part (Q + Q')/2, the only part the objective depends on.
 */
final class QpInteriorPoint {
    /** How a solve ended. */
    enum Status {
        SOLVED,
        PRIMAL_INFEASIBLE,
        DUAL_INFEASIBLE,
        NOT_CONVERGED
    }

    /** Certificates are accepted at this relative accuracy. */
    static final double CERT_TOL = 1e-8;

    final int n, m, pe;
    private final QpKernels kernels;
    // The problem: arrays with offsets (a shared matrix has offset 0 for every sample).
    private double[] qa, pa, ga, ha, aa, ba;
    private int qo, po, go, ho, ao, bo;
    // Q's symmetric part, n x n.
    private final double[] qs;
    // Iterates.
    final double[] z, s, lam, nu;
    // Residuals and work vectors.
    private final double[] rx, rs, re, d, kmat, wmat, smat, r1, r2, x1, tmp, wv;
    private final double[] dza,
            dsa,
            dla,
            dnua,
            dzc,
            dsc,
            dlc,
            dnuc,
            rc,
            ex,
            es,
            ee,
            ec,
            fz,
            fs,
            fl,
            fn;
    private boolean augmented;
    private double hNorm, bNorm, pNorm, objective, tol;
    // Results of the last solve.
    Status status;
    int iterations;
    double primal, dual, gap;

    QpInteriorPoint(int n, int m, int pe) {
        this(n, m, pe, QpKernels.DEFAULT);
    }

    QpInteriorPoint(int n, int m, int pe, QpKernels kernels) {
        this.kernels = kernels;
        this.n = n;
        this.m = m;
        this.pe = pe;
        qs = new double[n * n];
        z = new double[n];
        s = new double[m];
        lam = new double[m];
        nu = new double[pe];
        rx = new double[n];
        rs = new double[m];
        re = new double[pe];
        d = new double[m];
        kmat = new double[n * n];
        wmat = new double[pe * n];
        smat = new double[pe * pe];
        r1 = new double[n];
        r2 = new double[pe];
        x1 = new double[n];
        tmp = new double[Math.max(n, pe)];
        wv = new double[m];
        dza = new double[n];
        dsa = new double[m];
        dla = new double[m];
        dnua = new double[pe];
        dzc = new double[n];
        dsc = new double[m];
        dlc = new double[m];
        dnuc = new double[pe];
        rc = new double[m];
        ex = new double[n];
        es = new double[m];
        ee = new double[pe];
        ec = new double[m];
        fz = new double[n];
        fs = new double[m];
        fl = new double[m];
        fn = new double[pe];
    }

    /**
     * Points the solver at one problem (arrays with offsets; g, h null when m = 0, a, b null when
     * pe = 0).
     */
    void setProblem(
            double[] q,
            int qOff,
            double[] p,
            int pOff,
            double[] g,
            int gOff,
            double[] h,
            int hOff,
            double[] a,
            int aOff,
            double[] b,
            int bOff) {
        qa = q;
        qo = qOff;
        pa = p;
        po = pOff;
        ga = g;
        go = gOff;
        ha = h;
        ho = hOff;
        aa = a;
        ao = aOff;
        ba = b;
        bo = bOff;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                qs[i * n + j] = 0.5 * (q[qOff + i * n + j] + q[qOff + j * n + i]);
            }
        }
        hNorm = 0;
        for (int c = 0; c < m; c++) {
            hNorm = Math.max(hNorm, Math.abs(h[hOff + c]));
        }
        bNorm = 0;
        for (int c = 0; c < pe; c++) {
            bNorm = Math.max(bNorm, Math.abs(b[bOff + c]));
        }
        pNorm = 0;
        for (int i = 0; i < n; i++) {
            pNorm = Math.max(pNorm, Math.abs(p[pOff + i]));
        }
    }

    /**
     * Runs the method from the standard starting point; the outcome is in {@link #status} and the
     * iterates.
     */
    void solve(double tol, int maxIter) {
        this.tol = tol;
        start();
        status = Status.NOT_CONVERGED;
        iterations = 0;
        double best = Double.POSITIVE_INFINITY;
        int sinceBest = 0;
        for (int it = 0; ; it++) {
            residuals();
            double res = Math.max(primal, Math.max(dual, gap));
            if (res <= tol) {
                status = Status.SOLVED;
                return;
            }
            if (res < 0.5 * best) {
                best = res;
                sinceBest = 0;
            } else {
                sinceBest++;
            }
            // The iterates of an infeasible or unbounded problem stop improving and run off along a
            // certificate: look for one only then (the checks cost a few matrix-vector products).
            if (sinceBest > 0 && primalInfeasible()) {
                status = Status.PRIMAL_INFEASIBLE;
                return;
            }
            if (sinceBest > 0 && dualInfeasible()) {
                status = Status.DUAL_INFEASIBLE;
                return;
            }
            // Not converged: the limit, non-finite iterates, or no progress in 20 iterations
            // (rounding has taken over).
            if (it >= maxIter || !Double.isFinite(res) || sinceBest >= 20) {
                return;
            }
            iterations = it + 1;
            step();
        }
    }

    /** The starting point of coneqp (see the class comment). */
    private void start() {
        java.util.Arrays.fill(d, 1.0);
        factor();
        // r1 = -p + G'h, r2 = b.
        for (int i = 0; i < n; i++) {
            r1[i] = -pa[po + i];
        }
        for (int c = 0; c < m; c++) {
            axpy(ha[ho + c], ga, go + c * n, r1, 0, n);
        }
        for (int c = 0; c < pe; c++) {
            r2[c] = ba[bo + c];
        }
        solveReduced(r1, r2, z, nu);
        double minS = Double.POSITIVE_INFINITY, maxS = Double.NEGATIVE_INFINITY, normS = 0;
        for (int c = 0; c < m; c++) {
            double v = ha[ho + c] - dot(ga, go + c * n, z, 0, n);
            s[c] = v;
            lam[c] = -v;
            minS = Math.min(minS, v);
            maxS = Math.max(maxS, v);
            normS += v * v;
        }
        normS = Math.sqrt(normS);
        // Shift s (and lambda = -s) into the interior where they are not: the max step to the
        // boundary plus 1.
        double ts = -minS, tz = maxS;
        if (m > 0 && ts >= -1e-8 * Math.max(normS, 1)) {
            for (int c = 0; c < m; c++) {
                s[c] += 1 + ts;
            }
        }
        if (m > 0 && tz >= -1e-8 * Math.max(normS, 1)) {
            for (int c = 0; c < m; c++) {
                lam[c] += 1 + tz;
            }
        }
    }

    /** rx = Qz + p + G'lambda + A'nu, rs = Gz + s - h, re = Az - b, and the relative measures. */
    private void residuals() {
        double obj = 0;
        for (int i = 0; i < n; i++) {
            double qz = dot(qs, i * n, z, 0, n);
            obj += z[i] * (0.5 * qz + pa[po + i]);
            rx[i] = qz + pa[po + i];
        }
        double rsMax = 0, gapSum = 0;
        for (int c = 0; c < m; c++) {
            axpy(lam[c], ga, go + c * n, rx, 0, n);
            rs[c] = dot(ga, go + c * n, z, 0, n) + s[c] - ha[ho + c];
            rsMax = Math.max(rsMax, Math.abs(rs[c]));
            gapSum += s[c] * lam[c];
        }
        double reMax = 0;
        for (int c = 0; c < pe; c++) {
            axpy(nu[c], aa, ao + c * n, rx, 0, n);
            re[c] = dot(aa, ao + c * n, z, 0, n) - ba[bo + c];
            reMax = Math.max(reMax, Math.abs(re[c]));
        }
        primal = Math.max(rsMax / (1 + hNorm), reMax / (1 + bNorm));
        dual = maxAbs(rx, n) / (1 + pNorm);
        objective = obj;
        gap = gapSum / (1 + Math.abs(obj));
    }

    /**
     * Farkas: y = (lambda, nu) with lambda &gt;= 0 (always, in the interior), G'lambda + A'nu = 0
     * and h'lambda + b'nu &lt; 0 proves that no z has Gz &lt;= h, Az = b. Accepted when, relative
     * to the size of the data, ||G'lambda + A'nu|| / max|G, A| &lt;= certTol (-(h'lambda + b'nu)) /
     * max|h, b|.
     */
    private boolean primalInfeasible() {
        if (m == 0) {
            return false;
        }
        double hl = 0;
        for (int c = 0; c < m; c++) {
            hl += ha[ho + c] * lam[c];
        }
        for (int c = 0; c < pe; c++) {
            hl += ba[bo + c] * nu[c];
        }
        if (!(hl < 0)) {
            return false;
        }
        java.util.Arrays.fill(tmp, 0, n, 0.0);
        double gMax = 0;
        for (int c = 0; c < m; c++) {
            axpy(lam[c], ga, go + c * n, tmp, 0, n);
            gMax = Math.max(gMax, maxAbs(ga, go + c * n, n));
        }
        for (int c = 0; c < pe; c++) {
            axpy(nu[c], aa, ao + c * n, tmp, 0, n);
            gMax = Math.max(gMax, maxAbs(aa, ao + c * n, n));
        }
        return maxAbs(tmp, n) * Math.max(hNorm, bNorm) <= CERT_TOL * gMax * -hl;
    }

    /**
     * A direction of unbounded descent, d = z (the iterates of an unbounded problem run off along
     * one): p'd &lt; 0 with Qd = 0, Ad = 0, Gd &lt;= 0, accepted when each of ||Qd|| / max|Q|,
     * ||Ad|| / max|A| and max(Gd, 0) / max|G| is at most certTol (-p'd) / max|p|. Only a long ray
     * passes: for a bounded problem these ratios stay of order one.
     */
    private boolean dualInfeasible() {
        double pd = dot(pa, po, z, 0, n);
        if (!(pd < 0)) {
            return false;
        }
        double bound = CERT_TOL * -pd / Math.max(pNorm, 1e-300);
        double qMax = maxAbs(qs, n * n), worst = 0;
        for (int i = 0; i < n; i++) {
            worst = Math.max(worst, Math.abs(dot(qs, i * n, z, 0, n)) / Math.max(qMax, 1e-300));
        }
        for (int c = 0; c < m; c++) {
            worst =
                    Math.max(
                            worst,
                            dot(ga, go + c * n, z, 0, n)
                                    / Math.max(maxAbs(ga, go + c * n, n), 1e-300));
        }
        for (int c = 0; c < pe; c++) {
            worst =
                    Math.max(
                            worst,
                            Math.abs(dot(aa, ao + c * n, z, 0, n))
                                    / Math.max(maxAbs(aa, ao + c * n, n), 1e-300));
        }
        return worst <= bound;
    }

    /** One predictor-corrector step. */
    private void step() {
        double mu = 0;
        for (int c = 0; c < m; c++) {
            d[c] = lam[c] / s[c];
            mu += s[c] * lam[c];
        }
        factor();
        if (m == 0) {
            newton(null, dza, dsa, dla, dnua, true);
            update(1.0, dza, dsa, dla, dnua);
            return;
        }
        mu /= m;
        // Predictor (affine scaling): rc = -s o lambda.
        for (int c = 0; c < m; c++) {
            rc[c] = -s[c] * lam[c];
        }
        newton(rc, dza, dsa, dla, dnua, false);
        double alphaAff = Math.min(1.0, Math.min(maxStep(s, dsa), maxStep(lam, dla)));
        double muAff = 0;
        for (int c = 0; c < m; c++) {
            muAff += (s[c] + alphaAff * dsa[c]) * (lam[c] + alphaAff * dla[c]);
        }
        muAff /= m;
        double sigma = Math.pow(Math.max(0, muAff) / mu, 3);
        // Keep the gap from running far ahead of the residuals: once s o lambda is tiny while the
        // dual residual is not, D = lambda / s spans more orders of magnitude than float64 can
        // factor and the iterates stall (seen on small random problems). The centring target is
        // kept at a tenth of the worse residual (in the gap's relative units), and at 1e-3 tol once
        // both residuals have converged.
        double floor =
                0.1 * Math.max(Math.max(primal, dual), 1e-2 * tol) * (1 + Math.abs(objective)) / m;
        sigma = Math.max(sigma, Math.min(1.0, floor / mu));
        // Corrector: rc = -s o lambda - ds_aff o dlambda_aff + sigma mu.
        for (int c = 0; c < m; c++) {
            rc[c] = -s[c] * lam[c] - dsa[c] * dla[c] + sigma * mu;
        }
        newton(rc, dzc, dsc, dlc, dnuc, true);
        double alpha = Math.min(1.0, 0.99 * Math.min(maxStep(s, dsc), maxStep(lam, dlc)));
        update(alpha, dzc, dsc, dlc, dnuc);
    }

    private void update(double alpha, double[] dz, double[] ds, double[] dl, double[] dn) {
        axpy(alpha, dz, 0, z, 0, n);
        axpy(alpha, ds, 0, s, 0, m);
        axpy(alpha, dl, 0, lam, 0, m);
        axpy(alpha, dn, 0, nu, 0, pe);
    }

    /**
     * The Newton direction for complementarity right-hand side rc: Q dz + G'dl + A'dnu = -rx, G dz
     * + ds = -rs, A dz = -re, lambda o ds + s o dl = rc, followed by one step of iterative
     * refinement on that full system (for the corrector; the predictor only sets the centring and
     * the second-order term). Near the solution D = lambda / s spans many orders of magnitude and
     * dl = ... + D G dz magnifies the rounding error of dz; without the refinement the dual
     * residual stalled near 1e-10 (relative) on some problems of the benchmark family.
     */
    private void newton(
            double[] rcv, double[] dz, double[] ds, double[] dl, double[] dn, boolean refine) {
        for (int i = 0; i < n; i++) {
            ex[i] = -rx[i];
        }
        for (int c = 0; c < m; c++) {
            es[c] = -rs[c];
            ec[c] = rcv[c];
        }
        for (int c = 0; c < pe; c++) {
            ee[c] = -re[c];
        }
        reducedNewton(ex, es, ee, ec, dz, ds, dl, dn);
        if (m == 0 || !refine) {
            return;
        }
        // Residual of the full linear system at the computed direction.
        for (int i = 0; i < n; i++) {
            ex[i] = -rx[i] - dot(qs, i * n, dz, 0, n);
        }
        for (int c = 0; c < m; c++) {
            axpy(-dl[c], ga, go + c * n, ex, 0, n);
            es[c] = -rs[c] - dot(ga, go + c * n, dz, 0, n) - ds[c];
            ec[c] = rcv[c] - lam[c] * ds[c] - s[c] * dl[c];
        }
        for (int c = 0; c < pe; c++) {
            axpy(-dn[c], aa, ao + c * n, ex, 0, n);
            ee[c] = -re[c] - dot(aa, ao + c * n, dz, 0, n);
        }
        reducedNewton(ex, es, ee, ec, fz, fs, fl, fn);
        axpy(1, fz, 0, dz, 0, n);
        axpy(1, fs, 0, ds, 0, m);
        axpy(1, fl, 0, dl, 0, m);
        axpy(1, fn, 0, dn, 0, pe);
    }

    /**
     * Solves Q dz + G'dl + A'dn = bx, G dz + ds = bs, A dz = be, lambda o ds + s o dl = bc by
     * eliminating ds = bs - G dz and dl = (bc - lambda o bs) / s + D G dz, which leaves (Q + G'DG)
     * dz + A'dn = bx - G'((bc - lambda o bs) / s), A dz = be. bx is overwritten.
     */
    private void reducedNewton(
            double[] bx,
            double[] bs,
            double[] be,
            double[] bc,
            double[] dz,
            double[] ds,
            double[] dl,
            double[] dn) {
        for (int c = 0; c < m; c++) {
            wv[c] = (bc[c] - lam[c] * bs[c]) / s[c];
            axpy(-wv[c], ga, go + c * n, bx, 0, n);
        }
        solveReduced(bx, be, dz, dn);
        for (int c = 0; c < m; c++) {
            double gdz = dot(ga, go + c * n, dz, 0, n);
            ds[c] = bs[c] - gdz;
            dl[c] = wv[c] + d[c] * gdz;
        }
    }

    /**
     * Factors the reduced system for the current D: K = Q + G'DG (upper triangle) by Cholesky, K =
     * LL' with L = U', and when there are equalities W = L^-1 A' and the Schur complement S = W'W =
     * A K^-1 A'.
     */
    void factor() {
        augmented = false;
        buildK(false);
        if (!cholesky(kmat, n)) {
            // K singular (Q semidefinite, G not of full rank on its null space): K + A'A is
            // positive
            // definite whenever the KKT matrix is nonsingular, and [K + A'A, A'; A, 0] has the same
            // solutions.
            if (pe > 0) {
                augmented = true;
                buildK(true);
            }
            if (pe == 0 || !cholesky(kmat, n)) {
                double shift = 1e-14;
                do {
                    buildK(augmented);
                    double dmax = 0;
                    for (int i = 0; i < n; i++) {
                        dmax = Math.max(dmax, kmat[i * n + i]);
                    }
                    for (int i = 0; i < n; i++) {
                        kmat[i * n + i] += shift * Math.max(dmax, 1);
                    }
                    shift *= 100;
                } while (!cholesky(kmat, n) && shift < 1);
            }
        }
        if (pe == 0) {
            return;
        }
        // W = L^-1 A' column by column (stored as pe rows of n), then S = W'W.
        for (int c = 0; c < pe; c++) {
            System.arraycopy(aa, ao + c * n, wmat, c * n, n);
            forward(kmat, wmat, c * n, n);
        }
        for (int c = 0; c < pe; c++) {
            for (int e = 0; e <= c; e++) {
                smat[e * pe + c] = dot(wmat, c * n, wmat, e * n, n);
            }
        }
        if (!cholesky(smat, pe)) {
            // A of deficient row rank: regularise the Schur complement slightly.
            double shift = 1e-14;
            do {
                double dmax = 0;
                for (int c = 0; c < pe; c++) {
                    for (int e = 0; e <= c; e++) {
                        smat[e * pe + c] = dot(wmat, c * n, wmat, e * n, n);
                    }
                    dmax = Math.max(dmax, smat[c * pe + c]);
                }
                for (int c = 0; c < pe; c++) {
                    smat[c * pe + c] += shift * Math.max(dmax, 1);
                }
                shift *= 100;
            } while (!cholesky(smat, pe) && shift < 1);
        }
    }

    /**
     * Upper triangle of Q + G'DG (+ A'A), four constraints per pass over K. Each row is updated
     * from the multiple of 8 columns at or before the diagonal, so that the vector kernel runs
     * without a scalar tail (for n a multiple of the vector length); the few entries below the
     * diagonal that this writes are never read.
     */
    private void buildK(boolean withAtA) {
        System.arraycopy(qs, 0, kmat, 0, n * n);
        int c = 0;
        for (; c + 4 <= m; c += 4) {
            int o0 = go + c * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
            double d0 = d[c], d1 = d[c + 1], d2 = d[c + 2], d3 = d[c + 3];
            for (int i = 0; i < n; i++) {
                double t0 = d0 * ga[o0 + i],
                        t1 = d1 * ga[o1 + i],
                        t2 = d2 * ga[o2 + i],
                        t3 = d3 * ga[o3 + i];
                int j0 = i & ~7;
                kernels.update4(
                        kmat,
                        i * n + j0,
                        n - j0,
                        ga,
                        o0 + j0,
                        o1 + j0,
                        o2 + j0,
                        o3 + j0,
                        t0,
                        t1,
                        t2,
                        t3);
            }
        }
        for (; c < m; c++) {
            rankOne(d[c], ga, go + c * n);
        }
        if (withAtA) {
            for (int e = 0; e < pe; e++) {
                rankOne(1.0, aa, ao + e * n);
            }
        }
    }

    private void rankOne(double w, double[] v, int off) {
        for (int i = 0; i < n; i++) {
            double t = w * v[off + i];
            kernels.axpy(t, v, off + i, kmat, i * n + i, n - i);
        }
    }

    /**
     * Solves [K A'; A 0][x; y] = [r1; r2] with the factors: x1 = K^-1 r1, y = S^-1 (A x1 - r2), x =
     * x1 - K^-1 A'y. With K augmented by A'A, r1 becomes r1 + A'r2 first. r1 is overwritten.
     */
    void solveReduced(double[] rhs1, double[] rhs2, double[] x, double[] y) {
        if (augmented) {
            for (int c = 0; c < pe; c++) {
                axpy(rhs2[c], aa, ao + c * n, rhs1, 0, n);
            }
        }
        System.arraycopy(rhs1, 0, x1, 0, n);
        forward(kmat, x1, 0, n);
        if (pe == 0) {
            backward(kmat, x1, n);
            System.arraycopy(x1, 0, x, 0, n);
            return;
        }
        // A x1 = A L^-T L^-1 r1 = W' (L^-1 r1): y = S^-1 (W'u - r2) with u = L^-1 r1.
        for (int c = 0; c < pe; c++) {
            tmp[c] = dot(wmat, c * n, x1, 0, n) - rhs2[c];
        }
        forward(smat, tmp, 0, pe);
        backward(smat, tmp, pe);
        System.arraycopy(tmp, 0, y, 0, pe);
        // x = L^-T (u - W y).
        for (int c = 0; c < pe; c++) {
            axpy(-y[c], wmat, c * n, x1, 0, n);
        }
        backward(kmat, x1, n);
        System.arraycopy(x1, 0, x, 0, n);
    }

    /**
     * In-place Cholesky A = U'U of the upper triangle of a (k x k, row-major), right-looking: each
     * step scales row j and subtracts its outer product from the rows below, contiguous axpy
     * updates that vectorise; false when a is not positive definite.
     */
    boolean cholesky(double[] a, int k) {
        for (int j = 0; j < k; j++) {
            int rj = j * k;
            double v = a[rj + j];
            if (!(v > 0)) {
                return false;
            }
            double ujj = Math.sqrt(v);
            a[rj + j] = ujj;
            double inv = 1 / ujj;
            for (int c = j + 1; c < k; c++) {
                a[rj + c] *= inv;
            }
            for (int i = j + 1; i < k; i++) {
                axpy(-a[rj + i], a, rj + i, a, i * k + i, k - i);
            }
        }
        return true;
    }

    /** x[off..off+k) = L^-1 x with L = U' (U the upper factor), column by column. */
    void forward(double[] u, double[] x, int off, int k) {
        for (int i = 0; i < k; i++) {
            double xi = x[off + i] / u[i * k + i];
            x[off + i] = xi;
            axpy(-xi, u, i * k + i + 1, x, off + i + 1, k - i - 1);
        }
    }

    /** x = L^-T x = U^-1 x. */
    void backward(double[] u, double[] x, int k) {
        for (int i = k - 1; i >= 0; i--) {
            x[i] = (x[i] - dot(u, i * k + i + 1, x, i + 1, k - i - 1)) / u[i * k + i];
        }
    }

    private double dot(double[] x, int xo, double[] y, int yo, int len) {
        return kernels.dot(x, xo, y, yo, len);
    }

    private void axpy(double alpha, double[] x, int xo, double[] y, int yo, int len) {
        kernels.axpy(alpha, x, xo, y, yo, len);
    }

    private static double maxAbs(double[] v, int len) {
        return maxAbs(v, 0, len);
    }

    private static double maxAbs(double[] v, int off, int len) {
        double r = 0;
        for (int i = 0; i < len; i++) {
            r = Math.max(r, Math.abs(v[off + i]));
        }
        return r;
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

    /**
     * The adjoint solve of the backward pass at the solution (OptNet, Amos and Kolter 2017, eq. 7,
     * taken at the limit of the central path): J'u = (gz, gl, gn) with J the Jacobian of [Qz + p +
     * G'lambda + A'nu; lambda o (Gz - h); Az - b], written for v = lambda o u_lambda. At the
     * iterate this reads
     *
     * <pre>
     *   Q uz + G'v + A'unu = gz,   G uz - (s / lambda) o v = gl,   A uz = gn;
     * </pre>
     *
     * in the limit each constraint is either inactive (lambda &lt;= s: lambda = 0, so v = 0 and it
     * drops out) or active (lambda &gt; s: s = 0, so its row reads G_a uz = gl_a, beside A). The
     * iterate's lambda / s of a barely inactive constraint would otherwise bias the gradient (see
     * {@link QpLayer}). The system [Q, C'; C, 0], C = [G_A; A], is solved through the Cholesky
     * factors of Q and of the Schur complement C Q^-1 C' (both shifted slightly when singular).
     * Writes uz [n], v [m], unu [pe].
     */
    void adjoint(
            double[] gz,
            int gzOff,
            double[] gl,
            int glOff,
            double[] gn,
            int gnOff,
            double[] uz,
            int uzOff,
            double[] v,
            int vOff,
            double[] unu,
            int unuOff) {
        int active = 0;
        for (int c = 0; c < m; c++) {
            d[c] = 0; // inactive constraints leave K = Q
            active += lam[c] > s[c] ? 1 : 0;
        }
        int[] rows = new int[active];
        for (int c = 0, k = 0; c < m; c++) {
            if (lam[c] > s[c]) {
                rows[k++] = c;
            }
        }
        augmented = false;
        buildK(false);
        if (!cholesky(kmat, n)) {
            double shift = 1e-14;
            do {
                buildK(false);
                double dmax = 0;
                for (int i = 0; i < n; i++) {
                    dmax = Math.max(dmax, kmat[i * n + i]);
                }
                for (int i = 0; i < n; i++) {
                    kmat[i * n + i] += shift * Math.max(dmax, 1);
                }
                shift *= 100;
            } while (!cholesky(kmat, n) && shift < 1);
        }
        int k = active + pe;
        // W = L^-1 C' (k rows of n) and S = W'W.
        double[] w = new double[k * n], sm = new double[k * k], y = new double[k];
        for (int r = 0; r < k; r++) {
            if (r < active) {
                System.arraycopy(ga, go + rows[r] * n, w, r * n, n);
            } else {
                System.arraycopy(aa, ao + (r - active) * n, w, r * n, n);
            }
            forward(kmat, w, r * n, n);
        }
        for (int r = 0; r < k; r++) {
            for (int e = 0; e <= r; e++) {
                sm[e * k + r] = dot(w, r * n, w, e * n, n);
            }
        }
        if (!cholesky(sm, k)) {
            // Active constraints linearly dependent (no unique multipliers): regularise slightly.
            double shift = 1e-14;
            do {
                double dmax = 0;
                for (int r = 0; r < k; r++) {
                    for (int e = 0; e <= r; e++) {
                        sm[e * k + r] = dot(w, r * n, w, e * n, n);
                    }
                    dmax = Math.max(dmax, sm[r * k + r]);
                }
                for (int r = 0; r < k; r++) {
                    sm[r * k + r] += shift * Math.max(dmax, 1);
                }
                shift *= 100;
            } while (!cholesky(sm, k) && shift < 1);
        }
        // r1 = gz; r2 = (gl_A, gn).
        for (int i = 0; i < n; i++) {
            x1[i] = gz == null ? 0 : gz[gzOff + i];
        }
        forward(kmat, x1, 0, n);
        // y = S^-1 (C K^-1 r1 - r2) = S^-1 (W'(L^-1 r1) - r2); uz = L^-T (L^-1 r1 - W y).
        for (int r = 0; r < k; r++) {
            double r2 =
                    r < active
                            ? (gl == null ? 0 : gl[glOff + rows[r]])
                            : (gn == null ? 0 : gn[gnOff + r - active]);
            y[r] = dot(w, r * n, x1, 0, n) - r2;
        }
        forward(sm, y, 0, k);
        backward(sm, y, k);
        for (int r = 0; r < k; r++) {
            axpy(-y[r], w, r * n, x1, 0, n);
        }
        backward(kmat, x1, n);
        System.arraycopy(x1, 0, uz, uzOff, n);
        java.util.Arrays.fill(v, vOff, vOff + m, 0);
        for (int r = 0; r < active; r++) {
            v[vOff + rows[r]] = y[r];
        }
        System.arraycopy(y, active, unu, unuOff, pe);
    }

    /** Sets the iterates (for a backward pass in another instance than the forward's). */
    void setIterates(
            double[] zv,
            int zOff,
            double[] sv,
            int sOff,
            double[] lv,
            int lOff,
            double[] nv,
            int nOff) {
        System.arraycopy(zv, zOff, z, 0, n);
        System.arraycopy(sv, sOff, s, 0, m);
        System.arraycopy(lv, lOff, lam, 0, m);
        System.arraycopy(nv, nOff, nu, 0, pe);
    }
}
