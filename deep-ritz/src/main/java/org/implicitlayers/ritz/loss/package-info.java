/**
 * The losses of each method (Ritz energy, PINN residual, Rayleigh quotient), the ansatz they are
 * evaluated on (the network, or g + phi N for exact boundary conditions) and the training points
 * they are evaluated at.
 */
package org.implicitlayers.ritz.loss;
