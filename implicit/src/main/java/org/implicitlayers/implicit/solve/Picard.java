package org.implicitlayers.implicit.solve;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Damped Picard iteration z &lt;- (1 - tau) z + tau f(z); tau = 1 is plain fixed-point iteration.
 *
 * @param maxIter evaluations of f at most (at least 1); default 100
 * @param tol on the fixed-point residual ({@link Residuals#fixedPoint}); default 1e-6
 * @param damping tau in (0, 1]; default 1
 */
public record Picard(int maxIter, double tol, double damping) implements FixedPointSolver {
    public Picard {
        if (!(damping > 0 && damping <= 1)) {
            throw new IllegalArgumentException(
                    "Picard: damping must lie in (0, 1], got " + damping);
        }
        if (maxIter < 1 || !(tol >= 0)) {
            throw new IllegalArgumentException(
                    "Picard: maxIter >= 1 and tol >= 0 required, got " + maxIter + ", " + tol);
        }
    }

    /** 100 evaluations, tol 1e-6, undamped. */
    public static Picard defaults() {
        return new Picard(100, 1e-6, 1.0);
    }

    public Picard withMaxIter(int n) {
        return new Picard(n, tol, damping);
    }

    public Picard withTol(double t) {
        return new Picard(maxIter, t, damping);
    }

    public Picard withDamping(double tau) {
        return new Picard(maxIter, tol, tau);
    }

    @Override
    public Solution solve(UnaryOperator<Tensor> f, Tensor z0) {
        Tensor z = z0;
        List<Double> res = new ArrayList<>();
        for (int k = 1; k <= maxIter; k++) {
            Tensor fz = f.apply(z);
            double r = Residuals.fixedPoint(fz, z);
            res.add(r);
            z = damping == 1 ? fz : z.mul(1 - damping).add(fz.mul(damping));
            if (r < tol) {
                return new Solution(z, k, res, true);
            }
        }
        return new Solution(z, maxIter, res, false);
    }
}
