package org.implicitlayers.implicit.ot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.ImplicitDiff;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Entropic optimal transport between two discrete measures, solved by Sinkhorn's algorithm in the
 * log domain, and differentiable in the cost matrix (hence in point positions), the weights and
 * epsilon, either implicitly or by unrolling ({@link GradientMode}).
 *
 * <p>The problem (Cuturi 2013; Peyre and Cuturi 2019, sec. 4): for a cost matrix C [n, m] and
 * probability vectors a [n], b [m],
 *
 * <pre>
 *   OT_eps(a, b) = min_P  &lt;C, P&gt; + eps KL(P | a b^T)   over P &gt;= 0 with P 1 = a, P^T 1 = b
 *                = max_{f, g}  &lt;f, a&gt; + &lt;g, b&gt; - eps &lt;a b^T, exp((f + g^T - C) / eps) - 1&gt;,
 * </pre>
 *
 * with the plan P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps). At the optimum the last term
 * vanishes, so the regularised cost returned is &lt;f, a&gt; + &lt;g, b&gt;.
 *
 * <p>One sweep alternates the two exact half-steps, each a log-sum-exp (stable for small eps):
 *
 * <pre>
 *   f_i = -eps log sum_j b_j exp((g_j - C_ij) / eps)     (rows of P sum to a)
 *   g_j = -eps log sum_i a_i exp((f_i - C_ij) / eps)     (columns of P sum to b)
 * </pre>
 *
 * The iteration stops when the column marginal error ||P^T 1 - b||_1 (rows are exact after the f
 * half-step) falls below {@code tol}.
 *
 * <p>Gauge: (f + c, g - c) is optimal for every constant c, so the sweep g -&gt; T(g) has the
 * eigenvalue 1 along the constant vector, and I - T_g is singular. Each sweep here ends by
 * subtracting the mean of g; the gauge-fixed sweep T'(g) = T(g) - mean(T(g)) maps the constants to
 * zero, keeps the other eigenvalues of T_g (all in [0, 1)), and so I - T'_g is invertible. Implicit
 * differentiation runs on the fixed point g* = T'(g*), with f* = f(g*) recomputed on the tape. This
 * plays the role of OTT-JAX's kernel ridge (which promotes zero-sum solutions of the singular
 * system of the first-order conditions): here the linear system is solved in the complement of the
 * constants.
 *
 * <pre>{@code
 * Tensor c = Sinkhorn.squaredEuclidean(x, y);              // x [n, d] requires grad
 * Sinkhorn.Result r = Sinkhorn.solve(c, a, b, Sinkhorn.Options.defaults().withEpsilon(0.01));
 * r.cost().backward();                                    // x.grad() = sum_j P_ij 2 (x_i - y_j)
 * }</pre>
 */
public final class Sinkhorn {
    private Sinkhorn() {}

    /**
     * Options of a solve.
     *
     * @param epsilon the regularisation, in the units of the cost (> 0); default 0.05
     * @param maxIter sweeps at the target epsilon at most (>= 1); default 2000
     * @param tol on the column marginal error ||P^T 1 - b||_1 (>= 0); default 1e-6
     * @param scaling epsilon annealing before the sweeps at the target; default {@link
     *     EpsilonScaling.Off}
     * @param gradient implicit or unrolled; default {@link GradientMode.Implicit#defaults()}
     * @param policy when the forward or the backward solve stops unconverged; default {@link
     *     NonConvergence#DEFAULT} (warn)
     */
    public record Options(
            double epsilon,
            int maxIter,
            double tol,
            EpsilonScaling scaling,
            GradientMode gradient,
            NonConvergence policy) {
        public Options {
            if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
                throw new IllegalArgumentException(
                        "Sinkhorn: epsilon must be finite and > 0, got " + epsilon);
            }
            if (maxIter < 1) {
                throw new IllegalArgumentException(
                        "Sinkhorn: maxIter must be >= 1, got " + maxIter);
            }
            if (!(tol >= 0)) {
                throw new IllegalArgumentException("Sinkhorn: tol must be >= 0, got " + tol);
            }
            if (scaling == null || gradient == null || policy == null) {
                throw new IllegalArgumentException(
                        "Sinkhorn: scaling, gradient and policy are required");
            }
        }

        /**
         * epsilon 0.05, 2000 sweeps, tol 1e-6, no scaling, implicit gradient, warn when
         * unconverged.
         */
        public static Options defaults() {
            return new Options(
                    0.05,
                    2000,
                    1e-6,
                    EpsilonScaling.off(),
                    GradientMode.implicit(),
                    NonConvergence.DEFAULT);
        }

        public Options withEpsilon(double v) {
            return new Options(v, maxIter, tol, scaling, gradient, policy);
        }

        public Options withMaxIter(int v) {
            return new Options(epsilon, v, tol, scaling, gradient, policy);
        }

        public Options withTol(double v) {
            return new Options(epsilon, maxIter, v, scaling, gradient, policy);
        }

        public Options withScaling(EpsilonScaling v) {
            return new Options(epsilon, maxIter, tol, v, gradient, policy);
        }

        public Options withGradient(GradientMode v) {
            return new Options(epsilon, maxIter, tol, scaling, v, policy);
        }

        public Options withPolicy(NonConvergence v) {
            return new Options(epsilon, maxIter, tol, scaling, gradient, v);
        }
    }

    /**
     * The solution: potentials, regularised cost and plan (all on the tape when an input requires
     * grad), and statistics.
     */
    public static final class Result {
        private final Tensor f;
        private final Tensor g;
        private final Tensor cost;
        private final Tensor logA;
        private final Tensor logB;
        private final Tensor costOverEps;
        private final Tensor eps;
        private final Solution forward;
        private final int scalingSweeps;
        private final AtomicReference<Solution> backward;

        Result(
                Tensor f,
                Tensor g,
                Tensor cost,
                Tensor logA,
                Tensor logB,
                Tensor costOverEps,
                Tensor eps,
                Solution forward,
                int scalingSweeps,
                AtomicReference<Solution> backward) {
            this.f = f;
            this.g = g;
            this.cost = cost;
            this.logA = logA;
            this.logB = logB;
            this.costOverEps = costOverEps;
            this.eps = eps;
            this.forward = forward;
            this.scalingSweeps = scalingSweeps;
            this.backward = backward;
        }

        /** The potential of the first measure [n]. */
        public Tensor f() {
            return f;
        }

        /** The potential of the second measure [m], in the gauge mean(g) = 0. */
        public Tensor g() {
            return g;
        }

        /** The regularised cost OT_eps = &lt;f, a&gt; + &lt;g, b&gt;, a one-element tensor. */
        public Tensor cost() {
            return cost;
        }

        /**
         * The plan P [n, m], P_ij = a_i b_j exp((f_i + g_j - C_ij) / eps); computed on each call.
         */
        public Tensor plan() {
            Tensor e = f.unsqueeze(1).add(g.unsqueeze(0)).div(eps).sub(costOverEps);
            return e.add(logA.unsqueeze(1)).add(logB.unsqueeze(0)).exp();
        }

        /** The transport cost &lt;C, P&gt; without the entropic term. */
        public Tensor transportCost() {
            return plan().mul(costOverEps).sum().mul(eps);
        }

        /**
         * The sweeps at the target epsilon: their count, the marginal error after each, whether tol
         * was met.
         */
        public Solution forward() {
            return forward;
        }

        /** Sweeps spent annealing epsilon before those at the target (0 without scaling). */
        public int scalingSweeps() {
            return scalingSweeps;
        }

        /** All sweeps: annealing and at the target. */
        public int sweeps() {
            return scalingSweeps + forward.evaluations();
        }

        /** The column marginal error ||P^T 1 - b||_1 after the last sweep. */
        public double marginalError() {
            return forward.residual();
        }

        /**
         * The implicit backward's linear solve, once a backward pass has run through it (else
         * null).
         */
        public Solution backward() {
            return backward.get();
        }
    }

    /**
     * Solves with epsilon = {@code o.epsilon()} (a constant). See {@link #solve(Tensor, Tensor,
     * Tensor, Tensor, Options)}.
     */
    public static Result solve(Tensor cost, Tensor a, Tensor b, Options o) {
        return solve(cost, a, b, Tensor.scalar(cost.dtype(), o.epsilon()).to(cost.backend()), o);
    }

    /**
     * Solves entropic OT between a and b for the cost matrix {@code cost}, with epsilon given as a
     * one-element tensor (it replaces {@code o.epsilon()}): the result is differentiable in every
     * input that requires grad, epsilon included.
     *
     * @param cost C [n, m], finite
     * @param a [n], positive, summing to 1
     * @param b [m], positive, summing to 1
     * @param epsilon one element, > 0
     * @throws IllegalArgumentException for shapes, dtypes or values that do not fit, naming which
     */
    public static Result solve(Tensor cost, Tensor a, Tensor b, Tensor epsilon, Options o) {
        check(cost, a, b, epsilon);
        boolean record =
                Grad.isEnabled()
                        && (cost.requiresGrad()
                                || a.requiresGrad()
                                || b.requiresGrad()
                                || epsilon.requiresGrad());
        Tensor eps = epsilon.reshape(1);
        Tensor logA = a.log(), logB = b.log(), ce = cost.div(eps);
        double e = eps.detach().item();
        AtomicReference<Solution> backward = new AtomicReference<>();
        Tensor gOut;
        Sweeps s;
        if (record && o.gradient() instanceof GradientMode.Unrolled) {
            s = iterate(cost, ce, logA, logB, eps, e, o);
            gOut = s.g;
        } else {
            try (Grad.Scope ignored = Grad.noGrad()) {
                s =
                        iterate(
                                cost.detach(),
                                ce.detach(),
                                logA.detach(),
                                logB.detach(),
                                eps.detach(),
                                e,
                                o);
            }
            gOut = s.g.detach();
            if (record) {
                GradientMode.Implicit im = (GradientMode.Implicit) o.gradient();
                // One gauge-fixed sweep recorded from a leaf copy of g*: its graph gives both
                // T'_g^T u
                // (for the adjoint system) and, in the backward pass, u^T T'_theta (into the
                // inputs).
                Tensor z0 = gOut.requiringGrad();
                Tensor taped;
                try (Grad.Scope ignored = Grad.enableGrad()) {
                    taped = centred(halfG(halfF(z0, ce, logB, eps), ce, logA, eps));
                }
                Grad.Options retain = Grad.Options.defaults().withRetainGraph(true);
                UnaryOperator<Tensor> adjoint =
                        u ->
                                u.sub(
                                        Grad.of(
                                                new Tensor[] {taped},
                                                new Tensor[] {z0},
                                                new Tensor[] {u},
                                                retain)[0]);
                gOut = ImplicitDiff.attach(taped, adjoint, im.solver(), o.policy(), backward::set);
            }
        }
        Solution fw =
                o.policy()
                        .check(
                                "Sinkhorn (epsilon " + String.format(Locale.ROOT, "%.3g", e) + ")",
                                new Solution(gOut.detach(), s.sweeps, s.errors, s.converged));
        Tensor f = halfF(gOut, ce, logB, eps);
        Tensor reg = f.mul(a).sum().add(gOut.mul(b).sum());
        return new Result(f, gOut, reg, logA, logB, ce, eps, fw, s.scaling, backward);
    }

    /**
     * OT_eps(a, a) for a symmetric cost with epsilon = {@code o.epsilon()}; see {@link
     * #selfTransport(Tensor, Tensor, Tensor, Options)}.
     */
    public static Result selfTransport(Tensor cost, Tensor a, Options o) {
        return selfTransport(
                cost, a, Tensor.scalar(cost.dtype(), o.epsilon()).to(cost.backend()), o);
    }

    /**
     * OT_eps(a, a) for a symmetric cost matrix C [n, n] (the debiasing terms of the Sinkhorn
     * divergence). The optimal potentials are equal, f = g, and f is the fixed point of f -&gt; (f
     * + S(f)) / 2 with S(f)_j = -eps log sum_i a_i exp((f_i - C_ij) / eps): the averaged symmetric
     * iteration (Feydy et al. 2019), which converges in a few sweeps where the alternating one
     * crawls, and has no gauge freedom (I - the map's Jacobian is (I + diag(a)^-1 P) / 2,
     * invertible). The plan of the result is the symmetric P; {@code g()} is {@code f()}.
     *
     * @param cost C [n, n], symmetric (not checked) and finite
     */
    public static Result selfTransport(Tensor cost, Tensor a, Tensor epsilon, Options o) {
        check(cost, a, a, epsilon);
        if (cost.shape(0) != cost.shape(1)) {
            throw new IllegalArgumentException(
                    "Sinkhorn.selfTransport: the cost must be square, got " + cost.shapeString());
        }
        boolean record =
                Grad.isEnabled()
                        && (cost.requiresGrad() || a.requiresGrad() || epsilon.requiresGrad());
        Tensor eps = epsilon.reshape(1);
        Tensor logA = a.log(), ce = cost.div(eps);
        double e = eps.detach().item();
        AtomicReference<Solution> backward = new AtomicReference<>();
        Tensor fOut;
        Sweeps s;
        if (record && o.gradient() instanceof GradientMode.Unrolled) {
            s = iterateSymmetric(cost, ce, logA, eps, e, o);
            fOut = s.g;
        } else {
            try (Grad.Scope ignored = Grad.noGrad()) {
                s = iterateSymmetric(cost.detach(), ce.detach(), logA.detach(), eps.detach(), e, o);
            }
            fOut = s.g.detach();
            if (record) {
                GradientMode.Implicit im = (GradientMode.Implicit) o.gradient();
                Tensor z0 = fOut.requiringGrad();
                Tensor taped;
                try (Grad.Scope ignored = Grad.enableGrad()) {
                    taped = z0.add(halfG(z0, ce, logA, eps)).mul(0.5);
                }
                Grad.Options retain = Grad.Options.defaults().withRetainGraph(true);
                UnaryOperator<Tensor> adjoint =
                        u ->
                                u.sub(
                                        Grad.of(
                                                new Tensor[] {taped},
                                                new Tensor[] {z0},
                                                new Tensor[] {u},
                                                retain)[0]);
                fOut = ImplicitDiff.attach(taped, adjoint, im.solver(), o.policy(), backward::set);
            }
        }
        Solution fw =
                o.policy()
                        .check(
                                "symmetric Sinkhorn (epsilon "
                                        + String.format(Locale.ROOT, "%.3g", e)
                                        + ")",
                                new Solution(fOut.detach(), s.sweeps, s.errors, s.converged));
        Tensor reg = fOut.mul(a).sum().mul(2);
        return new Result(fOut, fOut, reg, logA, logA, ce, eps, fw, s.scaling, backward);
    }

    private static Sweeps iterateSymmetric(
            Tensor cost, Tensor ce, Tensor logA, Tensor eps, double e, Options o) {
        int n = cost.shape(0);
        Tensor f = Tensor.zeros(cost.dtype(), n).to(cost.backend());
        int scaling = 0;
        if (o.scaling() instanceof EpsilonScaling.Geometric geo) {
            double ek;
            try (Grad.Scope ignored = Grad.noGrad()) {
                ek = cost.max().item();
            }
            for (; ek > e; ek *= geo.factor()) {
                Tensor epsK = Tensor.scalar(cost.dtype(), ek).to(cost.backend()).reshape(1);
                f = f.add(halfG(f, cost.div(epsK), logA, epsK)).mul(0.5);
                scaling++;
            }
        }
        double[] av = logA.detach().exp().toDoubleArray();
        List<Double> errors = new ArrayList<>();
        boolean converged = false;
        int k = 0;
        while (k < o.maxIter()) {
            Tensor sf = halfG(f, ce, logA, eps);
            k++;
            // Rows of the symmetric plan of (f, f) sum to a_i exp((f_i - S(f)_i) / eps).
            double[] fv = f.detach().toDoubleArray(), sv = sf.detach().toDoubleArray();
            double err = 0;
            for (int i = 0; i < n; i++) {
                err += av[i] * Math.abs(Math.expm1((fv[i] - sv[i]) / e));
            }
            errors.add(err);
            f = f.add(sf).mul(0.5);
            if (!Double.isFinite(err)) {
                break;
            }
            if (err <= o.tol()) {
                converged = true;
                break;
            }
        }
        return new Sweeps(f, scaling, k, errors, converged);
    }

    /** What the sweeps left: g (gauge-fixed), the sweep counts, the marginal errors. */
    private record Sweeps(
            Tensor g, int scaling, int sweeps, List<Double> errors, boolean converged) {}

    /** The sweeps, recorded or not depending on the scope and the inputs. */
    private static Sweeps iterate(
            Tensor cost, Tensor ce, Tensor logA, Tensor logB, Tensor eps, double e, Options o) {
        int m = cost.shape(1);
        Tensor g = Tensor.zeros(cost.dtype(), m).to(cost.backend());
        int scaling = 0;
        if (o.scaling() instanceof EpsilonScaling.Geometric geo) {
            double ek;
            try (Grad.Scope ignored = Grad.noGrad()) {
                ek = cost.max().item();
            }
            for (; ek > e; ek *= geo.factor()) {
                Tensor epsK = Tensor.scalar(cost.dtype(), ek).to(cost.backend()).reshape(1);
                Tensor ceK = cost.div(epsK);
                g = centred(halfG(halfF(g, ceK, logB, epsK), ceK, logA, epsK));
                scaling++;
            }
        }
        double[] bv = logB.detach().exp().toDoubleArray();
        List<Double> errors = new ArrayList<>();
        boolean converged = false;
        int k = 0;
        while (k < o.maxIter()) {
            Tensor gNew = halfG(halfF(g, ce, logB, eps), ce, logA, eps);
            k++;
            // Columns of the plan of (f(g), g) sum to b_j exp((g_j - gNew_j) / eps).
            double[] gv = g.detach().toDoubleArray(), gn = gNew.detach().toDoubleArray();
            double err = 0;
            for (int j = 0; j < m; j++) {
                err += bv[j] * Math.abs(Math.expm1((gv[j] - gn[j]) / e));
            }
            errors.add(err);
            g = centred(gNew);
            if (!Double.isFinite(err)) {
                break;
            }
            if (err <= o.tol()) {
                converged = true;
                break;
            }
        }
        return new Sweeps(g, scaling, k, errors, converged);
    }

    /** f_i = -eps logsumexp_j (log b_j + g_j / eps - C_ij / eps). */
    static Tensor halfF(Tensor g, Tensor ce, Tensor logB, Tensor eps) {
        return g.div(eps).add(logB).unsqueeze(0).sub(ce).logsumexp(1, false).mul(eps).neg();
    }

    /** g_j = -eps logsumexp_i (log a_i + f_i / eps - C_ij / eps). */
    static Tensor halfG(Tensor f, Tensor ce, Tensor logA, Tensor eps) {
        return f.div(eps).add(logA).unsqueeze(1).sub(ce).logsumexp(0, false).mul(eps).neg();
    }

    /** The gauge: g - mean(g). */
    static Tensor centred(Tensor g) {
        return g.sub(g.mean());
    }

    /**
     * The debiased Sinkhorn divergence (Genevay et al. 2018; Feydy et al. 2019) S_eps = OT_eps(a,
     * b) - OT_eps(a, a) / 2 - OT_eps(b, b) / 2 for the squared Euclidean cost: non-negative, zero
     * when the measures coincide, differentiable in x, y, a and b.
     *
     * @param x [n, d] points of the first measure, a [n] their weights
     * @param y [m, d] points of the second measure, b [m] their weights
     */
    public static Tensor divergence(Tensor x, Tensor a, Tensor y, Tensor b, Options o) {
        Tensor xy = solve(squaredEuclidean(x, y), a, b, o).cost();
        Tensor xx = selfTransport(squaredEuclidean(x, x), a, o).cost();
        Tensor yy = selfTransport(squaredEuclidean(y, y), b, o).cost();
        return xy.sub(xx.add(yy).mul(0.5));
    }

    /** C_ij = |x_i - y_j|^2 for x [n, d] and y [m, d]: [n, m], differentiable in both. */
    public static Tensor squaredEuclidean(Tensor x, Tensor y) {
        if (x.rank() != 2 || y.rank() != 2 || x.shape(1) != y.shape(1)) {
            throw new IllegalArgumentException(
                    "squaredEuclidean: expected x [n, d] and y [m, d], got "
                            + x.shapeString()
                            + " and "
                            + y.shapeString());
        }
        return x.unsqueeze(1).sub(y.unsqueeze(0)).square().sum(2);
    }

    /** Uniform weights 1/n [n] of the given dtype. */
    public static Tensor uniform(DType dtype, int n) {
        if (n < 1) {
            throw new IllegalArgumentException("uniform: n must be >= 1, got " + n);
        }
        return Tensor.full(dtype, 1.0 / n, n);
    }

    private static void check(Tensor cost, Tensor a, Tensor b, Tensor eps) {
        if (cost.rank() != 2 || cost.shape(0) < 1 || cost.shape(1) < 1) {
            throw new IllegalArgumentException(
                    "Sinkhorn: the cost must be a non-empty matrix [n, m], got "
                            + cost.shapeString());
        }
        int n = cost.shape(0), m = cost.shape(1);
        if (a.rank() != 1 || a.shape(0) != n) {
            throw new IllegalArgumentException(
                    "Sinkhorn: weights a must be ["
                            + n
                            + "] for a cost "
                            + cost.shapeString()
                            + ", got "
                            + a.shapeString());
        }
        if (b.rank() != 1 || b.shape(0) != m) {
            throw new IllegalArgumentException(
                    "Sinkhorn: weights b must be ["
                            + m
                            + "] for a cost "
                            + cost.shapeString()
                            + ", got "
                            + b.shapeString());
        }
        if (eps.numel() != 1) {
            throw new IllegalArgumentException(
                    "Sinkhorn: epsilon must have one element, got " + eps.shapeString());
        }
        if (a.dtype() != cost.dtype() || b.dtype() != cost.dtype() || eps.dtype() != cost.dtype()) {
            throw new IllegalArgumentException(
                    "Sinkhorn: cost, a, b and epsilon must share one dtype, got "
                            + cost.dtype()
                            + ", "
                            + a.dtype()
                            + ", "
                            + b.dtype()
                            + ", "
                            + eps.dtype());
        }
        double ev = eps.detach().item();
        if (!(ev > 0) || Double.isInfinite(ev)) {
            throw new IllegalArgumentException(
                    "Sinkhorn: epsilon must be finite and > 0, got " + ev);
        }
        double tol = cost.dtype() == DType.FLOAT64 ? 1e-9 : 1e-5;
        checkWeights("a", a.detach().toDoubleArray(), tol);
        checkWeights("b", b.detach().toDoubleArray(), tol);
        double[] c = cost.detach().toDoubleArray();
        for (int i = 0; i < c.length; i++) {
            if (!Double.isFinite(c[i])) {
                throw new IllegalArgumentException(
                        "Sinkhorn: cost entry ("
                                + i / m
                                + ", "
                                + i % m
                                + ") is "
                                + c[i]
                                + "; expected finite");
            }
        }
    }

    private static void checkWeights(String name, double[] w, double tol) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            if (!(w[i] > 0) || Double.isInfinite(w[i])) {
                throw new IllegalArgumentException(
                        "Sinkhorn: weight "
                                + name
                                + "["
                                + i
                                + "] is "
                                + w[i]
                                + "; expected finite and > 0");
            }
            s += w[i];
        }
        if (Math.abs(s - 1) > tol * Math.max(1, w.length)) {
            throw new IllegalArgumentException(
                    "Sinkhorn: weights "
                            + name
                            + " sum to "
                            + s
                            + "; expected 1 (probability weights)");
        }
    }
}
