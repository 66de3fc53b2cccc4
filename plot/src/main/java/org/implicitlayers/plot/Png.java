package org.implicitlayers.plot;

import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.implicitlayers.core.io.AtomicFiles;
import org.jfree.chart.JFreeChart;

/**
 * Charts rendered to images and written as PNG files (atomically: a temporary file, then a rename).
 */
public final class Png {
    private Png() {}

    /** The chart drawn on a white w x h image. */
    public static BufferedImage render(JFreeChart chart, int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        chart.draw(g, new Rectangle2D.Double(0, 0, w, h));
        g.dispose();
        return img;
    }

    /** Writes the chart as a w x h PNG. */
    public static void write(JFreeChart chart, Path file, int w, int h) throws IOException {
        write(render(chart, w, h), file);
    }

    /**
     * Writes a chart whose plot is an {@link EqualAspectPlot} at the size that fits it: the image
     * is cut to the plot's aspect so that no blank band is left beside or below it.
     *
     * @param width image width in pixels before fitting; the height follows from the aspect
     */
    public static void writeFitted(JFreeChart chart, Path file, int width) throws IOException {
        write(renderFitted(chart, width), file);
    }

    /** The image that {@link #writeFitted} writes. */
    public static BufferedImage renderFitted(JFreeChart chart, int width) {
        Dimension d = fittedSize(chart, width);
        return render(chart, d.width, d.height);
    }

    /**
     * The size at which a chart whose plot is an {@link EqualAspectPlot} fills its area, at this
     * width before fitting (the height follows from the aspect; other charts: width x width).
     */
    public static Dimension fittedSize(JFreeChart chart, int width) {
        int w = width;
        if (chart.getPlot() instanceof EqualAspectPlot p) {
            // Lay out with room to spare below, then cut away what the plot gave up to keep the
            // aspect.
            double aspect =
                    p.getRangeAxis().getRange().getLength()
                            / p.getDomainAxis().getRange().getLength();
            int tall = (int) Math.round(Math.min(4, aspect) * w) + 400;
            render(chart, w, tall);
            int w2 = (int) Math.round(w - p.slackWidth()),
                    h2 = (int) Math.round(tall - p.slackHeight());
            return new Dimension(Math.max(200, w2), Math.max(200, h2));
        }
        return new Dimension(w, w);
    }

    /** Images side by side on white, top-aligned. */
    public static BufferedImage sideBySide(List<BufferedImage> images) {
        int w = 0, h = 0;
        for (BufferedImage i : images) {
            w += i.getWidth();
            h = Math.max(h, i.getHeight());
        }
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setColor(java.awt.Color.WHITE);
        g.fillRect(0, 0, w, h);
        int x = 0;
        for (BufferedImage i : images) {
            g.drawImage(i, x, 0, null);
            x += i.getWidth();
        }
        g.dispose();
        return out;
    }

    /**
     * Writes an image as PNG, atomically (a temporary file renamed over the target): a full disk or
     * an interrupt leaves the old file or none, never a truncated one; errors say what, where and
     * why.
     */
    public static void write(BufferedImage img, Path file) throws IOException {
        ImageIO.setUseCache(false);
        AtomicFiles.write(
                file,
                out -> {
                    if (!ImageIO.write(img, "png", out)) {
                        throw new IOException("no PNG writer available");
                    }
                });
    }
}
