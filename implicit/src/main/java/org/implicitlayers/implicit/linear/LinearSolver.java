package org.implicitlayers.implicit.linear;

import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.solve.Solution;

/**
 * Solves A x = b for a linear operator given only as a function x -> A x (a matrix-vector or
 * vector-Jacobian product). Tensors of any shape are vectors; the inner product is the sum over
 * all elements. The residual is ||b - A x|| / ||b||.
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
