package org.implicitlayers.plot;

import java.util.Locale;

/** The file format of a figure: a raster image (PNG) or vector graphics for papers (SVG, PDF). */
public enum FigureFormat {
    /** PNG, rendered at the figure's size times dpi / 72. */
    PNG,
    /** SVG 1.1 (Apache Batik), vector; the size is in points. */
    SVG,
    /**
     * PDF, one page of the figure's size in points, vector (Apache PDFBox with its Graphics2D
     * bridge).
     */
    PDF;

    /** The file name extension, without the dot: "png", "svg" or "pdf". */
    public String extension() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code base} with this format's extension ("solution" gives "solution.svg"). */
    public String fileName(String base) {
        return base + "." + extension();
    }

    /**
     * The format named {@code value} (any case).
     *
     * @param option what is being read, for the message (an option or a field)
     * @throws IllegalArgumentException naming {@code option} and the formats
     */
    public static FigureFormat parse(String option, String value) {
        for (FigureFormat f : values()) {
            if (f.extension().equalsIgnoreCase(value == null ? "" : value.strip())) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                option + ": expected png, svg or pdf, got '" + value + "'");
    }

    @Override
    public String toString() {
        return extension();
    }
}
