package org.implicitlayers.sdf.mesh;

/**
 * The level set of a 2-D grid as line segments (marching squares), with the same asymptotic decider
 * as {@link MarchingCubes} for saddle cells, so contours are closed curves wherever the level set
 * does not leave the grid.
 */
public final class MarchingSquares {
    private MarchingSquares() {}

    /**
     * Segments of {@code values = level}.
     *
     * @param values values[i][j] at (xs[i], ys[j]); NaN cells are skipped
     * @return [4 m] segment end points x0 y0 x1 y1
     */
    public static double[] contour(double[][] values, double[] xs, double[] ys, double level) {
        java.util.List<double[]> segs = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < xs.length; i++) {
            for (int j = 0; j + 1 < ys.length; j++) {
                // Corners counter-clockwise: (i,j), (i+1,j), (i+1,j+1), (i,j+1).
                double[] w = {
                    values[i][j] - level,
                    values[i + 1][j] - level,
                    values[i + 1][j + 1] - level,
                    values[i][j + 1] - level
                };
                double[][] p = {
                    {xs[i], ys[j]}, {xs[i + 1], ys[j]}, {xs[i + 1], ys[j + 1]}, {xs[i], ys[j + 1]}
                };
                boolean skip = false;
                int inside = 0;
                for (double x : w) {
                    skip |= Double.isNaN(x);
                    inside += x < 0 ? 1 : 0;
                }
                if (skip || inside == 0 || inside == 4) {
                    continue;
                }
                double[][] cross = new double[4][];
                int[] at = new int[4];
                int m = 0;
                for (int s = 0; s < 4; s++) {
                    int a = s, b = (s + 1) & 3;
                    if ((w[a] < 0) != (w[b] < 0)) {
                        double t = w[a] / (w[a] - w[b]);
                        cross[m] =
                                new double[] {
                                    p[a][0] + t * (p[b][0] - p[a][0]),
                                    p[a][1] + t * (p[b][1] - p[a][1])
                                };
                        at[m++] = s;
                    }
                }
                if (m == 2) {
                    segs.add(new double[] {cross[0][0], cross[0][1], cross[1][0], cross[1][1]});
                } else {
                    boolean joined =
                            (w[0] < 0 ? w[0] * w[2] : w[1] * w[3])
                                    > (w[0] < 0 ? w[1] * w[3] : w[0] * w[2]);
                    // Crossings on sides 0..3 in order; negative corners joined: pair each side
                    // with
                    // the next across a positive corner, else around a negative one.
                    boolean firstNegative = w[0] < 0;
                    int shift = joined == firstNegative ? 0 : 1;
                    for (int k = 0; k < 2; k++) {
                        double[] a = cross[(2 * k + shift) & 3], b = cross[(2 * k + shift + 1) & 3];
                        segs.add(new double[] {a[0], a[1], b[0], b[1]});
                    }
                }
            }
        }
        double[] out = new double[4 * segs.size()];
        for (int s = 0; s < segs.size(); s++) {
            System.arraycopy(segs.get(s), 0, out, 4 * s, 4);
        }
        return out;
    }
}
