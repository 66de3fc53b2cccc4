/**
 * The variational PDE workbench: the problem form, the run in the background, the figures and the
 * list of runs.
 */
package org.implicitlayers.gui.pde;
