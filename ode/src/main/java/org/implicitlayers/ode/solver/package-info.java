/**
 * Explicit Runge-Kutta methods as Butcher tableaus over one generic stepper, the PI step-size
 * controller, the initial step guess and dense output.
 */
package org.implicitlayers.ode.solver;
