package org.implicitlayers.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Paint;
import java.awt.Stroke;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.util.List;
import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;

/**
 * Line segments {x0, y0, x1, y1} in data coordinates drawn in one path: outlines, contours, probes.
 */
public final class Segments extends AbstractXYAnnotation {
    private static final long serialVersionUID = 1L;

    private final transient List<double[]> segments;
    private final transient Paint paint;
    private final transient Stroke stroke;

    /**
     * @param width line width in points
     */
    public Segments(List<double[]> segments, Color paint, float width) {
        this.segments = List.copyOf(segments);
        this.paint = paint;
        this.stroke = new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
    }

    @Override
    public void draw(
            Graphics2D g2,
            XYPlot plot,
            Rectangle2D dataArea,
            ValueAxis xAxis,
            ValueAxis yAxis,
            int rendererIndex,
            PlotRenderingInfo info) {
        Path2D.Double path = new Path2D.Double();
        for (double[] s : segments) {
            path.moveTo(
                    xAxis.valueToJava2D(s[0], dataArea, plot.getDomainAxisEdge()),
                    yAxis.valueToJava2D(s[1], dataArea, plot.getRangeAxisEdge()));
            path.lineTo(
                    xAxis.valueToJava2D(s[2], dataArea, plot.getDomainAxisEdge()),
                    yAxis.valueToJava2D(s[3], dataArea, plot.getRangeAxisEdge()));
        }
        java.awt.Shape clip = g2.getClip();
        g2.clip(dataArea);
        g2.setPaint(paint);
        g2.setStroke(stroke);
        g2.draw(path);
        g2.setClip(clip);
    }
}
