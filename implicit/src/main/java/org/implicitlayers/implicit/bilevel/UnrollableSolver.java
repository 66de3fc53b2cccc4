package org.implicitlayers.implicit.bilevel;

import java.util.ArrayList;
import java.util.List;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * An inner solver whose iteration w_{k+1} = step(w_k, r(w_k)) (r the optimality residual) is
 * written with differentiable tensor ops, so that it can be backpropagated through: the {@link
 * GradientMode.Unrolled} and {@link GradientMode.TruncatedUnrolled} hypergradients need one. It
 * stops when the root residual {@link Residuals#root} of r falls below {@link #tol()}, or after
 * {@link #maxSteps()} steps.
 */
public interface UnrollableSolver extends InnerSolver {
    /** Steps at most. */
    int maxSteps();

    /**
     * Tolerance on the root residual ||r(w)|| / (1e-5 + ||w||); 0 runs exactly {@link #maxSteps()}
     * steps.
     */
    double tol();

    /** One step from w, given the residual r at w; differentiable in both. */
    Tensor step(Tensor w, Tensor residual);

    @Override
    default Solution solve(InnerProblem problem, Tensor w0) {
        Tensor w = w0.detach();
        List<Double> res = new ArrayList<>();
        try (Grad.Scope ignored = Grad.noGrad()) {
            for (int k = 0; k < maxSteps(); k++) {
                Tensor r = problem.residual(w);
                double rel = Residuals.root(r, w);
                res.add(rel);
                if (rel < tol()) {
                    return new Solution(w, k, res, true);
                }
                w = step(w, r).detach();
            }
            double rel = Residuals.root(problem.residual(w), w);
            res.add(rel);
            return new Solution(w, maxSteps(), res, rel < tol());
        }
    }
}
