package org.implicitlayers.implicit.solve;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;

/** Damped Picard iteration z &lt;- (1 - tau) z + tau f(z); tau = 1 is plain fixed-point iteration. */
public record Picard(int maxIter, double tol, double damping) implements FixedPointSolver {
    public Picard {
        if (!(damping > 0 && damping <= 1)) {
            throw new IllegalArgumentException("Picard: damping must lie in (0, 1], got " + damping);
        }
    }

    @Override
    public Solution solve(UnaryOperator<Tensor> f, Tensor z0) {
        Tensor z = z0;
        List<Double> res = new ArrayList<>();
        for (int k = 1; k <= maxIter; k++) {
            Tensor fz = f.apply(z);
            double r = FixedPointSolver.relativeResidual(fz, z);
            res.add(r);
            z = damping == 1 ? fz : z.mul(1 - damping).add(fz.mul(damping));
            if (r < tol) {
                return new Solution(z, k, res, true);
            }
        }
        return new Solution(z, maxIter, res, false);
    }
}
