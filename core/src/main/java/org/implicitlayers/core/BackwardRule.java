package org.implicitlayers.core;

/**
 * The vector-Jacobian product of one operation. Given the gradient {@code grad} of the loss with
 * respect to the operation's output {@code out}, return the gradient with respect to each input
 * (null where {@code needs[i]} is false). Rules are written with differentiable tensor ops, so the
 * gradient they return can itself be differentiated.
 */
@FunctionalInterface
public interface BackwardRule {
    /** The gradients with respect to the inputs, given {@code grad} with respect to {@code out}. */
    Tensor[] apply(Tensor grad, Tensor out, boolean[] needs);
}
