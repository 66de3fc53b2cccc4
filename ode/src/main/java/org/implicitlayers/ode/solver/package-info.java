/**
 * Runge-Kutta methods as Butcher tableaus over one stepper (explicit and diagonally implicit), the
 * PI step-size controller, the automatic first step and dense output.
 */
package org.implicitlayers.ode.solver;
