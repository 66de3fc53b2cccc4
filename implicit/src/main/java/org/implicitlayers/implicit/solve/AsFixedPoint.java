package org.implicitlayers.implicit.solve;

import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.LinearSolver;

/**
 * Solves A x = b as the fixed point x = x - A x + b with a fixed-point solver: for A = I - J^T this
 * is x = J^T x + b, the backward solve of DEQs done "with the same solver" as the forward (Bai et
 * al.). Its residual is the fixed-point solver's (of x - A x + b), not the linear residual.
 */
public record AsFixedPoint(FixedPointSolver solver) implements LinearSolver {
    @Override
    public Solution solve(UnaryOperator<Tensor> a, Tensor b, Tensor x0) {
        return solver.solve(x -> x.sub(a.apply(x)).add(b), x0);
    }
}
