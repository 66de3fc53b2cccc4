package org.implicitlayers.plot;

import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2D;
import de.rototor.pdfbox.graphics2d.PdfBoxGraphics2DFontTextDrawerDefaultFonts;
import java.awt.Color;
import java.awt.Dimension;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.batik.dom.GenericDOMImplementation;
import org.apache.batik.svggen.SVGGraphics2D;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.implicitlayers.core.io.AtomicFiles;
import org.jfree.chart.JFreeChart;

/**
 * How the figures of a run are written: the format (PNG, SVG or PDF), the size and, for PNG, the
 * resolution. Each figure has a default size in points (1/72 inch), the size its layout was made
 * for; {@code width} x {@code height} overrides it. A PNG is that size times {@code dpi / 72} in
 * pixels (the layout is the same at every dpi, only sharper); SVG and PDF are vector graphics of
 * that size in points, and ignore the dpi. Files are written atomically (a temporary file, then a
 * rename), like every other output.
 *
 * @param format the file format (default PNG)
 * @param width figure width in points, 0 for each figure's default
 * @param height figure height in points, 0 for each figure's default (maps of space keep their
 *     equal aspect: their height follows from the width)
 * @param dpi PNG resolution in dots per inch, 72 (the default) gives one pixel per point; 10 to
 *     1200
 */
public record Figures(FigureFormat format, int width, int height, double dpi) {
    public Figures {
        if (format == null) {
            throw new IllegalArgumentException("figure format: expected png, svg or pdf, got none");
        }
        if (width < 0
                || height < 0
                || width > 20_000
                || height > 20_000
                || (width == 0) != (height == 0)) {
            throw new IllegalArgumentException(
                    "figure size: expected WxH with W and H in 1..20000 points, got "
                            + width
                            + "x"
                            + height);
        }
        if (!(dpi >= 10 && dpi <= 1200)) {
            throw new IllegalArgumentException("dpi: expected a number in 10..1200, got " + dpi);
        }
    }

    /** PNG at each figure's default size, 72 dpi (one pixel per point). */
    public static Figures defaults() {
        return new Figures(FigureFormat.PNG, 0, 0, 72);
    }

    public Figures withFormat(FigureFormat f) {
        return new Figures(f, width, height, dpi);
    }

    public Figures withSize(int w, int h) {
        return new Figures(format, w, h, dpi);
    }

    public Figures withDpi(double d) {
        return new Figures(format, width, height, d);
    }

    /**
     * Reads a size "WxH" (points, e.g. "640x480").
     *
     * @param option the option or field, for the message
     * @return {width, height}
     */
    public static int[] parseSize(String option, String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        String[] p = v.split("x");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0].strip()), h = Integer.parseInt(p[1].strip());
                if (w >= 1 && h >= 1 && w <= 20_000 && h <= 20_000) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException(
                option
                        + ": expected WxH in points, whole numbers 1..20000 (e.g. 640x480), got '"
                        + value
                        + "'");
    }

    /** The file name of the figure {@code base} ("solution" gives "solution.svg"). */
    public String fileName(String base) {
        return format.fileName(base);
    }

    /**
     * Writes {@code chart} at this size, else {@code defaultWidth} x {@code defaultHeight} points.
     */
    public void write(JFreeChart chart, Path file, int defaultWidth, int defaultHeight)
            throws IOException {
        int w = width > 0 ? width : defaultWidth, h = height > 0 ? height : defaultHeight;
        draw(chart, file, w, h);
    }

    /**
     * Writes a chart whose plot is an {@link EqualAspectPlot} at the size that fits it (no blank
     * band beside or below the plot, see {@link Png#writeFitted}): this width, else {@code
     * defaultWidth} points; the height follows.
     */
    public void writeFitted(JFreeChart chart, Path file, int defaultWidth) throws IOException {
        Dimension d = Png.fittedSize(chart, width > 0 ? width : defaultWidth);
        draw(chart, file, d.width, d.height);
    }

    /**
     * Writes charts side by side, top-aligned, as one figure: chart i at {@code sizes[i]} = {width,
     * height} points (scaled together when this figure's width is set: the widths then add up to
     * it).
     */
    public void writeRow(List<JFreeChart> charts, int[][] sizes, Path file) throws IOException {
        int w = 0, h = 0;
        for (int[] s : sizes) {
            w += s[0];
            h = Math.max(h, s[1]);
        }
        double k = width > 0 ? (double) width / w : 1;
        int[][] sz = new int[sizes.length][];
        for (int i = 0; i < sizes.length; i++) {
            sz[i] =
                    new int[] {
                        (int) Math.round(sizes[i][0] * k), (int) Math.round(sizes[i][1] * k)
                    };
        }
        int tw = 0, th = 0;
        for (int[] s : sz) {
            tw += s[0];
            th = Math.max(th, s[1]);
        }
        int fw = tw, fh = th;
        paint(
                file,
                tw,
                th,
                g -> {
                    g.setColor(Color.WHITE);
                    g.fill(new Rectangle2D.Double(0, 0, fw, fh));
                    int x = 0;
                    for (int i = 0; i < charts.size(); i++) {
                        charts.get(i).draw(g, new Rectangle2D.Double(x, 0, sz[i][0], sz[i][1]));
                        x += sz[i][0];
                    }
                });
    }

    /**
     * Writes a raster image (a rendering, not a chart) in this format, at its size in pixels taken
     * as points: embedded as an image in SVG and PDF; the dpi does not apply.
     */
    public void writeImage(BufferedImage image, Path file) throws IOException {
        if (format == FigureFormat.PNG) {
            Png.write(image, file);
            return;
        }
        paint(file, image.getWidth(), image.getHeight(), g -> g.drawImage(image, 0, 0, null));
    }

    private void draw(JFreeChart chart, Path file, int w, int h) throws IOException {
        paint(file, w, h, g -> chart.draw(g, new Rectangle2D.Double(0, 0, w, h)));
    }

    /** Paints a w x h points figure into {@code file} in this format. */
    private void paint(Path file, int w, int h, Consumer<Graphics2D> painter) throws IOException {
        switch (format) {
            case PNG -> Png.write(raster(w, h, painter), file);
            case SVG -> {
                org.w3c.dom.Document doc =
                        GenericDOMImplementation.getDOMImplementation()
                                .createDocument("http://www.w3.org/2000/svg", "svg", null);
                SVGGraphics2D g = new SVGGraphics2D(doc);
                g.setSVGCanvasSize(new java.awt.Dimension(w, h));
                try {
                    painter.accept(g);
                    // Text as SVG text (searchable, editable), not outlines; the element without a
                    // DOCTYPE, so
                    // that a reader fetches no DTD from the network.
                    AtomicFiles.write(
                            file,
                            out -> {
                                java.io.Writer writer =
                                        new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8);
                                g.stream(writer, true);
                                writer.flush();
                            });
                } finally {
                    g.dispose();
                }
            }
            case PDF ->
                    AtomicFiles.write(
                            file,
                            out -> {
                                try (PDDocument doc = new PDDocument()) {
                                    PDPage page = new PDPage(new PDRectangle(w, h));
                                    doc.addPage(page);
                                    PdfBoxGraphics2D g = new PdfBoxGraphics2D(doc, w, h);
                                    // Text as text in the standard PDF fonts (searchable,
                                    // selectable; shapes only where they lack a glyph).
                                    g.setFontTextDrawer(
                                            new PdfBoxGraphics2DFontTextDrawerDefaultFonts());
                                    try {
                                        painter.accept(g);
                                    } finally {
                                        g.dispose();
                                    }
                                    try (PDPageContentStream cs =
                                            new PDPageContentStream(doc, page)) {
                                        cs.drawForm(g.getXFormObject());
                                    }
                                    doc.save(out);
                                }
                            });
        }
    }

    /** A w x h points figure as a PNG image at this dpi, on white. */
    private BufferedImage raster(int w, int h, Consumer<Graphics2D> painter) {
        double k = dpi / 72;
        BufferedImage img =
                new BufferedImage(
                        (int) Math.round(w * k),
                        (int) Math.round(h * k),
                        BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(
                RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        g.scale(k, k);
        painter.accept(g);
        g.dispose();
        return img;
    }
}
