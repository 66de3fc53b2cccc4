package org.implicitlayers.plot;

import java.util.ArrayList;
import java.util.List;

/**
 * Contour lines by marching squares: the level set of a gridded field (crossings placed by linear
 * interpolation along cell edges), or the boundary of a region given only by a membership test
 * (crossings placed by bisection along cell edges, so the outline is exact to about 1e-4 of a cell
 * whatever the grid).
 *
 * <p>Lines come back as segments {@code {x0, y0, x1, y1}}, which is all that drawing needs. Saddle
 * cells are resolved with the value at the cell centre.
 */
public final class Contours {
    private Contours() {}

    /** A region of the plane given by its membership test. */
    @FunctionalInterface
    public interface Region {
        boolean contains(double x, double y);
    }

    /** Where a contour crosses the edge between grid nodes (i0, j0) and (i1, j1). */
    @FunctionalInterface
    private interface EdgeCrossing {
        double[] between(int i0, int j0, int i1, int j1);
    }

    /** Segments of the level set {@code field = level}; cells with a NaN corner are skipped. */
    public static List<double[]> of(Grid2 g, double level) {
        double[] xs = g.xs(), ys = g.ys();
        double[][] v = g.values();
        boolean[][] above = new boolean[xs.length][ys.length];
        for (int i = 0; i < xs.length; i++) {
            for (int j = 0; j < ys.length; j++) {
                above[i][j] = v[i][j] > level;
            }
        }
        return march(
                g,
                level,
                above,
                (i0, j0, i1, j1) -> {
                    double a = v[i0][j0] - level, b = v[i1][j1] - level, t = a / (a - b);
                    return new double[] {
                        xs[i0] + t * (xs[i1] - xs[i0]), ys[j0] + t * (ys[j1] - ys[j0])
                    };
                });
    }

    /**
     * Segments of the boundary of {@code region} inside [x0, x1] x [y0, y1], found on an n x n
     * grid. Give a window a little larger than the region so that its outline closes.
     */
    public static List<double[]> outline(
            Region region, double x0, double x1, double y0, double y1, int n) {
        double[] xs = Grid2.nodes(x0, x1, n), ys = Grid2.nodes(y0, y1, n);
        boolean[][] in = new boolean[n][n];
        double[][] mask = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                in[i][j] = region.contains(xs[i], ys[j]);
                mask[i][j] = in[i][j] ? 1 : 0;
            }
        }
        return march(
                new Grid2(xs, ys, mask),
                0.5,
                in,
                (i0, j0, i1, j1) -> {
                    // Bisect the edge: 20 halvings leave an error of 1e-6 of a cell.
                    double ax = xs[i0], ay = ys[j0], bx = xs[i1], by = ys[j1];
                    boolean aIn = in[i0][j0];
                    for (int k = 0; k < 20; k++) {
                        double mx = 0.5 * (ax + bx), my = 0.5 * (ay + by);
                        if (region.contains(mx, my) == aIn) {
                            ax = mx;
                            ay = my;
                        } else {
                            bx = mx;
                            by = my;
                        }
                    }
                    return new double[] {0.5 * (ax + bx), 0.5 * (ay + by)};
                });
    }

    /**
     * The outline of {@code region} around a grid: traced over the grid's extent plus two cells on
     * each side, at twice the grid's resolution.
     */
    public static List<double[]> outlineAround(Region region, Grid2 g) {
        double[] xs = g.xs(), ys = g.ys();
        double px = 2 * g.dx(), py = 2 * g.dy();
        int n = 2 * Math.max(xs.length, ys.length);
        return outline(
                region, xs[0] - px, xs[xs.length - 1] + px, ys[0] - py, ys[ys.length - 1] + py, n);
    }

    private static List<double[]> march(
            Grid2 g, double level, boolean[][] above, EdgeCrossing cross) {
        double[][] v = g.values();
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i + 1 < g.xs().length; i++) {
            for (int j = 0; j + 1 < g.ys().length; j++) {
                double va = v[i][j], vb = v[i + 1][j], vc = v[i + 1][j + 1], vd = v[i][j + 1];
                if (Double.isNaN(va) || Double.isNaN(vb) || Double.isNaN(vc) || Double.isNaN(vd)) {
                    continue;
                }
                boolean a = above[i][j],
                        b = above[i + 1][j],
                        c = above[i + 1][j + 1],
                        d = above[i][j + 1];
                // Edges: 0 = a-b (bottom), 1 = b-c (right), 2 = d-c (top), 3 = a-d (left).
                double[][] p = new double[4][];
                int n = 0;
                if (a != b) {
                    p[0] = cross.between(i, j, i + 1, j);
                    n++;
                }
                if (b != c) {
                    p[1] = cross.between(i + 1, j, i + 1, j + 1);
                    n++;
                }
                if (d != c) {
                    p[2] = cross.between(i, j + 1, i + 1, j + 1);
                    n++;
                }
                if (a != d) {
                    p[3] = cross.between(i, j, i, j + 1);
                    n++;
                }
                if (n == 2) {
                    double[] s = null;
                    for (double[] q : p) {
                        if (q != null) {
                            if (s == null) {
                                s = q;
                            } else {
                                out.add(new double[] {s[0], s[1], q[0], q[1]});
                            }
                        }
                    }
                } else if (n == 4) {
                    // Saddle (a and c on one side, b and d on the other): if the centre is on a's
                    // side, a and c
                    // connect through it and the lines cut off the corners b and d.
                    boolean centre = 0.25 * (va + vb + vc + vd) > level;
                    if (centre == a) {
                        out.add(new double[] {p[0][0], p[0][1], p[1][0], p[1][1]});
                        out.add(new double[] {p[2][0], p[2][1], p[3][0], p[3][1]});
                    } else {
                        out.add(new double[] {p[0][0], p[0][1], p[3][0], p[3][1]});
                        out.add(new double[] {p[1][0], p[1][1], p[2][0], p[2][1]});
                    }
                }
            }
        }
        return out;
    }
}
