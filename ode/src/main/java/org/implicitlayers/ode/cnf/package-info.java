/** Continuous normalising flows on two-dimensional toy densities. */
package org.implicitlayers.ode.cnf;
