package org.implicitlayers.implicit.layers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ForkJoinPool;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;
import org.implicitlayers.core.CustomFunction;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.NotConvergedException;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * A batch of quadratic programs as a layer (OptNet, Amos and Kolter 2017): z* = argmin 1/2 z'Qz +
 * p'z subject to Az = b, Gz &lt;= h, for every sample of the batch.
 *
 * <p>Forward: a primal-dual interior-point method with Mehrotra's predictor-corrector in float64
 * (CVXOPT's coneqp starting point and step rule; details in {@code QpInteriorPoint}), one Cholesky
 * factorisation of the reduced KKT system per sample and iteration, samples solved in parallel on
 * the JVM backend's threads ({@link JvmBackend#setThreads}); inputs and outputs may live on any
 * backend and have any float dtype (the solve is float64 throughout, the outputs take p's dtype and
 * backend). Q enters through its symmetric part (Q + Q')/2, which is all the objective depends on.
 *
 * <p>Backward: the implicit function theorem on the KKT conditions [Qz + p + G'lambda + A'nu;
 * lambda o (Gz - h); Az - b] = 0 (OptNet eq. 6-8): one solve of the same reduced system at the
 * solution per sample, then the gradients of Q (symmetric), p, G, h, A and b in closed form.
 * Gradients reach whichever inputs require grad, from z and from both multipliers. The rule is
 * first order. The Jacobian is taken at the limit of the central path, not at the last
 * interior-point iterate as OptNet does: each inequality is classified active (lambda &gt; slack)
 * or inactive, and complementarity enters as lambda = 0 for an inactive one and Gz = h for an
 * active one. At the iterate, an inactive constraint with a small slack s would still add the
 * barrier curvature lambda / s to the system (e.g. 5e-4 for s = 1.2e-5 at a gap of 1e-13) and bias
 * the gradient by that much. Under strict complementarity this is the derivative of the solution
 * map; where a constraint is weakly active (slack and multiplier both near zero) the map has a kink
 * and the rule returns one of its one-sided derivatives.
 *
 * <p>Shared matrices: Q [n, n], G [m, n] and A [pe, n] may be given without the batch axis; their
 * gradients are then <b>summed</b> over the batch (the gradient of a sum of per-sample losses with
 * respect to the one shared tensor). qpth averages instead: divide by B to compare.
 *
 * <p>Failures: a sample that does not reach the tolerance within the iteration limit, or that is
 * found primal infeasible (no z satisfies the constraints) or dual infeasible (the objective is
 * unbounded below), raises a {@link NotSolvedException} by default, naming the sample, its
 * residuals and iteration count. Infeasibility is detected by certificates that the diverging
 * iterates approach (Farkas multipliers for an infeasible problem, a ray of unbounded descent for
 * an unbounded one), checked at every iteration; this is not a homogeneous self-dual embedding.
 * With {@link NonConvergence#WARN} or {@link NonConvergence#RETURN_LAST} the last iterates are
 * returned and {@link Result#reports()} says which samples failed and how.
 */
public final class QpLayer {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(QpLayer.class);

    /**
     * Tolerance and iteration limit of the interior-point method, and what to do when a problem of
     * the batch is not solved.
     *
     * @param tol on the relative KKT residual, the worst of the primal, dual and gap measures of
     *     {@link Report} (infinity norms divided by 1 + the size of the data); default 1e-10
     * @param maxIter interior-point iterations per problem; default 50 (the benchmark's problems
     *     take 10-20)
     * @param policy when a problem is not solved (limit reached, infeasible or unbounded); default
     *     {@link NonConvergence#RAISE}: an optimisation layer must not pass a wrong point on
     *     unnoticed
     */
    public record Options(double tol, int maxIter, NonConvergence policy) {
        public Options {
            if (!(tol > 0) || maxIter < 1 || policy == null) {
                throw new IllegalArgumentException(
                        "QpLayer.Options: tol > 0, maxIter >= 1 and a policy required, got "
                                + tol
                                + ", "
                                + maxIter
                                + ", "
                                + policy);
            }
        }

        public static Options defaults() {
            return new Options(1e-10, 50, NonConvergence.RAISE);
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

    /** How the solve of one sample ended. */
    public enum Status {
        /** The relative KKT residual reached the tolerance. */
        SOLVED,
        /**
         * No point satisfies the constraints: {@link Report#certificate()} holds (lambda, nu) with
         * lambda &gt;= 0, G'lambda + A'nu ~ 0, h'lambda + b'nu &lt; 0.
         */
        PRIMAL_INFEASIBLE,
        /**
         * The objective is unbounded below on the feasible set: {@link Report#certificate()} holds
         * a direction d with Qd ~ 0, Ad ~ 0, Gd &lt;= ~0, p'd &lt; 0.
         */
        DUAL_INFEASIBLE,
        /** The iteration limit was reached (or progress stopped) before the tolerance. */
        NOT_CONVERGED
    }

    /**
     * The outcome of one sample: relative primal residual max(||Gz + s - h|| / (1 + ||h||), ||Az -
     * b|| / (1 + ||b||)), dual residual ||Qz + p + G'lambda + A'nu|| / (1 + ||p||), gap s'lambda /
     * (1 + |objective|) (infinity norms; s the slacks), interior-point iterations, and for an
     * infeasible sample its certificate (else null).
     */
    public record Report(
            Status status,
            int iterations,
            double primal,
            double dual,
            double gap,
            double[] certificate) {
        /** The worst of the three relative residuals. */
        public double residual() {
            return Math.max(primal, Math.max(dual, gap));
        }
    }

    /**
     * The primal solution z* [B, n] (on the tape), the multipliers of the inequalities [B, m] and
     * equalities [B, pe] (on the tape; null when there are none), the largest iteration count of
     * the batch and one report per sample.
     */
    public record Result(
            Tensor z,
            Tensor inequalityMultipliers,
            Tensor equalityMultipliers,
            int iterations,
            List<Report> reports) {
        public Result {
            reports = List.copyOf(reports);
        }

        /** The number of samples whose status is not {@link Status#SOLVED}. */
        public int failed() {
            return (int) reports.stream().filter(r -> r.status() != Status.SOLVED).count();
        }
    }

    /** A sample of the batch was not solved, under {@link NonConvergence#RAISE}. */
    public static final class NotSolvedException extends NotConvergedException {
        private final transient int sample;
        private final transient Report report;

        NotSolvedException(String message, Solution solution, int sample, Report report) {
            super(message, solution);
            this.sample = sample;
            this.report = report;
        }

        /** The index in the batch of the (first) sample that was not solved. */
        public int sample() {
            return sample;
        }

        public Report report() {
            return report;
        }
    }

    private QpLayer() {}

    /**
     * Solves the batch. The batch size B comes from p.
     *
     * @param q [B, n, n], or [n, n] shared by the batch; symmetric positive semidefinite, with Q +
     *     G'G + A'A positive definite (else the solution is not unique)
     * @param p [B, n]
     * @param g [B, m, n], [m, n] shared, or null (no inequalities)
     * @param h [B, m], or null with g
     * @param a [B, pe, n], [pe, n] shared, or null (no equalities)
     * @param b [B, pe], or null with a
     * @throws NotSolvedException under {@link NonConvergence#RAISE} when a sample is not solved
     */
    public static Result solve(
            Tensor q, Tensor p, Tensor g, Tensor h, Tensor a, Tensor b, Options o) {
        if (p == null || p.rank() != 2) {
            throw new IllegalArgumentException(
                    "QpLayer: p must have shape [B, n], got "
                            + (p == null ? "null" : Arrays.toString(p.shape())));
        }
        int batch = p.shape(0), n = p.shape(1);
        if ((g == null) != (h == null) || (a == null) != (b == null)) {
            throw new IllegalArgumentException(
                    "QpLayer: G and h, and A and b, must be given together (got G "
                            + (g != null)
                            + ", h "
                            + (h != null)
                            + ", A "
                            + (a != null)
                            + ", b "
                            + (b != null)
                            + ")");
        }
        int m = g == null ? 0 : g.shape(g.rank() - 2), pe = a == null ? 0 : a.shape(a.rank() - 2);
        checkMatrix(q, batch, n, n, "Q");
        if (g != null) {
            checkMatrix(g, batch, m, n, "G");
            check(h, new int[] {batch, m}, "h");
        }
        if (a != null) {
            checkMatrix(a, batch, pe, n, "A");
            check(b, new int[] {batch, pe}, "b");
        }
        Problem pr =
                new Problem(
                        batch,
                        n,
                        m,
                        pe,
                        q.rank() == 2,
                        g != null && g.rank() == 2,
                        a != null && a.rank() == 2);
        List<Tensor> ins = new ArrayList<>(List.of(q, p));
        if (g != null) {
            ins.add(g);
            ins.add(h);
        }
        if (a != null) {
            ins.add(a);
            ins.add(b);
        }
        Tensor w = new QpFunction(pr, o).apply(ins.toArray(new Tensor[0]));
        List<Report> reports = Arrays.asList(pr.reports);
        applyPolicy(pr, w, o);
        int iters = 0;
        for (Report r : reports) {
            iters = Math.max(iters, r.iterations());
        }
        return new Result(
                w.slice(1, 0, n),
                m == 0 ? null : w.slice(1, n, n + m),
                pe == 0 ? null : w.slice(1, n + m, n + m + pe),
                iters,
                reports);
    }

    private static void applyPolicy(Problem pr, Tensor w, Options o) {
        int bad = 0, first = -1;
        for (int s = 0; s < pr.batch; s++) {
            if (pr.reports[s].status() != Status.SOLVED) {
                bad++;
                first = first < 0 ? s : first;
            }
        }
        if (bad == 0 || o.policy() == NonConvergence.RETURN_LAST) {
            return;
        }
        Report r = pr.reports[first];
        String msg =
                "QpLayer: sample "
                        + first
                        + " of "
                        + pr.batch
                        + " "
                        + describe(r)
                        + " ("
                        + bad
                        + " of "
                        + pr.batch
                        + " samples not solved; tol "
                        + o.tol()
                        + ", maxIter "
                        + o.maxIter()
                        + ")";
        if (o.policy() == NonConvergence.RAISE) {
            throw new NotSolvedException(
                    msg,
                    new Solution(w.detach(), r.iterations(), List.of(r.residual()), false),
                    first,
                    r);
        }
        LOG.warn(msg);
    }

    private static String describe(Report r) {
        String res =
                "primal residual "
                        + r.primal()
                        + ", dual residual "
                        + r.dual()
                        + ", gap "
                        + r.gap()
                        + " after "
                        + r.iterations()
                        + " iterations";
        switch (r.status()) {
            case PRIMAL_INFEASIBLE:
                return "is primal infeasible (Farkas certificate found; " + res + ")";
            case DUAL_INFEASIBLE:
                return "is unbounded below (a ray of descent found; " + res + ")";
            default:
                return "did not converge: " + res;
        }
    }

    private static void checkMatrix(Tensor t, int batch, int r, int c, String name) {
        if (t == null
                || !(Arrays.equals(t.shape(), new int[] {r, c})
                        || Arrays.equals(t.shape(), new int[] {batch, r, c}))) {
            throw new IllegalArgumentException(
                    "QpLayer: "
                            + name
                            + " must have shape ["
                            + batch
                            + ", "
                            + r
                            + ", "
                            + c
                            + "] or ["
                            + r
                            + ", "
                            + c
                            + "] (shared by the batch), got "
                            + (t == null ? "null" : Arrays.toString(t.shape())));
        }
    }

    private static void check(Tensor t, int[] shape, String name) {
        if (t == null || !Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(
                    "QpLayer: "
                            + name
                            + " must have shape "
                            + Arrays.toString(shape)
                            + ", got "
                            + (t == null ? "null" : Arrays.toString(t.shape())));
        }
    }

    /** Sizes, which matrices are shared, the data as float64 arrays, and what the forward found. */
    private static final class Problem {
        final int batch, n, m, pe;
        final boolean qShared, gShared, aShared;
        double[] q, p, g, h, a, b;

        /** Final iterates per sample: z [B, n], slacks [B, m], lambda [B, m], nu [B, pe]. */
        double[] z, s, lam, nu;

        final Report[] reports;

        Problem(
                int batch,
                int n,
                int m,
                int pe,
                boolean qShared,
                boolean gShared,
                boolean aShared) {
            this.batch = batch;
            this.n = n;
            this.m = m;
            this.pe = pe;
            this.qShared = qShared;
            this.gShared = gShared;
            this.aShared = aShared;
            reports = new Report[batch];
        }

        /** A solver pointed at sample k's data. */
        void load(QpInteriorPoint ipm, int k) {
            ipm.setProblem(
                    q,
                    qShared ? 0 : k * n * n,
                    p,
                    k * n,
                    g,
                    gShared ? 0 : k * m * n,
                    h,
                    k * m,
                    a,
                    aShared ? 0 : k * pe * n,
                    b,
                    k * pe);
        }
    }

    /**
     * The layer on the tape: inputs (Q, p[, G, h][, A, b]), output [z, lambda, nu] of shape [B, n +
     * m + pe].
     */
    private static final class QpFunction extends CustomFunction {
        private final Problem pr;
        private final Options o;

        QpFunction(Problem pr, Options o) {
            super("qp");
            this.pr = pr;
            this.o = o;
        }

        @Override
        protected Tensor forward(Tensor[] in) {
            int batch = pr.batch, n = pr.n, m = pr.m, pe = pr.pe;
            pr.q = in[0].toDoubleArray();
            pr.p = in[1].toDoubleArray();
            int k = 2;
            if (m > 0) {
                pr.g = in[k++].toDoubleArray();
                pr.h = in[k++].toDoubleArray();
            }
            if (pe > 0) {
                pr.a = in[k++].toDoubleArray();
                pr.b = in[k].toDoubleArray();
            }
            pr.z = new double[batch * n];
            pr.s = new double[batch * m];
            pr.lam = new double[batch * m];
            pr.nu = new double[batch * pe];
            double[] w = new double[batch * (n + m + pe)];
            forEachSample(
                    pr,
                    s -> {
                        QpInteriorPoint ipm = Workspaces.take(n, m, pe);
                        try {
                            pr.load(ipm, s);
                            ipm.solve(o.tol(), o.maxIter());
                            System.arraycopy(ipm.z, 0, pr.z, s * n, n);
                            System.arraycopy(ipm.s, 0, pr.s, s * m, m);
                            System.arraycopy(ipm.lam, 0, pr.lam, s * m, m);
                            System.arraycopy(ipm.nu, 0, pr.nu, s * pe, pe);
                            int row = s * (n + m + pe);
                            System.arraycopy(ipm.z, 0, w, row, n);
                            System.arraycopy(ipm.lam, 0, w, row + n, m);
                            System.arraycopy(ipm.nu, 0, w, row + n + m, pe);
                            pr.reports[s] =
                                    new Report(
                                            Status.valueOf(ipm.status.name()),
                                            ipm.iterations,
                                            ipm.primal,
                                            ipm.dual,
                                            ipm.gap,
                                            certificate(ipm));
                        } finally {
                            Workspaces.give(ipm);
                        }
                    });
            return Tensor.of(DType.FLOAT64, w, batch, n + m + pe)
                    .to(in[1].dtype())
                    .to(in[1].backend());
        }

        private static double[] certificate(QpInteriorPoint ipm) {
            switch (ipm.status) {
                case PRIMAL_INFEASIBLE:
                    {
                        double[] c = new double[ipm.m + ipm.pe];
                        System.arraycopy(ipm.lam, 0, c, 0, ipm.m);
                        System.arraycopy(ipm.nu, 0, c, ipm.m, ipm.pe);
                        return c;
                    }
                case DUAL_INFEASIBLE:
                    return ipm.z.clone();
                default:
                    return null;
            }
        }

        /**
         * With u = (uz, u_lambda, u_nu) solving J' u = grad (J the Jacobian of the KKT residual in
         * (z, lambda, nu)) and v = lambda o u_lambda: dQ = -(uz z' + z uz') / 2, dp = -uz, dG =
         * -(lambda uz' + v z'), dh = v, dA = -(nu uz' + u_nu z'), db = u_nu (OptNet eq. 8 with its
         * d = -u).
         */
        @Override
        protected Tensor[] backward(Tensor grad, Tensor out, Tensor[] in, boolean[] needs) {
            int batch = pr.batch, n = pr.n, m = pr.m, pe = pr.pe, width = n + m + pe;
            double[] gw = grad.toDoubleArray();
            double[] uz = new double[batch * n],
                    v = new double[batch * m],
                    unu = new double[batch * pe];
            forEachSample(
                    pr,
                    s -> {
                        QpInteriorPoint ipm = Workspaces.take(n, m, pe);
                        try {
                            pr.load(ipm, s);
                            ipm.setIterates(pr.z, s * n, pr.s, s * m, pr.lam, s * m, pr.nu, s * pe);
                            int row = s * width;
                            ipm.adjoint(
                                    gw,
                                    row,
                                    gw,
                                    row + n,
                                    gw,
                                    row + n + m,
                                    uz,
                                    s * n,
                                    v,
                                    s * m,
                                    unu,
                                    s * pe);
                        } finally {
                            Workspaces.give(ipm);
                        }
                    });
            Tensor[] gs = new Tensor[in.length];
            Tensor z = f64(pr.z, batch, n), uzT = f64(uz, batch, n);
            if (needs[0]) {
                Tensor dq = outer(uzT, z, pr.qShared).add(outer(z, uzT, pr.qShared)).mul(-0.5);
                gs[0] = like(dq, in[0]);
            }
            if (needs[1]) {
                gs[1] = like(uzT.neg(), in[1]);
            }
            int k = 2;
            if (m > 0) {
                if (needs[k]) {
                    Tensor dg =
                            outer(f64(pr.lam, batch, m), uzT, pr.gShared)
                                    .add(outer(f64(v, batch, m), z, pr.gShared))
                                    .neg();
                    gs[k] = like(dg, in[k]);
                }
                if (needs[k + 1]) {
                    gs[k + 1] = like(f64(v, batch, m), in[k + 1]);
                }
                k += 2;
            }
            if (pe > 0) {
                if (needs[k]) {
                    Tensor da =
                            outer(f64(pr.nu, batch, pe), uzT, pr.aShared)
                                    .add(outer(f64(unu, batch, pe), z, pr.aShared))
                                    .neg();
                    gs[k] = like(da, in[k]);
                }
                if (needs[k + 1]) {
                    gs[k + 1] = like(f64(unu, batch, pe), in[k + 1]);
                }
            }
            return gs;
        }

        private static Tensor f64(double[] v, int rows, int cols) {
            return Tensor.of(DType.FLOAT64, v, rows, cols);
        }

        /**
         * x_s y_s' per sample [B, r, c], or summed over the batch [r, c] (one product X'Y) for a
         * shared matrix.
         */
        private static Tensor outer(Tensor x, Tensor y, boolean shared) {
            if (shared) {
                return x.matmul(y, true, false);
            }
            int batch = x.shape(0);
            return x.reshape(batch, x.shape(1), 1).matmul(y.reshape(batch, 1, y.shape(1)));
        }

        private static Tensor like(Tensor t, Tensor input) {
            return t.to(input.dtype()).to(input.backend());
        }
    }

    /** Runs body for every sample, spread over the JVM backend's kernel threads. */
    private static void forEachSample(Problem pr, IntConsumer body) {
        int threads = Math.min(JvmBackend.threads(), pr.batch);
        if (threads <= 1) {
            for (int s = 0; s < pr.batch; s++) {
                body.accept(s);
            }
            return;
        }
        // Samples are tasks of a pool with one worker per thread: work stealing evens out samples
        // that take more iterations.
        POOLS.computeIfAbsent(threads, ForkJoinPool::new)
                .submit(() -> IntStream.range(0, pr.batch).parallel().forEach(body))
                .join();
    }

    private static final ConcurrentHashMap<Integer, ForkJoinPool> POOLS = new ConcurrentHashMap<>();

    /** Solver workspaces reused across calls, one in use per thread at a time. */
    private static final class Workspaces {
        private static final ConcurrentLinkedQueue<QpInteriorPoint> FREE =
                new ConcurrentLinkedQueue<>();

        static QpInteriorPoint take(int n, int m, int pe) {
            for (QpInteriorPoint w; (w = FREE.poll()) != null; ) {
                if (w.n == n && w.m == m && w.pe == pe) {
                    return w;
                }
            }
            return new QpInteriorPoint(n, m, pe);
        }

        static void give(QpInteriorPoint w) {
            if (FREE.size() < 64) {
                FREE.add(w);
            }
        }
    }
}
