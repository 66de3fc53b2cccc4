/**
 * Neural ODEs: {@link org.implicitlayers.ode.OdeSolve} solves dy/dt = f(t, y) on tensors with
 * direct, adjoint or checkpointed gradients; {@link org.implicitlayers.ode.NeuralOde} makes any
 * module the dynamics of a layer; {@link org.implicitlayers.ode.TerminalEvent} stops at a
 * differentiable event time. The methods are in {@code solver}, the spiral benchmark problem in
 * {@code spiral}, time-series fitting in {@code fit}, continuous normalising flows in {@code cnf}.
 */
package org.implicitlayers.ode;
