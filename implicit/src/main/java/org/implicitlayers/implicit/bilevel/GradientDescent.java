package org.implicitlayers.implicit.bilevel;

import org.implicitlayers.core.Tensor;

/**
 * Gradient descent w_{k+1} = w_k - lr r(w_k) on the optimality residual r (the objective's
 * gradient, or the condition G when its Jacobian is positive definite enough for this to converge).
 * Unrollable.
 *
 * @param lr the step size (positive)
 * @param maxSteps steps at most (at least 1)
 * @param tol on the root residual ||r|| / (1e-5 + ||w||), at least 0; 0 runs exactly maxSteps steps
 */
public record GradientDescent(double lr, int maxSteps, double tol) implements UnrollableSolver {
    public GradientDescent {
        if (!(lr > 0) || Double.isInfinite(lr) || maxSteps < 1 || !(tol >= 0)) {
            throw new IllegalArgumentException(
                    "GradientDescent: lr > 0, maxSteps >= 1 and tol >= 0 required, got "
                            + lr
                            + ", "
                            + maxSteps
                            + ", "
                            + tol);
        }
    }

    /** Exactly {@code steps} steps of size lr (no tolerance), as MAML's inner loop. */
    public static GradientDescent steps(double lr, int steps) {
        return new GradientDescent(lr, steps, 0);
    }

    @Override
    public Tensor step(Tensor w, Tensor residual) {
        return w.sub(residual.mul(lr));
    }
}
