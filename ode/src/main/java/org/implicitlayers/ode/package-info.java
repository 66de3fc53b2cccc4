/**
 * Neural ODEs: one entry point ({@link org.implicitlayers.ode.OdeSolve}) composing a Runge-Kutta
 * solver, step-size control and the choice of gradient (backpropagation through the solver, the
 * continuous adjoint, checkpointing), and the neural ODE layer.
 */
package org.implicitlayers.ode;
