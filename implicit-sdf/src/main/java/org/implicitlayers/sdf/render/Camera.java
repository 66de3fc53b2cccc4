package org.implicitlayers.sdf.render;

/**
 * A pinhole camera looking from {@code eye} at {@code target}, {@code up} roughly up, with a
 * vertical field of view in degrees, producing width x height rays (row 0 at the top).
 */
public record Camera(
        double[] eye, double[] target, double[] up, double fovDegrees, int width, int height) {
    public Camera {
        if (width < 1 || height < 1 || !(fovDegrees > 0 && fovDegrees < 180)) {
            throw new IllegalArgumentException(
                    "Camera: need width, height >= 1 and 0 < fov < 180, got "
                            + width
                            + "x"
                            + height
                            + ", "
                            + fovDegrees);
        }
    }

    /** Looking at the origin from azimuth and elevation (degrees) at {@code distance}, z up. */
    public static Camera orbit(
            double azimuthDeg, double elevationDeg, double distance, int width, int height) {
        return orbit(azimuthDeg, elevationDeg, distance, width, height, 2);
    }

    /**
     * Looking at the origin from azimuth and elevation (degrees) at {@code distance}, with axis
     * {@code upAxis} (0 = x, 1 = y, 2 = z) up. The azimuth turns about the up axis, starting on the
     * axis after it (z up: from x towards y; y up: from z towards x, so that azimuth 0 faces a y-up
     * scan such as the Stanford bunny from the front; x up: from y towards z).
     */
    public static Camera orbit(
            double azimuthDeg,
            double elevationDeg,
            double distance,
            int width,
            int height,
            int upAxis) {
        if (upAxis < 0 || upAxis > 2) {
            throw new IllegalArgumentException(
                    "Camera.orbit: upAxis must be 0 (x), 1 (y) or 2 (z), got " + upAxis);
        }
        double az = Math.toRadians(azimuthDeg), el = Math.toRadians(elevationDeg);
        double[] eye = new double[3];
        double[] up = new double[3];
        eye[(upAxis + 1) % 3] = distance * Math.cos(el) * Math.cos(az);
        eye[(upAxis + 2) % 3] = distance * Math.cos(el) * Math.sin(az);
        eye[upAxis] = distance * Math.sin(el);
        up[upAxis] = 1;
        return new Camera(eye, new double[] {0, 0, 0}, up, 35, width, height);
    }

    /** Ray directions [3 w h], unit length, row-major from the top-left pixel. */
    public double[] directions() {
        double[] f = normalize(sub(target, eye));
        double[] r = normalize(cross(f, up));
        double[] u = cross(r, f);
        double tan = Math.tan(Math.toRadians(fovDegrees) / 2);
        double aspect = (double) width / height;
        double[] d = new double[3 * width * height];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                double px = (2 * (x + 0.5) / width - 1) * tan * aspect,
                        py = (1 - 2 * (y + 0.5) / height) * tan;
                double[] v =
                        normalize(
                                new double[] {
                                    f[0] + px * r[0] + py * u[0],
                                    f[1] + px * r[1] + py * u[1],
                                    f[2] + px * r[2] + py * u[2]
                                });
                System.arraycopy(v, 0, d, 3 * (y * width + x), 3);
            }
        }
        return d;
    }

    static double[] sub(double[] a, double[] b) {
        return new double[] {a[0] - b[0], a[1] - b[1], a[2] - b[2]};
    }

    static double[] cross(double[] a, double[] b) {
        return new double[] {
            a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]
        };
    }

    static double[] normalize(double[] a) {
        double l = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        if (!(l > 0)) {
            throw new IllegalArgumentException(
                    "Camera: degenerate direction (eye at target, or up parallel to the view)");
        }
        return new double[] {a[0] / l, a[1] / l, a[2] / l};
    }
}
