package org.implicitlayers.sdf.mesh;

/**
 * Samples of a scalar field on a regular grid: {@code n[0] x n[1] x n[2]} points, point (i, j, k)
 * at {@code origin + (i, j, k) * spacing}, stored in C order with k fastest (NumPy's {@code
 * values.reshape(nx, ny, nz)}). A value of NaN marks a point that was not evaluated (see {@link
 * GridSampler}); cells touching one are treated as empty.
 *
 * @param nx points along x (&gt;= 2)
 * @param ny points along y
 * @param nz points along z
 * @param origin coordinates of point (0, 0, 0)
 * @param spacing distance between neighbouring points, per axis
 * @param values nx ny nz values
 */
public record ScalarGrid(
        int nx, int ny, int nz, double[] origin, double[] spacing, float[] values) {
    public ScalarGrid {
        if (nx < 2 || ny < 2 || nz < 2) {
            throw new IllegalArgumentException(
                    "ScalarGrid: at least 2 points per axis, got " + nx + " x " + ny + " x " + nz);
        }
        if ((long) nx * ny * nz != values.length) {
            throw new IllegalArgumentException(
                    "ScalarGrid: " + values.length + " values for " + nx + " x " + ny + " x " + nz);
        }
        if (origin.length != 3 || spacing.length != 3) {
            throw new IllegalArgumentException("ScalarGrid: origin and spacing need 3 entries");
        }
    }

    /** A cube grid of n^3 points over [lo, hi]^3, endpoints included (NumPy's linspace). */
    public static ScalarGrid cube(int n, double lo, double hi, float[] values) {
        double h = (hi - lo) / (n - 1);
        return new ScalarGrid(n, n, n, new double[] {lo, lo, lo}, new double[] {h, h, h}, values);
    }

    /**
     * The same samples on the grid mapped by x -> origin + x * lengthScale (per axis, each
     * coordinate of the old grid), with values multiplied by {@code lengthScale}: a signed distance
     * field sampled in normalised units, expressed in the input's units.
     */
    public ScalarGrid rescaled(double[] newOrigin, double lengthScale) {
        float[] v = new float[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (values[i] * lengthScale);
        }
        return new ScalarGrid(
                nx,
                ny,
                nz,
                newOrigin.clone(),
                new double[] {
                    spacing[0] * lengthScale, spacing[1] * lengthScale, spacing[2] * lengthScale
                },
                v);
    }

    public int index(int i, int j, int k) {
        return (i * ny + j) * nz + k;
    }

    public float value(int i, int j, int k) {
        return values[index(i, j, k)];
    }

    /** Coordinate {@code axis} of grid index {@code i} along that axis. */
    public double coord(int axis, int i) {
        return origin[axis] + i * spacing[axis];
    }
}
