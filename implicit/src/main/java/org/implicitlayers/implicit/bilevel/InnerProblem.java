package org.implicitlayers.implicit.bilevel;

import org.implicitlayers.core.Tensor;

/**
 * The inner problem at fixed outer variables x, as an {@link InnerSolver} sees it: functions of the
 * flat inner vector w [n]. The outer variables enter as constants (nothing here is differentiated
 * with respect to them).
 */
public interface InnerProblem {
    /** The number of inner scalars n. */
    int size();

    /**
     * Whether the inner problem is a minimisation (then {@link #objective} exists) rather than a
     * root condition.
     */
    boolean hasObjective();

    /**
     * The inner objective at w (a scalar), recorded on the tape when recording is on, so that a
     * solver can backpropagate it into a leaf w.
     *
     * @throws UnsupportedOperationException for a problem given by its optimality condition only
     */
    Tensor objective(Tensor w);

    /**
     * The optimality residual at w, flat [n]: the gradient of the objective in w, or the condition
     * G(w, x). Its zero is the inner solution. While recording is on ({@code Grad.isEnabled()}) it
     * is recorded and differentiable in w (as root solvers such as Newton-Krylov need); otherwise a
     * constant.
     */
    Tensor residual(Tensor w);
}
