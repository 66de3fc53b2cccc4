package org.implicitlayers.implicit.bilevel;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.ConjugateGradient;
import org.implicitlayers.implicit.linear.LinearSolver;

/**
 * Newton's method for a smooth objective, each Newton system H d = -g solved inexactly by conjugate
 * gradients on Hessian-vector products (double backward; the Hessian is never formed), then a
 * backtracking (Armijo) line search on the objective (Nocedal and Wright, Numerical Optimization,
 * 2nd ed., Algorithm 7.1 without the negative-curvature test: a direction that is not one of
 * descent is replaced by -g). Needs an objective.
 *
 * @param maxIter Newton steps at most (at least 1); default 50
 * @param tol on the root residual of the gradient ||g|| / (1e-5 + ||w||); default 1e-10
 * @param cgMaxIter CG iterations per Newton step (at least 1); default 100
 * @param cgTol CG tolerance per Newton step; default 1e-8
 */
public record NewtonCg(int maxIter, double tol, int cgMaxIter, double cgTol)
        implements InnerSolver {
    public NewtonCg {
        if (maxIter < 1 || cgMaxIter < 1 || !(tol >= 0) || !(cgTol >= 0)) {
            throw new IllegalArgumentException(
                    "NewtonCg: maxIter >= 1, cgMaxIter >= 1 and tolerances >= 0 required, got "
                            + maxIter
                            + ", "
                            + tol
                            + ", "
                            + cgMaxIter
                            + ", "
                            + cgTol);
        }
    }

    /** 50 Newton steps, tol 1e-10, CG to 1e-8 in at most 100 iterations per step. */
    public static NewtonCg defaults() {
        return new NewtonCg(50, 1e-10, 100, 1e-8);
    }

    public NewtonCg withMaxIter(int n) {
        return new NewtonCg(n, tol, cgMaxIter, cgTol);
    }

    public NewtonCg withTol(double t) {
        return new NewtonCg(maxIter, t, cgMaxIter, cgTol);
    }

    @Override
    public Solution solve(InnerProblem problem, Tensor w0) {
        if (!problem.hasObjective()) {
            throw new IllegalArgumentException(
                    "NewtonCg: the inner problem is given by an optimality condition, not an objective;"
                            + " use a root solver (InnerSolver.root)");
        }
        Tensor w = w0.detach();
        List<Double> res = new ArrayList<>();
        int evals = 0;
        ConjugateGradient cg = new ConjugateGradient(cgMaxIter, cgTol);
        Grad.Options retain = Grad.Options.defaults().withRetainGraph(true).withAllowUnused(true);
        for (int it = 0; it < maxIter; it++) {
            Tensor wl = w.requiringGrad();
            Tensor f, g;
            try (Grad.Scope ignored = Grad.enableGrad()) {
                f = problem.objective(wl);
                g =
                        Grad.of(
                                new Tensor[] {f},
                                new Tensor[] {wl},
                                null,
                                Grad.Options.defaults()
                                        .withCreateGraph(true)
                                        .withAllowUnused(true))[0];
            }
            evals++;
            double rel = Residuals.root(g.detach(), w);
            res.add(rel);
            if (rel < tol) {
                return new Solution(w, evals, res, true);
            }
            Tensor gd = g.detach();
            UnaryOperator<Tensor> hvp =
                    v ->
                            g.requiresGrad()
                                    ? Grad.of(
                                            new Tensor[] {g},
                                            new Tensor[] {wl},
                                            new Tensor[] {v},
                                            retain)[0]
                                    : Tensor.zerosLike(v);
            Tensor d;
            try (Grad.Scope ignored = Grad.noGrad()) {
                Solution lin = cg.solve(hvp, gd.neg(), Tensor.zerosLike(gd));
                evals += lin.evaluations();
                d = lin.value();
                double slope = LinearSolver.dot(gd, d);
                if (!(slope < 0)) {
                    d = gd.neg();
                    slope = -LinearSolver.dot(gd, gd);
                }
                double f0 = f.item(), t = 1;
                Tensor next = w.add(d);
                boolean accepted = false;
                for (int ls = 0; ls < 30 && !accepted; ls++) {
                    // With recording on: an objective may differentiate inside (a Ritz energy takes
                    // grad u in x).
                    double fn;
                    try (Grad.Scope on = Grad.enableGrad()) {
                        fn = problem.objective(next).item();
                    }
                    evals++;
                    // The slack of a few roundings of f lets the full step through where the
                    // predicted
                    // decrease is below the precision of f (near the minimiser).
                    accepted = fn <= f0 + 1e-4 * t * slope + 1e-14 * Math.max(1, Math.abs(f0));
                    if (!accepted) {
                        t *= 0.5;
                        next = w.add(d.mul(t));
                    }
                }
                w = next.detach();
            }
        }
        Tensor gEnd = problem.residual(w);
        double rel = Residuals.root(gEnd, w);
        res.add(rel);
        return new Solution(w, evals, res, rel < tol);
    }
}
