package org.implicitlayers.implicit.linear;

import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Solves A x = b for a linear operator given only as a function x -> A x (a matrix-vector or
 * vector-Jacobian product). Tensors of any shape are vectors; the inner product is the sum over all
 * elements. Every implementation stops on the linear residual ||b - A x|| / ||b|| (see {@code
 * Residuals}) except {@link Dense}, which is exact, and the fixed-point form {@code
 * solve.AsFixedPoint}, which uses its fixed-point solver's residual.
 */
public interface LinearSolver {
    Solution solve(UnaryOperator<Tensor> a, Tensor b, Tensor x0);

    static double dot(Tensor x, Tensor y) {
        return x.mul(y).sum().item();
    }

    static double norm(Tensor x) {
        return x.norm().item();
    }
}
