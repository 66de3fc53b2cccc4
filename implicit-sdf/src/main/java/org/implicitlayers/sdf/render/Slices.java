package org.implicitlayers.sdf.render;

import org.implicitlayers.sdf.mesh.MarchingSquares;
import org.implicitlayers.sdf.mesh.ScalarField;

/**
 * Axis-aligned slices of a field for pictures: values on an n x n grid of a plane through {@code
 * centre} normal to an axis, and its zero contour.
 *
 * @param axis the normal axis: 0 (plane y-z), 1 (plane x-z), 2 (plane x-y)
 * @param offset the plane's coordinate along that axis
 * @param us coordinates along the first in-plane axis
 * @param vs coordinates along the second in-plane axis
 * @param values values[i][j] at (us[i], vs[j])
 * @param contour zero contour segments [4 m], (u0 v0 u1 v1)
 */
public record Slices(
        int axis, double offset, double[] us, double[] vs, double[][] values, double[] contour) {
    /** The two in-plane axes of a slice normal to {@code axis}, in order. */
    public static int[] planeAxes(int axis) {
        return axis == 0 ? new int[] {1, 2} : axis == 1 ? new int[] {0, 2} : new int[] {0, 1};
    }

    /**
     * Samples the slice normal to {@code axis} through {@code centre}, over [lo, hi] per in-plane
     * axis, n x n.
     */
    public static Slices sample(
            ScalarField f, int axis, double[] centre, double[] lo, double[] hi, int n) {
        int[] pa = planeAxes(axis);
        double[] us = new double[n], vs = new double[n];
        for (int i = 0; i < n; i++) {
            us[i] = lo[pa[0]] + (hi[pa[0]] - lo[pa[0]]) * i / (n - 1);
            vs[i] = lo[pa[1]] + (hi[pa[1]] - lo[pa[1]]) * i / (n - 1);
        }
        double[] xyz = new double[3 * n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                int p = 3 * (i * n + j);
                xyz[p + axis] = centre[axis];
                xyz[p + pa[0]] = us[i];
                xyz[p + pa[1]] = vs[j];
            }
        }
        float[] v = new float[n * n];
        f.evaluate(xyz, n * n, v);
        double[][] values = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                values[i][j] = v[i * n + j];
            }
        }
        return new Slices(
                axis, centre[axis], us, vs, values, MarchingSquares.contour(values, us, vs, 0));
    }
}
