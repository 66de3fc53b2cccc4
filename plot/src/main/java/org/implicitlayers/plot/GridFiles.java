package org.implicitlayers.plot;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import org.implicitlayers.core.io.AtomicFiles;

/**
 * Fields on a regular 2-D grid written atomically for ParaView (legacy VTK structured points) and
 * as CSV, for the command-line tool and the GUI alike.
 */
public final class GridFiles {
    private GridFiles() {}

    /**
     * @param fields names and values[i][j] at (xs[i], ys[j]); NaN outside the domain
     */
    public static void writeVtk(
            Path file, String title, double[] xs, double[] ys, String[] names, double[][][] fields)
            throws IOException {
        AtomicFiles.write(
                file,
                out -> {
                    BufferedWriter w =
                            new BufferedWriter(
                                    new OutputStreamWriter(out, StandardCharsets.US_ASCII));
                    w.write("# vtk DataFile Version 3.0\n");
                    w.write(vtkTitle(title) + "\n");
                    w.write("ASCII\nDATASET STRUCTURED_POINTS\n");
                    w.write(
                            String.format(
                                    Locale.ROOT, "DIMENSIONS %d %d 1%n", xs.length, ys.length));
                    w.write(String.format(Locale.ROOT, "ORIGIN %.17g %.17g 0%n", xs[0], ys[0]));
                    w.write(
                            String.format(
                                    Locale.ROOT,
                                    "SPACING %.17g %.17g 1%n",
                                    xs[1] - xs[0],
                                    ys[1] - ys[0]));
                    w.write(String.format(Locale.ROOT, "POINT_DATA %d%n", xs.length * ys.length));
                    for (int f = 0; f < names.length; f++) {
                        w.write("SCALARS " + names[f] + " double 1\nLOOKUP_TABLE default\n");
                        // VTK orders points with x fastest.
                        for (int j = 0; j < ys.length; j++) {
                            for (int i = 0; i < xs.length; i++) {
                                double v = fields[f][i][j];
                                w.write(
                                        Double.isFinite(v)
                                                ? String.format(Locale.ROOT, "%.9g", v)
                                                : "nan");
                                w.write('\n');
                            }
                        }
                    }
                    w.flush();
                });
    }

    /**
     * A 3-D regular grid as legacy VTK structured points (ParaView's "image data").
     *
     * @param fields names and values[i][j][k] at (xs[i], ys[j], zs[k]); NaN outside the domain
     */
    public static void writeVtk(
            Path file,
            String title,
            double[] xs,
            double[] ys,
            double[] zs,
            String[] names,
            double[][][][] fields)
            throws IOException {
        AtomicFiles.write(
                file,
                out -> {
                    BufferedWriter w =
                            new BufferedWriter(
                                    new OutputStreamWriter(out, StandardCharsets.US_ASCII));
                    w.write("# vtk DataFile Version 3.0\n");
                    w.write(vtkTitle(title) + "\n");
                    w.write("ASCII\nDATASET STRUCTURED_POINTS\n");
                    w.write(
                            String.format(
                                    Locale.ROOT,
                                    "DIMENSIONS %d %d %d%n",
                                    xs.length,
                                    ys.length,
                                    zs.length));
                    w.write(
                            String.format(
                                    Locale.ROOT,
                                    "ORIGIN %.17g %.17g %.17g%n",
                                    xs[0],
                                    ys[0],
                                    zs[0]));
                    w.write(
                            String.format(
                                    Locale.ROOT,
                                    "SPACING %.17g %.17g %.17g%n",
                                    xs[1] - xs[0],
                                    ys[1] - ys[0],
                                    zs[1] - zs[0]));
                    w.write(
                            String.format(
                                    Locale.ROOT,
                                    "POINT_DATA %d%n",
                                    xs.length * ys.length * zs.length));
                    for (int f = 0; f < names.length; f++) {
                        w.write("SCALARS " + names[f] + " double 1\nLOOKUP_TABLE default\n");
                        for (int k = 0; k < zs.length; k++) {
                            for (int j = 0; j < ys.length; j++) {
                                for (int i = 0; i < xs.length; i++) {
                                    double v = fields[f][i][j][k];
                                    w.write(
                                            Double.isFinite(v)
                                                    ? String.format(Locale.ROOT, "%.9g", v)
                                                    : "nan");
                                    w.write('\n');
                                }
                            }
                        }
                    }
                    w.flush();
                });
    }

    /**
     * Scattered points: one row per point, its coordinates (named {@code coords}), then the fields.
     *
     * @param points [n][d]
     * @param fields [f][n]
     */
    public static void writePointsCsv(
            Path file, String[] coords, double[][] points, String[] names, double[][] fields)
            throws IOException {
        AtomicFiles.write(
                file,
                out -> {
                    BufferedWriter w =
                            new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                    w.write(String.join(",", coords) + "," + String.join(",", names) + "\n");
                    for (int i = 0; i < points.length; i++) {
                        StringBuilder sb = new StringBuilder();
                        for (int c = 0; c < points[i].length; c++) {
                            sb.append(c == 0 ? "" : ",")
                                    .append(String.format(Locale.ROOT, "%.9g", points[i][c]));
                        }
                        for (double[] f : fields) {
                            sb.append(',').append(String.format(Locale.ROOT, "%.9g", f[i]));
                        }
                        w.write(sb.append('\n').toString());
                    }
                    w.flush();
                });
    }

    /**
     * The title line of a legacy VTK file: ASCII, one line, at most 256 characters (the format's
     * limits); other characters become '?', so that any problem name can be written.
     */
    static String vtkTitle(String title) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < title.length() && b.length() < 255; i++) {
            char c = title.charAt(i);
            b.append(c >= 32 && c < 127 ? c : c == '\t' ? ' ' : '?');
        }
        return b.toString();
    }

    /** One row per grid point inside the domain: x, y, then the fields. */
    public static void writeCsv(
            Path file, double[] xs, double[] ys, String[] names, double[][][] fields)
            throws IOException {
        AtomicFiles.write(
                file,
                out -> {
                    BufferedWriter w =
                            new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
                    w.write("x,y," + String.join(",", names) + "\n");
                    for (int i = 0; i < xs.length; i++) {
                        for (int j = 0; j < ys.length; j++) {
                            if (!Double.isFinite(fields[0][i][j])) {
                                continue;
                            }
                            StringBuilder sb =
                                    new StringBuilder(
                                            String.format(Locale.ROOT, "%.9g,%.9g", xs[i], ys[j]));
                            for (double[][] f : fields) {
                                sb.append(',').append(String.format(Locale.ROOT, "%.9g", f[i][j]));
                            }
                            w.write(sb.append('\n').toString());
                        }
                    }
                    w.flush();
                });
    }
}
