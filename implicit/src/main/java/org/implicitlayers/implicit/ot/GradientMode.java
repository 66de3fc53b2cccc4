package org.implicitlayers.implicit.ot;

import org.implicitlayers.implicit.linear.Gmres;
import org.implicitlayers.implicit.linear.LinearSolver;

/**
 * How a Sinkhorn solve is differentiated.
 *
 * <ul>
 *   <li>{@link Implicit}: the dual potential g is the fixed point of one Sinkhorn sweep (with the
 *       gauge fixed, see {@link Sinkhorn}); its gradient comes from the implicit function theorem
 *       through {@link org.implicitlayers.implicit.ImplicitDiff}, with one sweep on the tape
 *       whatever the number of iterations.
 *   <li>{@link Unrolled}: every iteration is recorded and backpropagated through; the tape grows
 *       with the iteration count, and the gradient is that of the truncated iteration.
 * </ul>
 */
public sealed interface GradientMode permits GradientMode.Implicit, GradientMode.Unrolled {
    /**
     * The implicit function theorem at the fixed point.
     *
     * @param solver the linear solver of the adjoint system (I - J^T) u = v, J the Jacobian of one
     *     gauge-fixed sweep at the fixed point; default GMRES(30), 1000 applications, tol 1e-10
     */
    record Implicit(LinearSolver solver) implements GradientMode {
        public Implicit {
            if (solver == null) {
                throw new IllegalArgumentException(
                        "GradientMode.Implicit: a linear solver is required");
            }
        }

        /** GMRES(30), at most 1000 operator applications, relative residual 1e-10. */
        public static Implicit defaults() {
            return new Implicit(new Gmres(30, 1000, 1e-10));
        }

        public Implicit withSolver(LinearSolver s) {
            return new Implicit(s);
        }
    }

    /** Backpropagation through every recorded iteration. */
    record Unrolled() implements GradientMode {}

    /** {@link Implicit#defaults()}. */
    static GradientMode implicit() {
        return Implicit.defaults();
    }

    /** {@link Unrolled}. */
    static GradientMode unrolled() {
        return new Unrolled();
    }
}
