package org.implicitlayers.sdf.io;

/**
 * The similarity x -&gt; (x - centre) * scale that puts a shape in the unit ball, remembered so
 * that meshes, distances and grids are written back in the input's units with {@link #invert}.
 *
 * @param cx centre, x (input units)
 * @param cy centre, y
 * @param cz centre, z
 * @param scale factor applied after centring (1 / input length unit)
 */
public record Normalization(double cx, double cy, double cz, double scale) {
    public Normalization {
        if (!(scale > 0) || !Double.isFinite(scale)) {
            throw new IllegalArgumentException(
                    "Normalization: scale must be finite and > 0, got " + scale);
        }
    }

    public static Normalization identity() {
        return new Normalization(0, 0, 0, 1);
    }

    /**
     * Centre at the mean of the points, scale by 1 / the largest distance to it (the benchmark's
     * rule).
     */
    public static Normalization unitBall(double[] points) {
        int n = points.length / 3;
        if (n == 0) {
            throw new IllegalArgumentException("Normalization: no points");
        }
        double sx = 0, sy = 0, sz = 0;
        for (int i = 0; i < n; i++) {
            sx += points[3 * i];
            sy += points[3 * i + 1];
            sz += points[3 * i + 2];
        }
        double cx = sx / n, cy = sy / n, cz = sz / n;
        double r2 = 0;
        for (int i = 0; i < n; i++) {
            double dx = points[3 * i] - cx,
                    dy = points[3 * i + 1] - cy,
                    dz = points[3 * i + 2] - cz;
            r2 = Math.max(r2, dx * dx + dy * dy + dz * dz);
        }
        if (!(r2 > 0)) {
            throw new IllegalArgumentException(
                    "Normalization: all "
                            + n
                            + " points coincide; a surface needs points spread in space");
        }
        return new Normalization(cx, cy, cz, 1 / Math.sqrt(r2));
    }

    /** Input units to normalised units, [3 n] flat. */
    public double[] apply(double[] points) {
        double[] o = new double[points.length];
        for (int i = 0; i < points.length; i += 3) {
            o[i] = (points[i] - cx) * scale;
            o[i + 1] = (points[i + 1] - cy) * scale;
            o[i + 2] = (points[i + 2] - cz) * scale;
        }
        return o;
    }

    /** Normalised units back to input units, [3 n] flat. */
    public double[] invert(double[] points) {
        double[] o = new double[points.length];
        for (int i = 0; i < points.length; i += 3) {
            o[i] = points[i] / scale + cx;
            o[i + 1] = points[i + 1] / scale + cy;
            o[i + 2] = points[i + 2] / scale + cz;
        }
        return o;
    }

    /** A distance or SDF value in normalised units, in input units. */
    public double invertLength(double d) {
        return d / scale;
    }
}
