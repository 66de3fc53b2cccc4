package org.implicitlayers.ode;

import org.implicitlayers.core.Tensor;

/**
 * The right-hand side of {@code dy/dt = f(t, y)}: returns a tensor of y's shape and dtype. Any
 * computation on tensors will do (a network, a formula); parameters it reads are handed to {@link
 * OdeSolve#solve} so that gradients can reach them.
 */
@FunctionalInterface
public interface Dynamics {
    /**
     * @param t time
     * @param y state, any shape (e.g. [batch, dim])
     * @return dy/dt, of y's shape
     */
    Tensor apply(double t, Tensor y);
}
