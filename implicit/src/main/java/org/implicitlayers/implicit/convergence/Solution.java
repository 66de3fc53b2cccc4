package org.implicitlayers.implicit.convergence;

import java.util.List;
import org.implicitlayers.core.Tensor;

/**
 * What a solver returns: the last iterate, the number of function (or operator) evaluations, the
 * residual after each iteration, and whether the tolerance was met.
 */
public record Solution(Tensor value, int evaluations, List<Double> residuals, boolean converged) {
    public Solution {
        residuals = List.copyOf(residuals);
    }

    /** The last residual, or NaN when none was computed. */
    public double residual() {
        return residuals.isEmpty() ? Double.NaN : residuals.get(residuals.size() - 1);
    }
}
