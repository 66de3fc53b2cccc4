/** Pieces every workbench uses: the run controls below the figures and the history of a loss. */
package org.implicitlayers.gui.common;
