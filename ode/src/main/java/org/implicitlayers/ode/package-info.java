/**
 * Neural ODEs: tensor ODE solvers and the adjoint method. Not yet implemented.
 */
package org.implicitlayers.ode;
