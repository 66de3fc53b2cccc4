package org.implicitlayers.implicit.bilevel;

import java.util.List;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Lbfgs;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * The core {@link Lbfgs} optimiser (strong Wolfe line search) on the inner objective, from w0. It
 * counts as converged when L-BFGS stopped on its gradient tolerance (max |g|). The reported
 * residual is the root residual ||g|| / (1e-5 + ||w||) at the answer. Needs an objective.
 *
 * @param options L-BFGS's settings (iterations, tolerances, history)
 */
public record LbfgsSolver(Lbfgs.Options options) implements InnerSolver {
    public LbfgsSolver {
        if (options == null) {
            throw new IllegalArgumentException("LbfgsSolver: options required");
        }
    }

    @Override
    public Solution solve(InnerProblem problem, Tensor w0) {
        if (!problem.hasObjective()) {
            throw new IllegalArgumentException(
                    "LbfgsSolver: the inner problem is given by an optimality condition, not an objective;"
                            + " use a root solver (InnerSolver.root) or GradientDescent");
        }
        Parameter w = new Parameter(Tensor.of(w0.dtype(), w0.toDoubleArray(), w0.shape()));
        Lbfgs lbfgs = new Lbfgs(java.util.Map.of("w", w), options);
        Lbfgs.Result r =
                lbfgs.minimize(
                        () -> {
                            w.zeroGrad();
                            Tensor loss;
                            try (Grad.Scope ignored = Grad.enableGrad()) {
                                loss = problem.objective(w.value());
                                loss.backward();
                            }
                            return loss;
                        });
        w.zeroGrad();
        Tensor out = w.value().detach();
        double rel = Residuals.root(problem.residual(out), out);
        return new Solution(
                out, r.evaluations(), List.of(rel), r.reason() == Lbfgs.StopReason.GRADIENT_SMALL);
    }
}
