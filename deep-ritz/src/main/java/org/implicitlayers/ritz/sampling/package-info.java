/**
 * Points in the unit cube, pseudo-random or quasi-random (Sobol, Halton), from which domains draw
 * their samples.
 */
package org.implicitlayers.ritz.sampling;
