package org.implicitlayers.implicit.solve;

import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;

/**
 * Finds z with z = f(z) (or, through {@link #solveRoot}, F(z) = 0). Solvers run without recording
 * (callers open a no-grad scope); implicit differentiation is a separate wrapper. The residual
 * they report is ||f(z) - z|| / (1e-5 + ||f(z)||) over the whole tensor (batch included).
 */
public interface FixedPointSolver {
    Solution solve(UnaryOperator<Tensor> f, Tensor z0);

    /** A root of F, by default as the fixed point of z - F(z). */
    default Solution solveRoot(UnaryOperator<Tensor> F, Tensor z0) {
        return solve(z -> z.sub(F.apply(z)), z0);
    }

    /** The relative residual ||fz - z|| / (1e-5 + ||fz||). */
    static double relativeResidual(Tensor fz, Tensor z) {
        return fz.sub(z).norm().item() / (1e-5 + fz.norm().item());
    }
}
