package org.implicitlayers.plot;

import java.awt.Graphics2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.axis.AxisSpace;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.PlotState;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.data.xy.XYDataset;

/**
 * An XY plot whose data area always has one unit of x as long as one unit of y: where space is
 * space, a circle stays round and the unit square square, whatever the window. The plot shrinks its
 * area to the right aspect (keeping it against the right edge, next to a colour bar, and centred
 * vertically) and remembers how much it gave up, so a PNG can be cut to fit.
 */
public class EqualAspectPlot extends XYPlot {
    private static final long serialVersionUID = 1L;

    private transient double slackWidth;
    private transient double slackHeight;

    public EqualAspectPlot(
            XYDataset dataset, ValueAxis xAxis, ValueAxis yAxis, XYItemRenderer renderer) {
        super(dataset, xAxis, yAxis, renderer);
    }

    @Override
    public void draw(
            Graphics2D g2,
            Rectangle2D area,
            Point2D anchor,
            PlotState parentState,
            PlotRenderingInfo info) {
        Rectangle2D inner = (Rectangle2D) area.clone();
        getInsets().trim(inner);
        AxisSpace space = calculateAxisSpace(g2, inner);
        Rectangle2D data = space.shrink(inner, null);
        getAxisOffset().trim(data);
        double xr = getDomainAxis().getRange().getLength(),
                yr = getRangeAxis().getRange().getLength();
        Rectangle2D fitted = (Rectangle2D) area.clone();
        slackWidth = 0;
        slackHeight = 0;
        if (xr > 0 && yr > 0 && data.getWidth() > 1 && data.getHeight() > 1) {
            double want = yr / xr; // height / width of the data area
            if (data.getHeight() > want * data.getWidth()) {
                slackHeight = data.getHeight() - want * data.getWidth();
                fitted.setRect(
                        area.getX(),
                        area.getY() + slackHeight / 2,
                        area.getWidth(),
                        area.getHeight() - slackHeight);
            } else {
                slackWidth = data.getWidth() - data.getHeight() / want;
                fitted.setRect(
                        area.getX() + slackWidth,
                        area.getY(),
                        area.getWidth() - slackWidth,
                        area.getHeight());
            }
        }
        super.draw(g2, fitted, anchor, parentState, info);
    }

    /** Width (Java2D units) given up at the last draw to keep the aspect. */
    public double slackWidth() {
        return slackWidth;
    }

    /** Height (Java2D units) given up at the last draw to keep the aspect. */
    public double slackHeight() {
        return slackHeight;
    }
}
