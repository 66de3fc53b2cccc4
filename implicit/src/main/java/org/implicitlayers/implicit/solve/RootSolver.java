package org.implicitlayers.implicit.solve;

import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Finds z with F(z) = 0: {@link NewtonKrylov}, {@link Broyden}, or any fixed-point solver through
 * {@link #viaFixedPoint}. They stop when the root residual {@link Residuals#root} falls below their
 * {@code tol}, or at their iteration limit; implicit differentiation is the separate wrapper {@code
 * Roots}.
 */
public interface RootSolver {
    /**
     * @param F the function, tensors of z0's shape to the same shape
     * @param z0 the starting point (not modified)
     * @return the last iterate, evaluations of F, the residual history and whether tol was met
     */
    Solution solveRoot(UnaryOperator<Tensor> F, Tensor z0);

    /**
     * A root of F as the fixed point of z - F(z) (Picard on it is a gradient-descent-like iteration
     * when F is a scaled gradient). Convergence is judged by the fixed-point solver's residual of z
     * - F(z), which at a root equals the root residual.
     */
    static RootSolver viaFixedPoint(FixedPointSolver s) {
        return (F, z0) -> s.solve(z -> z.sub(F.apply(z)), z0);
    }
}
