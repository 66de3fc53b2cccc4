package org.implicitlayers.implicit.bilevel;

import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.optim.Lbfgs;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.solve.NewtonKrylov;
import org.implicitlayers.implicit.solve.RootSolver;

/**
 * Solves the inner problem of a bilevel problem at fixed outer variables: any algorithm, since the
 * implicit hypergradient needs only its answer. Ready-made: {@link GradientDescent} (which can also
 * be unrolled), {@link AdamSolver} and {@link LbfgsSolver} (the core optimisers, for networks),
 * {@link NewtonCg} (Newton with Hessian-vector products, for smooth convex objectives), and {@link
 * #root(RootSolver)} (the root solvers of {@code implicit.solve} on the optimality residual, e.g.
 * Newton-Krylov or Broyden). A solver of a problem with a structure of its own (a QP, say) is a
 * lambda that reads the outer variables it captured and returns the solution.
 */
@FunctionalInterface
public interface InnerSolver {
    /**
     * @param problem the inner problem at fixed outer variables
     * @param w0 the starting point, flat [n] (not modified)
     * @return the solution (flat [n], detached), its evaluations, the residual history and whether
     *     its tolerance was met
     */
    Solution solve(InnerProblem problem, Tensor w0);

    /**
     * A root solver of {@code implicit.solve} applied to the optimality residual (for either form
     * of inner problem).
     */
    static InnerSolver root(RootSolver solver) {
        return (p, w0) -> solver.solveRoot(p::residual, w0.detach());
    }

    /**
     * Newton-Krylov on the optimality residual: {@code root(NewtonKrylov.defaults())} (tol 1e-10,
     * 50 steps).
     */
    static InnerSolver newtonKrylov() {
        return root(NewtonKrylov.defaults());
    }

    /** Adam on the objective; see {@link AdamSolver}. */
    static InnerSolver adam(Adam.Options options, int maxSteps, double tol) {
        return new AdamSolver(options, maxSteps, tol);
    }

    /** L-BFGS on the objective; see {@link LbfgsSolver}. */
    static InnerSolver lbfgs(Lbfgs.Options options) {
        return new LbfgsSolver(options);
    }
}
