package org.implicitlayers.ode.fit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A multivariate time series read from CSV: columns t, y1, ..., yn, one row per observation, times
 * strictly increasing; a header row of names is optional. Errors name the file, the line and the
 * column.
 *
 * @param t observation times [rows]
 * @param y observations [rows][n]
 * @param names the column names of y (y1..yn when the file has no header)
 */
public record TimeSeries(double[] t, double[][] y, List<String> names) {
    public int rows() {
        return t.length;
    }

    public int dim() {
        return y[0].length;
    }

    public static TimeSeries readCsv(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(
                    file + ": is a folder; expected a CSV time series (t, y1, y2, ... per row)");
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw e;
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(
                    file + ": not UTF-8 text; expected a CSV time series (t, y1, y2, ... per row)",
                    e);
        } catch (IOException e) {
            throw new IOException(
                    file + ": cannot read: " + org.implicitlayers.core.io.AtomicFiles.reason(e), e);
        }
        List<double[]> rows = new ArrayList<>();
        List<String> names = null;
        int width = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cells = line.split("\\s*,\\s*");
            if (width < 0) {
                width = cells.length;
                if (width < 2) {
                    throw new IOException(
                            file
                                    + ":"
                                    + (i + 1)
                                    + ": expected at least two columns (t, y1, ...), found "
                                    + width);
                }
                if (!isNumber(cells[0])) {
                    names = List.of(cells).subList(1, cells.length);
                    continue;
                }
            }
            if (cells.length != width) {
                throw new IOException(
                        file
                                + ":"
                                + (i + 1)
                                + ": expected "
                                + width
                                + " columns like the first row, found "
                                + cells.length);
            }
            double[] r = new double[width];
            for (int c = 0; c < width; c++) {
                try {
                    r[c] = Double.parseDouble(cells[c]);
                } catch (NumberFormatException e) {
                    throw new IOException(
                            file
                                    + ":"
                                    + (i + 1)
                                    + ": column "
                                    + (c + 1)
                                    + " is '"
                                    + cells[c]
                                    + "', expected a number");
                }
                if (!Double.isFinite(r[c])) {
                    throw new IOException(
                            file
                                    + ":"
                                    + (i + 1)
                                    + ": column "
                                    + (c + 1)
                                    + " is "
                                    + cells[c]
                                    + ", expected a finite number");
                }
            }
            if (!rows.isEmpty() && !(r[0] > rows.get(rows.size() - 1)[0])) {
                throw new IOException(
                        file
                                + ":"
                                + (i + 1)
                                + ": time "
                                + r[0]
                                + " does not increase (previous "
                                + rows.get(rows.size() - 1)[0]
                                + ")");
            }
            rows.add(r);
        }
        if (rows.size() < 3) {
            throw new IOException(
                    file
                            + ": expected at least 3 observations (rows of t, y1, ...), found "
                            + rows.size());
        }
        int n = rows.size();
        double[] t = new double[n];
        double[][] y = new double[n][width - 1];
        for (int i = 0; i < n; i++) {
            t[i] = rows.get(i)[0];
            System.arraycopy(rows.get(i), 1, y[i], 0, width - 1);
        }
        if (names == null) {
            List<String> gen = new ArrayList<>();
            for (int c = 1; c < width; c++) {
                gen.add("y" + c);
            }
            names = gen;
        }
        return new TimeSeries(t, y, List.copyOf(names));
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
