package org.implicitlayers.implicit.bilevel;

import org.implicitlayers.implicit.linear.ConjugateGradient;
import org.implicitlayers.implicit.linear.Gmres;
import org.implicitlayers.implicit.linear.LinearSolver;

/**
 * How the hypergradient dF/dx of F(x) = outer(w*(x), x) is computed.
 *
 * <ul>
 *   <li>{@link Implicit}: by the implicit function theorem at the inner solution, whatever solver
 *       found it; memory independent of the inner iterations.
 *   <li>{@link Unrolled}: backpropagation through every step of an {@link UnrollableSolver}; the
 *       exact derivative of what the solver computed, with memory growing with the steps.
 *   <li>{@link TruncatedUnrolled}: backpropagation through the last k steps only (Shaban et al.
 *       2019, "Truncated back-propagation for bilevel optimization"), the iterate k steps before
 *       the end held fixed.
 * </ul>
 */
public sealed interface GradientMode
        permits GradientMode.Implicit, GradientMode.Unrolled, GradientMode.TruncatedUnrolled {

    /**
     * The implicit hypergradient: solve (A^T + damping I) v = d outer / dw at w*, with A = dr/dw
     * the Jacobian of the optimality residual (the inner Hessian for an objective, dG/dw for a
     * condition) applied as vector-Jacobian products by double backward, never formed; then dF/dx =
     * d outer/dx - (dr/dx)^T v (a mixed vector-Jacobian product).
     *
     * @param linearSolver the Krylov solver of the adjoint system: {@link ConjugateGradient} for an
     *     objective whose Hessian at w* is positive definite (symmetric A), {@link Gmres} for a
     *     general condition; default GMRES(30), 300 applications, tol 1e-10
     * @param damping lambda >= 0 added to the diagonal (Tikhonov damping of an ill-conditioned or
     *     indefinite Hessian; it biases the hypergradient); default 0
     */
    record Implicit(LinearSolver linearSolver, double damping) implements GradientMode {
        public Implicit {
            if (linearSolver == null || !(damping >= 0) || Double.isInfinite(damping)) {
                throw new IllegalArgumentException(
                        "GradientMode.Implicit: a linear solver and a finite damping >= 0 required, got "
                                + linearSolver
                                + ", "
                                + damping);
            }
        }

        /** GMRES(30), at most 300 applications, tol 1e-10, no damping. */
        public static Implicit defaults() {
            return new Implicit(new Gmres(30, 300, 1e-10), 0);
        }

        /**
         * Conjugate gradients to {@code tol} in at most {@code maxIter} iterations, no damping
         * (symmetric positive definite A).
         */
        public static Implicit cg(double tol, int maxIter) {
            return new Implicit(new ConjugateGradient(maxIter, tol), 0);
        }

        /**
         * GMRES(min(30, maxIter)) to {@code tol} in at most {@code maxIter} applications, no
         * damping.
         */
        public static Implicit gmres(double tol, int maxIter) {
            return new Implicit(new Gmres(Math.min(30, maxIter), maxIter, tol), 0);
        }

        public Implicit withLinearSolver(LinearSolver s) {
            return new Implicit(s, damping);
        }

        public Implicit withDamping(double lambda) {
            return new Implicit(linearSolver, lambda);
        }
    }

    /**
     * Backpropagation through all steps of the inner solver, which must be an {@link
     * UnrollableSolver}.
     */
    record Unrolled() implements GradientMode {}

    /**
     * Backpropagation through the last {@code k} steps of the inner solver (an {@link
     * UnrollableSolver}); with k at least the number of steps taken this equals {@link Unrolled}.
     *
     * @param k steps on the tape, at least 1
     */
    record TruncatedUnrolled(int k) implements GradientMode {
        public TruncatedUnrolled {
            if (k < 1) {
                throw new IllegalArgumentException(
                        "GradientMode.TruncatedUnrolled: k >= 1 required, got " + k);
            }
        }
    }
}
