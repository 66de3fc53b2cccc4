/**
 * The JavaFX workbench ({@code bin/implicit gui}): one window with a workbench per application. The
 * variational PDE workbench poses a problem through its controls (or opens a JSON problem file, the
 * same format as {@code bin/implicit ritz FILE.json}), trains it off the JavaFX thread with live
 * curves and a refreshed solution, and shows heat maps of the solution and its error. It drives the
 * library ({@code deep-ritz}) and draws with the {@code plot} module, the same code as the
 * command-line tool.
 */
package org.implicitlayers.gui;
