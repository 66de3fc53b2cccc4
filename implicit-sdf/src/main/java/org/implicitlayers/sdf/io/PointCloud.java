package org.implicitlayers.sdf.io;

import java.util.Arrays;

/**
 * Points in 3-D, optionally with unit normals. Coordinates are stored flat, x y z per point, in the
 * units of the file they came from (or normalised ones, see {@link Normalization}).
 *
 * @param points [3 n] coordinates
 * @param normals [3 n] unit normals, or null when the source had none
 */
public record PointCloud(double[] points, double[] normals) {
    public PointCloud {
        if (points.length % 3 != 0) {
            throw new IllegalArgumentException(
                    "PointCloud: coordinate count " + points.length + " is not a multiple of 3");
        }
        if (normals != null && normals.length != points.length) {
            throw new IllegalArgumentException(
                    "PointCloud: "
                            + normals.length / 3
                            + " normals for "
                            + points.length / 3
                            + " points");
        }
    }

    public int size() {
        return points.length / 3;
    }

    public boolean hasNormals() {
        return normals != null;
    }

    /** Coordinate {@code axis} (0, 1, 2) of point {@code i}. */
    public double coord(int i, int axis) {
        return points[3 * i + axis];
    }

    /** The same points with these normals ([3 n], normalised to unit length here). */
    public PointCloud withNormals(double[] n) {
        double[] u = n.clone();
        for (int i = 0; i < u.length; i += 3) {
            double len = Math.sqrt(u[i] * u[i] + u[i + 1] * u[i + 1] + u[i + 2] * u[i + 2]);
            if (len > 0) {
                u[i] /= len;
                u[i + 1] /= len;
                u[i + 2] /= len;
            }
        }
        return new PointCloud(points, u);
    }

    /** The points mapped by {@code norm}; normals (directions) are unchanged by a uniform scale. */
    public PointCloud normalized(Normalization norm) {
        return new PointCloud(norm.apply(points), normals);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PointCloud p
                && Arrays.equals(points, p.points)
                && Arrays.equals(normals, p.normals);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(points) + Arrays.hashCode(normals);
    }

    @Override
    public String toString() {
        return "PointCloud[" + size() + " points" + (hasNormals() ? ", with normals]" : "]");
    }
}
