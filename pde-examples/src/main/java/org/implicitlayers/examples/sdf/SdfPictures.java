package org.implicitlayers.examples.sdf;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.implicitlayers.plot.Figures;
import org.implicitlayers.sdf.render.Slices;

/**
 * PNG pictures of signed distance fields: three slices with the zero contour, and shaded renders.
 */
public final class SdfPictures {
    private static final String[] AXIS = {"x", "y", "z"};

    private SdfPictures() {}

    /** A rendered image (ARGB, row-major) as PNG. */
    public static void writeImage(Figures figures, int[] argb, int width, int height, Path png)
            throws IOException {
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_ARGB);
        img.setRGB(0, 0, width, height, argb, 0, width);
        figures.writeImage(img, png);
    }

    /**
     * Diverging map: blue (negative, inside) through white to red (positive), symmetric about 0 at
     * +-range.
     */
    static Color colour(double v, double range) {
        double s = Math.max(-1, Math.min(1, v / range));
        double a = Math.abs(s);
        int hi = 255, lo = (int) Math.round(255 * (1 - a));
        int mid = (int) Math.round(255 * (1 - 0.6 * a));
        return s < 0 ? new Color(lo, mid, hi) : new Color(hi, mid, lo);
    }

    /**
     * Three slices side by side, each with equal aspect, ticks and labels in the field's units, the
     * zero contour in black, and one shared colour bar of the signed distance.
     */
    public static void writeSlices(Figures figures, Slices[] slices, String title, Path png)
            throws IOException {
        int panel = 300, margin = 60, top = 50, bar = 90;
        int w = slices.length * (panel + margin) + margin + bar, h = top + panel + 70;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, margin, 24);
        double range = 0;
        for (Slices s : slices) {
            for (double[] row : s.values()) {
                for (double v : row) {
                    if (Double.isFinite(v)) {
                        range = Math.max(range, Math.abs(v));
                    }
                }
            }
        }
        range = range > 0 ? range : 1;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        for (int p = 0; p < slices.length; p++) {
            Slices s = slices[p];
            int x0 = margin + p * (panel + margin), y0 = top;
            double ur = s.us()[s.us().length - 1] - s.us()[0],
                    vr = s.vs()[s.vs().length - 1] - s.vs()[0];
            double scale = panel / Math.max(ur, vr); // equal aspect
            int pw = (int) Math.round(ur * scale), ph = (int) Math.round(vr * scale);
            int n = s.us().length, m = s.vs().length;
            for (int px = 0; px < pw; px++) {
                for (int py = 0; py < ph; py++) {
                    int i = Math.min(n - 1, (int) ((px + 0.5) / pw * n)),
                            j = Math.min(m - 1, (int) ((ph - py - 0.5) / ph * m));
                    img.setRGB(x0 + px, y0 + py, colour(s.values()[i][j], range).getRGB());
                }
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.6f));
            double[] c = s.contour();
            for (int k = 0; k < c.length; k += 4) {
                g.draw(
                        new Line2D.Double(
                                x0 + (c[k] - s.us()[0]) * scale,
                                y0 + ph - (c[k + 1] - s.vs()[0]) * scale,
                                x0 + (c[k + 2] - s.us()[0]) * scale,
                                y0 + ph - (c[k + 3] - s.vs()[0]) * scale));
            }
            g.setStroke(new BasicStroke(1f));
            g.drawRect(x0, y0, pw, ph);
            int[] pa = Slices.planeAxes(s.axis());
            ticks(g, x0, y0 + ph, pw, s.us()[0], s.us()[n - 1], true);
            ticks(g, x0, y0 + ph, ph, s.vs()[0], s.vs()[m - 1], false);
            FontMetrics fm = g.getFontMetrics();
            g.drawString(AXIS[pa[0]], x0 + pw / 2 - fm.stringWidth(AXIS[pa[0]]) / 2, y0 + ph + 36);
            AffineTransform at = g.getTransform();
            g.rotate(-Math.PI / 2, x0 - 40, y0 + ph / 2.0);
            g.drawString(AXIS[pa[1]], x0 - 40, y0 + ph / 2);
            g.setTransform(at);
            g.drawString(
                    AXIS[pa[0]]
                            + "-"
                            + AXIS[pa[1]]
                            + " plane, "
                            + AXIS[s.axis()]
                            + " = "
                            + fmt(s.offset()),
                    x0,
                    y0 - 6);
        }
        // Colour bar.
        int bx = w - bar + 10, by = top, bh = panel;
        for (int y = 0; y < bh; y++) {
            g.setColor(colour(range * (1 - 2.0 * y / (bh - 1)), range));
            g.fillRect(bx, by + y, 18, 1);
        }
        g.setColor(Color.BLACK);
        g.drawRect(bx, by, 18, bh);
        for (int k = 0; k <= 4; k++) {
            double v = range * (1 - k / 2.0);
            int y = by + (int) Math.round(k * (bh - 1) / 4.0);
            g.drawLine(bx + 18, y, bx + 22, y);
            g.drawString(fmt(v), bx + 25, y + 4);
        }
        g.drawString("f", bx + 4, by - 8);
        g.dispose();
        figures.writeImage(img, png);
    }

    private static void ticks(
            Graphics2D g, int x0, int yBase, int len, double lo, double hi, boolean horizontal) {
        double step = niceStep((hi - lo) / 5);
        FontMetrics fm = g.getFontMetrics();
        for (double v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) {
            double f = (v - lo) / (hi - lo);
            String s = fmt(Math.abs(v) < 1e-12 * step ? 0 : v);
            if (horizontal) {
                int x = x0 + (int) Math.round(f * len);
                g.drawLine(x, yBase, x, yBase + 4);
                g.drawString(s, x - fm.stringWidth(s) / 2, yBase + 17);
            } else {
                int y = yBase - (int) Math.round(f * len);
                g.drawLine(x0 - 4, y, x0, y);
                g.drawString(s, x0 - 6 - fm.stringWidth(s), y + 4);
            }
        }
    }

    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / p;
        return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
    }

    private static String fmt(double v) {
        String s = String.format(Locale.ROOT, "%.3g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }
}
