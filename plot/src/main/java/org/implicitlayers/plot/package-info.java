/**
 * Figures for papers and for the GUI, drawn with JFreeChart on Java2D (no JavaFX): heat maps of
 * fields on a grid with colour bars and equal aspect ({@link org.implicitlayers.plot.HeatMap}),
 * curves with decimation and readable log axes ({@link org.implicitlayers.plot.Curves}), contour
 * lines by marching squares ({@link org.implicitlayers.plot.Contours}) and PNG output ({@link
 * org.implicitlayers.plot.Png}). The command-line tool writes its PNGs with these classes and the
 * GUI shows the same charts in JFreeChart's JavaFX viewer.
 */
package org.implicitlayers.plot;
