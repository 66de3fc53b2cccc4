package org.implicitlayers.gui.pde;

import java.awt.geom.Rectangle2D;
import org.jfree.chart.ChartRenderingInfo;
import org.jfree.chart.fx.ChartViewer;
import org.jfree.chart.plot.XYPlot;

/** Mouse positions on a chart viewer in the data coordinates of its plot. */
final class ChartCoordinates {
    private ChartCoordinates() {}

    /** {x, y} in data units at viewer position (px, py), or null when outside the data area. */
    static double[] data(ChartViewer viewer, double px, double py) {
        if (viewer.getChart() == null || !(viewer.getChart().getPlot() instanceof XYPlot plot)) {
            return null;
        }
        ChartRenderingInfo info = viewer.getCanvas().getRenderingInfo();
        if (info == null) {
            return null;
        }
        Rectangle2D area = info.getPlotInfo().getDataArea();
        if (!area.contains(px, py)) {
            return null;
        }
        return new double[] {
            plot.getDomainAxis().java2DToValue(px, area, plot.getDomainAxisEdge()),
            plot.getRangeAxis().java2DToValue(py, area, plot.getRangeAxisEdge())
        };
    }
}
