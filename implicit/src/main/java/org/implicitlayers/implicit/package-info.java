/**
 * Implicit differentiation (roots, fixed points, argmins) on top of the core autodiff. Not yet implemented: the module exists so that the dependency structure is fixed from the start.
 */
package org.implicitlayers.implicit;
