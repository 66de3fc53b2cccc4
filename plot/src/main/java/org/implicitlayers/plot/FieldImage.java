package org.implicitlayers.plot;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import org.jfree.chart.annotations.AbstractXYAnnotation;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.PlotRenderingInfo;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;

/**
 * A gridded field drawn as one image, a pixel per grid node, scaled into the data area: no cell
 * borders or seams (which per-cell rectangles show when anti-aliased) and transparent where the
 * field is undefined.
 */
final class FieldImage extends AbstractXYAnnotation {
    private static final long serialVersionUID = 1L;

    private final transient BufferedImage image;
    private final double x0, x1, y0, y1;

    FieldImage(Grid2 g, PaintScale scale) {
        int nx = g.xs().length, ny = g.ys().length;
        image = new BufferedImage(nx, ny, BufferedImage.TYPE_INT_ARGB);
        for (int i = 0; i < nx; i++) {
            for (int j = 0; j < ny; j++) {
                double v = g.values()[i][j];
                int argb =
                        Double.isNaN(v)
                                ? 0
                                : ((java.awt.Color) scale.getPaint(clamp(v, scale))).getRGB();
                image.setRGB(i, ny - 1 - j, argb);
            }
        }
        // Each node's pixel covers the cell centred on it.
        x0 = g.xs()[0] - g.dx() / 2;
        x1 = g.xs()[nx - 1] + g.dx() / 2;
        y0 = g.ys()[0] - g.dy() / 2;
        y1 = g.ys()[ny - 1] + g.dy() / 2;
    }

    private static double clamp(double v, PaintScale s) {
        return Math.max(s.getLowerBound(), Math.min(s.getUpperBound(), v));
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
        double left = xAxis.valueToJava2D(x0, dataArea, plot.getDomainAxisEdge());
        double right = xAxis.valueToJava2D(x1, dataArea, plot.getDomainAxisEdge());
        double top = yAxis.valueToJava2D(y1, dataArea, plot.getRangeAxisEdge());
        double bottom = yAxis.valueToJava2D(y0, dataArea, plot.getRangeAxisEdge());
        Shape clip = g2.getClip();
        Object hint = g2.getRenderingHint(RenderingHints.KEY_INTERPOLATION);
        g2.clip(dataArea);
        g2.setRenderingHint(
                RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g2.drawImage(
                image,
                (int) Math.round(left),
                (int) Math.round(top),
                (int) Math.round(right - left),
                (int) Math.round(bottom - top),
                null);
        g2.setClip(clip);
        if (hint != null) {
            g2.setRenderingHint(RenderingHints.KEY_INTERPOLATION, hint);
        }
    }
}
