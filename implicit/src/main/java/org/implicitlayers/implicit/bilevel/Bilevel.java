package org.implicitlayers.implicit.bilevel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Shapes;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Bilevel optimisation: minimise F(x) = outer(w*(x), x) over outer variables x, where w*(x) solves
 * an inner problem, given either as an objective (w* = argmin_w inner(w, x)) or as an optimality
 * condition (G(w*, x) = 0). {@link #solve} solves the inner problem with a pluggable {@link
 * InnerSolver} and returns F and its hypergradient dF/dx, computed as the {@link GradientMode}
 * says: by the implicit function theorem (the default; memory independent of the inner iterations),
 * or by backpropagation through all or the last k inner steps. The outer loop is the caller's: any
 * optimiser fed with {@link Result#hypergradient()}.
 *
 * <p>The inner variables are a tensor or a whole {@code Module}'s parameters ({@link Variables});
 * the solvers see them as one flat vector [n]. Functions take w in its own form and the outer
 * variables as an array: {@code (w, x) -> scalar} (inner objective, outer objective) or {@code (w,
 * x) -> tensor of n elements} (condition).
 *
 * <p>Ridge regression with one L2 strength per feature, tuned on a validation set:
 *
 * <pre>{@code
 * Variables w = Variables.tensor(DType.FLOAT64, d);
 * Bilevel.Problem p = Bilevel.Problem.argmin(w,
 *         (v, x) -> xTrain.matmul(v).sub(yTrain).square().sum().mul(0.5).add(x[0].exp().mul(v.square()).sum().mul(0.5)),
 *         (v, x) -> xVal.matmul(v).sub(yVal).square().mean());
 * Bilevel.Options o = Bilevel.Options.defaults().withInnerSolver(NewtonCg.defaults())
 *         .withMode(GradientMode.Implicit.cg(1e-10, 200));
 * Tensor logLambda = Tensor.zeros(DType.FLOAT64, d), warm = null;
 * for (int step = 0; step < 100; step++) {
 *     Bilevel.Result r = Bilevel.solve(p, warm, new Tensor[] {logLambda}, o);
 *     logLambda = logLambda.sub(r.hypergradient()[0].mul(0.1));
 *     warm = r.innerSolution();                                  // warm start of the next inner solve
 * }
 * }</pre>
 */
public final class Bilevel {
    private Bilevel() {}

    /** The inner problem: an objective to minimise in w, or an optimality condition G(w, x) = 0. */
    public sealed interface Inner permits Inner.Objective, Inner.Condition {
        /** The function of (w, x). */
        BiFunction<Tensor, Tensor[], Tensor> f();

        /** w* = argmin_w f(w, x); f returns a scalar. */
        record Objective(BiFunction<Tensor, Tensor[], Tensor> f) implements Inner {
            public Objective {
                if (f == null) {
                    throw new IllegalArgumentException(
                            "Bilevel.Inner.Objective: a function is required");
                }
            }
        }

        /** w* with f(w*, x) = 0; f returns a tensor of n elements (any shape). */
        record Condition(BiFunction<Tensor, Tensor[], Tensor> f) implements Inner {
            public Condition {
                if (f == null) {
                    throw new IllegalArgumentException(
                            "Bilevel.Inner.Condition: a function is required");
                }
            }
        }
    }

    /**
     * A bilevel problem.
     *
     * @param variables the inner variables w
     * @param inner the inner problem
     * @param outer the outer objective outer(w, x), a scalar
     */
    public record Problem(
            Variables variables, Inner inner, BiFunction<Tensor, Tensor[], Tensor> outer) {
        public Problem {
            if (variables == null || inner == null || outer == null) {
                throw new IllegalArgumentException(
                        "Bilevel.Problem: variables, inner and outer are required");
            }
        }

        /** w* = argmin_w innerObjective(w, x), F(x) = outer(w*(x), x). */
        public static Problem argmin(
                Variables w,
                BiFunction<Tensor, Tensor[], Tensor> innerObjective,
                BiFunction<Tensor, Tensor[], Tensor> outer) {
            return new Problem(w, new Inner.Objective(innerObjective), outer);
        }

        /** w* with condition(w*, x) = 0, F(x) = outer(w*(x), x). */
        public static Problem root(
                Variables w,
                BiFunction<Tensor, Tensor[], Tensor> condition,
                BiFunction<Tensor, Tensor[], Tensor> outer) {
            return new Problem(w, new Inner.Condition(condition), outer);
        }
    }

    /**
     * How the inner problem is solved and the hypergradient computed.
     *
     * @param innerSolver the inner solver; default {@link InnerSolver#newtonKrylov()}
     *     (Newton-Krylov on the optimality residual, tol 1e-10); the unrolled modes need an {@link
     *     UnrollableSolver}
     * @param mode the hypergradient; default {@link GradientMode.Implicit#defaults()}
     * @param policy when the inner or the linear solve stops unconverged; default {@link
     *     NonConvergence#DEFAULT} (warn and go on). The unrolled modes take the steps they take:
     *     the policy does not apply to their inner solve
     */
    public record Options(InnerSolver innerSolver, GradientMode mode, NonConvergence policy) {
        public Options {
            if (innerSolver == null || mode == null || policy == null) {
                throw new IllegalArgumentException(
                        "Bilevel.Options: innerSolver, mode and policy are required");
            }
            if (!(mode instanceof GradientMode.Implicit)
                    && !(innerSolver instanceof UnrollableSolver)) {
                throw new IllegalArgumentException(
                        "Bilevel.Options: the "
                                + mode.getClass().getSimpleName()
                                + " gradient backpropagates through the inner steps and needs an UnrollableSolver (e.g. GradientDescent),"
                                + " got "
                                + innerSolver.getClass().getSimpleName());
            }
        }

        /** Newton-Krylov inner solve, implicit hypergradient by GMRES, warn on non-convergence. */
        public static Options defaults() {
            return new Options(
                    InnerSolver.newtonKrylov(),
                    GradientMode.Implicit.defaults(),
                    NonConvergence.DEFAULT);
        }

        public Options withInnerSolver(InnerSolver s) {
            return new Options(s, mode, policy);
        }

        public Options withMode(GradientMode m) {
            return new Options(innerSolver, m, policy);
        }

        public Options withPolicy(NonConvergence p) {
            return new Options(innerSolver, mode, p);
        }
    }

    /**
     * The outcome of one solve.
     *
     * @param value F(x) = outer(w*, x)
     * @param hypergradient dF/dx, one tensor per outer variable, of its shape (detached)
     * @param innerSolution w*, flat [n] (detached): a warm start for the next solve
     * @param inner the inner solve: iterations ({@code evaluations()}), residual history, converged
     * @param linear the adjoint linear solve (iterations, residual), for the implicit mode only
     * @param tape what the hypergradient's computation recorded on the autodiff tape ({@link
     *     Grad#tapeStats}): for the implicit mode the outer objective and one optimality residual
     *     at w*, whatever the inner iterations; for the unrolled modes every step on the tape
     */
    public record Result(
            double value,
            Tensor[] hypergradient,
            Tensor innerSolution,
            Solution inner,
            Optional<Solution> linear,
            Grad.TapeStats tape) {
        public Result {
            hypergradient = hypergradient.clone();
        }

        @Override
        public Tensor[] hypergradient() {
            return hypergradient.clone();
        }

        /**
         * F(x) as a scalar on the tape whose gradient with respect to {@code x} (the outer
         * variables as given to {@link Bilevel#solve}, e.g. parameter leaves) is the hypergradient:
         * hand it to a training loop that calls {@code backward()} and then an optimiser's step.
         */
        public Tensor asLoss(Tensor... x) {
            if (x.length != hypergradient.length) {
                throw new IllegalArgumentException(
                        "Bilevel.Result.asLoss: "
                                + x.length
                                + " outer variables for "
                                + hypergradient.length
                                + " hypergradients");
            }
            Tensor[] g = hypergradient;
            double v = value;
            return new org.implicitlayers.core.CustomFunction("bilevel") {
                @Override
                protected Tensor forward(Tensor[] in) {
                    return Tensor.scalar(in[0].dtype(), v);
                }

                @Override
                protected Tensor[] backward(Tensor grad, Tensor out, Tensor[] in, boolean[] needs) {
                    Tensor[] r = new Tensor[in.length];
                    for (int i = 0; i < in.length; i++) {
                        r[i] = needs[i] ? g[i].to(in[i].dtype()).mul(grad) : null;
                    }
                    return r;
                }
            }.apply(x);
        }
    }

    /**
     * F(x) and the inner solve, without a hypergradient (for line searches, grid searches, finite
     * differences).
     */
    public record Evaluation(double value, Tensor innerSolution, Solution inner) {}

    /**
     * Solves the inner problem from w0 and returns F(x) and dF/dx. For module variables, the
     * module's parameters hold w* afterwards.
     *
     * @param w0 the inner starting point, n elements of any shape, or null for the variables'
     *     current values (the module's parameters, or zeros for a tensor variable)
     * @param x the outer variables (their values are used; they are not modified)
     */
    public static Result solve(Problem p, Tensor w0, Tensor[] x, Options o) {
        Variables vars = p.variables();
        Tensor start = w0 == null ? vars.current() : vars.flatten(w0, "w0");
        Tensor[] xd = detachAll(x);
        Result r;
        if (o.mode() instanceof GradientMode.Implicit im) {
            r = implicit(p, start, x, xd, o, im);
        } else {
            int keep =
                    o.mode() instanceof GradientMode.TruncatedUnrolled t
                            ? t.k()
                            : Integer.MAX_VALUE;
            r = unrolled(p, start, x, xd, (UnrollableSolver) o.innerSolver(), keep);
        }
        vars.assign(r.innerSolution());
        return r;
    }

    /**
     * Solves the inner problem from w0 (null: the variables' current values) and evaluates F(x); no
     * tape is recorded.
     */
    public static Evaluation evaluate(Problem p, Tensor w0, Tensor[] x, Options o) {
        Variables vars = p.variables();
        Tensor start = w0 == null ? vars.current() : vars.flatten(w0, "w0");
        Tensor[] xd = detachAll(x);
        Solution s =
                o.policy()
                        .check("bilevel inner solve", o.innerSolver().solve(new At(p, xd), start));
        Tensor ws = s.value().detach();
        double value;
        try (Grad.Scope ignored = Grad.noGrad()) {
            value = outer(p, ws, xd).item();
        }
        vars.assign(ws);
        return new Evaluation(value, ws, s);
    }

    private static Result implicit(
            Problem p, Tensor start, Tensor[] x, Tensor[] xd, Options o, GradientMode.Implicit im) {
        Solution s =
                o.policy()
                        .check("bilevel inner solve", o.innerSolver().solve(new At(p, xd), start));
        Tensor ws = p.variables().flatten(s.value(), "the inner solver's answer");
        Tensor wl = ws.requiringGrad();
        Tensor[] xl = leaves(x);
        Tensor[] inputs = new Tensor[xl.length + 1];
        inputs[0] = wl;
        System.arraycopy(xl, 0, inputs, 1, xl.length);
        Grad.Options once = Grad.Options.defaults().withAllowUnused(true);
        try (Grad.Scope ignored = Grad.enableGrad()) {
            Tensor f = outer(p, wl, xl);
            Tensor r = residual(p, wl, xl, true);
            Grad.TapeStats tf = Grad.tapeStats(f), tr = Grad.tapeStats(r);
            Grad.TapeStats tape =
                    new Grad.TapeStats(tf.operations() + tr.operations(), tf.bytes() + tr.bytes());
            double value = f.item();
            Tensor[] direct =
                    f.requiresGrad()
                            ? Grad.of(new Tensor[] {f}, inputs, null, once)
                            : zeros(inputs);
            Tensor gw = direct[0];
            Solution lin;
            Tensor[] mixed;
            if (!r.requiresGrad()) {
                // The residual depends on neither w nor x: w* does not move with x.
                lin = new Solution(Tensor.zerosLike(gw), 0, List.of(0.0), true);
                mixed = zeros(xl);
            } else {
                Grad.Options retain =
                        Grad.Options.defaults().withRetainGraph(true).withAllowUnused(true);
                double lambda = im.damping();
                UnaryOperator<Tensor> adjoint =
                        v -> {
                            Tensor av =
                                    Grad.of(
                                            new Tensor[] {r},
                                            new Tensor[] {wl},
                                            new Tensor[] {v},
                                            retain)[0];
                            return lambda == 0 ? av : av.add(v.mul(lambda));
                        };
                try (Grad.Scope ng = Grad.noGrad()) {
                    lin =
                            o.policy()
                                    .check(
                                            "bilevel adjoint solve",
                                            im.linearSolver()
                                                    .solve(adjoint, gw, Tensor.zerosLike(gw)));
                }
                mixed =
                        xl.length == 0
                                ? new Tensor[0]
                                : Grad.of(
                                        new Tensor[] {r},
                                        xl,
                                        new Tensor[] {lin.value().detach()},
                                        once);
            }
            Tensor[] hyper = new Tensor[xl.length];
            try (Grad.Scope ng = Grad.noGrad()) {
                for (int i = 0; i < xl.length; i++) {
                    hyper[i] = direct[i + 1].sub(mixed[i]).detach();
                }
            }
            return new Result(value, hyper, ws, s, Optional.of(lin), tape);
        }
    }

    /**
     * Backpropagation through the steps of an unrollable solver; with {@code keep} below the steps
     * taken, the steps before the last {@code keep} run off the tape and their end point is held
     * fixed.
     */
    private static Result unrolled(
            Problem p, Tensor start, Tensor[] x, Tensor[] xd, UnrollableSolver s, int keep) {
        Tensor[] xl = leaves(x);
        List<Double> res = new ArrayList<>();
        Tensor w;
        int steps = 0;
        boolean converged = false;
        Tensor wk;
        try (Grad.Scope ignored = Grad.enableGrad()) {
            if (keep >= s.maxSteps()) {
                // Every step on the tape, in one pass.
                wk = start.detach().requiringGrad();
                while (true) {
                    Tensor r = residual(p, wk, xl, true);
                    double rel = Residuals.root(r.detach(), wk.detach());
                    res.add(rel);
                    if (rel < s.tol()) {
                        converged = true;
                        break;
                    }
                    if (steps == s.maxSteps()) {
                        break;
                    }
                    wk = s.step(wk, r);
                    steps++;
                }
                w = wk.detach();
            } else {
                // Off the tape: the whole trajectory, keeping the last keep + 1 iterates; then the
                // last
                // (at most) keep steps again on the tape, from the iterate before them held fixed.
                At at = new At(p, xd);
                ArrayDeque<Tensor> recent = new ArrayDeque<>();
                w = start.detach();
                try (Grad.Scope ng = Grad.noGrad()) {
                    recent.addLast(w);
                    while (true) {
                        Tensor r = at.residual(w);
                        double rel = Residuals.root(r, w);
                        res.add(rel);
                        if (rel < s.tol()) {
                            converged = true;
                            break;
                        }
                        if (steps == s.maxSteps()) {
                            break;
                        }
                        w = s.step(w, r).detach();
                        steps++;
                        recent.addLast(w);
                        if (recent.size() > keep + 1) {
                            recent.removeFirst();
                        }
                    }
                }
                int taped = Math.min(keep, steps);
                wk =
                        recent.toArray(new Tensor[0])[recent.size() - 1 - taped]
                                .detach()
                                .requiringGrad();
                for (int k = 0; k < taped; k++) {
                    wk = s.step(wk, residual(p, wk, xl, true));
                }
            }
            Tensor f = outer(p, wk, xl);
            Grad.TapeStats tape = Grad.tapeStats(f);
            double value = f.item();
            Tensor[] hyper =
                    f.requiresGrad() && xl.length > 0
                            ? Grad.of(
                                    new Tensor[] {f},
                                    xl,
                                    null,
                                    Grad.Options.defaults().withAllowUnused(true))
                            : zeros(xl);
            for (int i = 0; i < hyper.length; i++) {
                hyper[i] = hyper[i].detach();
            }
            return new Result(
                    value,
                    hyper,
                    w,
                    new Solution(w, steps, res, converged),
                    Optional.empty(),
                    tape);
        }
    }

    /** The outer objective at flat w, checked to be a scalar. */
    private static Tensor outer(Problem p, Tensor w, Tensor[] x) {
        Tensor f = p.variables().bind(w, wn -> p.outer().apply(wn, x));
        if (f.numel() != 1) {
            throw new IllegalArgumentException(
                    "bilevel: the outer objective must return one value, got shape "
                            + Shapes.str(f.shape()));
        }
        return f;
    }

    /**
     * The optimality residual at flat w [n]: the objective's gradient or the condition, flat. With
     * {@code taped}, recorded so that it can be differentiated in w (which must then require grad
     * or be on the tape) and x; otherwise detached.
     */
    static Tensor residual(Problem p, Tensor w, Tensor[] x, boolean taped) {
        Variables vars = p.variables();
        int n = vars.size();
        if (p.inner() instanceof Inner.Objective obj) {
            try (Grad.Scope ignored = Grad.enableGrad()) {
                Tensor wl = taped && w.requiresGrad() ? w : w.detach().requiringGrad();
                Tensor f = vars.bind(wl, wn -> obj.f().apply(wn, x));
                if (f.numel() != 1) {
                    throw new IllegalArgumentException(
                            "bilevel: the inner objective must return one value, got shape "
                                    + Shapes.str(f.shape()));
                }
                if (!f.requiresGrad()) {
                    return Tensor.zeros(vars.dtype(), n);
                }
                Tensor g =
                        Grad.of(
                                new Tensor[] {f},
                                new Tensor[] {wl},
                                null,
                                Grad.Options.defaults()
                                        .withCreateGraph(taped)
                                        .withAllowUnused(true))[0];
                return taped ? g : g.detach();
            }
        }
        Tensor g;
        try (Grad.Scope ignored = taped ? Grad.enableGrad() : Grad.noGrad()) {
            g = vars.bind(taped ? w : w.detach(), wn -> p.inner().f().apply(wn, x));
        }
        if (g.numel() != n) {
            throw new IllegalArgumentException(
                    "bilevel: the inner condition must return "
                            + n
                            + " values (one per inner variable),"
                            + " got shape "
                            + Shapes.str(g.shape()));
        }
        return taped ? g.reshape(n) : g.detach().reshape(n);
    }

    private static Tensor[] detachAll(Tensor[] x) {
        Tensor[] d = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            d[i] = x[i].detach();
        }
        return d;
    }

    /**
     * The outer variables as leaves that require grad: the tensors themselves when they are such
     * leaves.
     */
    private static Tensor[] leaves(Tensor[] x) {
        Tensor[] l = new Tensor[x.length];
        for (int i = 0; i < x.length; i++) {
            l[i] = x[i].isLeaf() && x[i].requiresGrad() ? x[i] : x[i].detach().requiringGrad();
        }
        return l;
    }

    private static Tensor[] zeros(Tensor[] like) {
        Tensor[] z = new Tensor[like.length];
        for (int i = 0; i < like.length; i++) {
            z[i] = Tensor.zerosLike(like[i]);
        }
        return z;
    }

    /** The inner problem at fixed (detached) outer variables. */
    private record At(Problem p, Tensor[] x) implements InnerProblem {
        @Override
        public int size() {
            return p.variables().size();
        }

        @Override
        public boolean hasObjective() {
            return p.inner() instanceof Inner.Objective;
        }

        @Override
        public Tensor objective(Tensor w) {
            if (!(p.inner() instanceof Inner.Objective obj)) {
                throw new UnsupportedOperationException(
                        "bilevel: the inner problem is an optimality condition, it has no objective");
            }
            return p.variables().bind(w, wn -> obj.f().apply(wn, x));
        }

        @Override
        public Tensor residual(Tensor w) {
            return Bilevel.residual(p, w, x, Grad.isEnabled());
        }
    }
}
