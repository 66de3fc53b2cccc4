package org.implicitlayers.implicit.solve;

import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Finds z with z = f(z): {@link Picard}, {@link Anderson}, {@link Broyden}, {@link NewtonKrylov}.
 * Solvers run without recording (callers open a no-grad scope); implicit differentiation is a
 * separate wrapper ({@code FixedPoints}). They stop when the fixed-point residual {@link
 * Residuals#fixedPoint} falls below their {@code tol}, or at their iteration limit.
 */
public interface FixedPointSolver {
    /**
     * @param f the map, tensors of z0's shape to the same shape
     * @param z0 the starting point (not modified)
     * @return the last iterate, evaluations of f, the residual history and whether tol was met
     */
    Solution solve(UnaryOperator<Tensor> f, Tensor z0);
}
