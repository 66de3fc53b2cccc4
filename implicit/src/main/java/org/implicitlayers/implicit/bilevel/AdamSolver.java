package org.implicitlayers.implicit.bilevel;

import java.util.ArrayList;
import java.util.List;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * The core {@link Adam} optimiser on the inner objective, from w0, with fresh moments at every
 * solve: the usual inner solver of a network. Needs an objective (not a bare optimality condition).
 *
 * @param options Adam's settings
 * @param maxSteps steps at most (at least 1)
 * @param tol on the root residual of the gradient ||g|| / (1e-5 + ||w||), at least 0 (0: exactly
 *     maxSteps steps)
 */
public record AdamSolver(Adam.Options options, int maxSteps, double tol) implements InnerSolver {
    public AdamSolver {
        if (options == null || maxSteps < 1 || !(tol >= 0)) {
            throw new IllegalArgumentException(
                    "AdamSolver: options, maxSteps >= 1 and tol >= 0 required, got "
                            + options
                            + ", "
                            + maxSteps
                            + ", "
                            + tol);
        }
    }

    @Override
    public Solution solve(InnerProblem problem, Tensor w0) {
        if (!problem.hasObjective()) {
            throw new IllegalArgumentException(
                    "AdamSolver: the inner problem is given by an optimality condition, not an objective;"
                            + " use a root solver (InnerSolver.root) or GradientDescent");
        }
        // A fresh copy: Adam updates its leaf in place, and w0 must stay unchanged.
        Tensor w = Tensor.of(w0.dtype(), w0.toDoubleArray(), w0.shape()).requiringGrad();
        Adam adam = new Adam(List.of(w), options);
        List<Double> res = new ArrayList<>();
        for (int k = 0; k < maxSteps; k++) {
            adam.zeroGrad();
            try (Grad.Scope ignored = Grad.enableGrad()) {
                problem.objective(w).backward();
            }
            double rel = Residuals.root(w.grad(), w);
            res.add(rel);
            if (rel < tol) {
                Tensor out = w.detach();
                adam.zeroGrad();
                return new Solution(out, k, res, true);
            }
            adam.step();
        }
        adam.zeroGrad();
        Tensor out = w.detach();
        double rel = Residuals.root(problem.residual(out), out);
        res.add(rel);
        return new Solution(out, maxSteps, res, rel < tol);
    }
}
