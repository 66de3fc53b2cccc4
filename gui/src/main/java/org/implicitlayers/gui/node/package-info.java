/**
 * The neural ODE workbench: learn the dynamics of a planar system from its trajectory and compare
 * in the phase plane.
 */
package org.implicitlayers.gui.node;
