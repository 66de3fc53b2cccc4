package org.implicitlayers.implicit.linear;

import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.solve.FixedPointSolver;
import org.implicitlayers.implicit.solve.Solution;

/**
 * Solves A x = b as the fixed point x = x - A x + b with a fixed-point solver: for A = I - J^T this
 * is x = J^T x + b, the backward solve of DEQs done "with the same solver" as the forward (Bai et al.).
 */
public record AsFixedPoint(FixedPointSolver solver) implements LinearSolver {
    @Override
    public Solution solve(UnaryOperator<Tensor> a, Tensor b, Tensor x0) {
        return solver.solve(x -> x.sub(a.apply(x)).add(b), x0);
    }
}
