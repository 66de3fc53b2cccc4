package org.implicitlayers.plot;

import java.util.Arrays;

/**
 * Values of a scalar field at the nodes of a regular 2-D grid.
 *
 * @param xs node abscissae, increasing and equally spaced, at least 2
 * @param ys node ordinates, increasing and equally spaced, at least 2
 * @param values {@code values[i][j]} is the value at {@code (xs[i], ys[j])}; NaN where the field is
 *     undefined (outside the domain), which figures leave blank
 */
public record Grid2(double[] xs, double[] ys, double[][] values) {
    public Grid2 {
        if (xs.length < 2 || ys.length < 2) {
            throw new IllegalArgumentException(
                    "a grid needs at least 2 x 2 nodes, got " + xs.length + " x " + ys.length);
        }
        if (values.length != xs.length) {
            throw new IllegalArgumentException(
                    "values has "
                            + values.length
                            + " rows, expected one per x node ("
                            + xs.length
                            + ")");
        }
        for (double[] row : values) {
            if (row.length != ys.length) {
                throw new IllegalArgumentException(
                        "a values row has "
                                + row.length
                                + " entries, expected one per y node ("
                                + ys.length
                                + ")");
            }
        }
        if (!(xs[1] > xs[0]) || !(ys[1] > ys[0])) {
            throw new IllegalArgumentException("grid nodes must increase");
        }
    }

    /** Nodes {@code lo + (hi - lo) i / (n - 1)}, i = 0..n-1. */
    public static double[] nodes(double lo, double hi, int n) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + (hi - lo) * i / (n - 1);
        }
        x[n - 1] = hi;
        return x;
    }

    /** The field {@code f} sampled at the nodes of an n x m grid over [x0, x1] x [y0, y1]. */
    public static Grid2 sample(double x0, double x1, int n, double y0, double y1, int m, Field f) {
        double[] xs = nodes(x0, x1, n), ys = nodes(y0, y1, m);
        double[][] v = new double[n][m];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                v[i][j] = f.at(xs[i], ys[j]);
            }
        }
        return new Grid2(xs, ys, v);
    }

    /** A scalar function of the plane. */
    @FunctionalInterface
    public interface Field {
        double at(double x, double y);
    }

    /** The smallest and largest finite value, or {NaN, NaN} when there is none. */
    public double[] finiteRange() {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    lo = Math.min(lo, v);
                    hi = Math.max(hi, v);
                }
            }
        }
        return lo <= hi ? new double[] {lo, hi} : new double[] {Double.NaN, Double.NaN};
    }

    /** The largest finite |value|, 0 when there is none. */
    public double maxAbs() {
        double m = 0;
        for (double[] row : values) {
            for (double v : row) {
                if (Double.isFinite(v)) {
                    m = Math.max(m, Math.abs(v));
                }
            }
        }
        return m;
    }

    /** Spacing between x nodes. */
    public double dx() {
        return (xs[xs.length - 1] - xs[0]) / (xs.length - 1);
    }

    /** Spacing between y nodes. */
    public double dy() {
        return (ys[ys.length - 1] - ys[0]) / (ys.length - 1);
    }

    /** The value at the node nearest to (x, y); NaN outside the grid or where undefined. */
    public double nearest(double x, double y) {
        long i = Math.round((x - xs[0]) / dx()), j = Math.round((y - ys[0]) / dy());
        if (i < 0 || j < 0 || i >= xs.length || j >= ys.length) {
            return Double.NaN;
        }
        return values[(int) i][(int) j];
    }

    /**
     * Bilinear interpolation at (x, y): NaN outside the grid and in cells with an undefined corner
     * (so a probe never reports values invented across a hole).
     */
    public double interpolate(double x, double y) {
        double fx = (x - xs[0]) / dx(), fy = (y - ys[0]) / dy();
        int nx = xs.length, ny = ys.length;
        if (!(fx >= 0 && fy >= 0 && fx <= nx - 1 && fy <= ny - 1)) {
            return Double.NaN;
        }
        int i = Math.min((int) fx, nx - 2), j = Math.min((int) fy, ny - 2);
        double s = fx - i, t = fy - j;
        return (1 - s) * ((1 - t) * values[i][j] + t * values[i][j + 1])
                + s * ((1 - t) * values[i + 1][j] + t * values[i + 1][j + 1]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Grid2 g
                && Arrays.equals(xs, g.xs)
                && Arrays.equals(ys, g.ys)
                && Arrays.deepEquals(values, g.values);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(xs) + Arrays.hashCode(ys)) + Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return "Grid2["
                + xs.length
                + " x "
                + ys.length
                + " over ["
                + xs[0]
                + ", "
                + xs[xs.length - 1]
                + "] x ["
                + ys[0]
                + ", "
                + ys[ys.length - 1]
                + "]]";
    }
}
