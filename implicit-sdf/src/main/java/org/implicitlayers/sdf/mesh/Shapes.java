package org.implicitlayers.sdf.mesh;

import java.util.Locale;

/**
 * Analytic signed distance functions (negative inside), exact, so 1-Lipschitz: the truth against
 * which extraction and fitted networks are measured.
 */
public final class Shapes {
    private Shapes() {}

    /** An analytic shape: its exact signed distance and a way to sample points on its surface. */
    public interface Shape extends ScalarField {
        String name();

        double distance(double x, double y, double z);

        /**
         * A point on the surface and its outward unit normal, [6], from two uniform numbers in [0,
         * 1).
         */
        double[] surfacePoint(double u, double v);

        @Override
        default void evaluate(double[] xyz, int n, float[] out) {
            for (int i = 0; i < n; i++) {
                out[i] = (float) distance(xyz[3 * i], xyz[3 * i + 1], xyz[3 * i + 2]);
            }
        }
    }

    /** The sphere of radius r about the origin. */
    public static Shape sphere(double r) {
        return new Shape() {
            public String name() {
                return "sphere";
            }

            public double distance(double x, double y, double z) {
                return Math.sqrt(x * x + y * y + z * z) - r;
            }

            public double[] surfacePoint(double u, double v) {
                double cz = 2 * u - 1,
                        s = Math.sqrt(Math.max(0, 1 - cz * cz)),
                        phi = 2 * Math.PI * v;
                double nx = s * Math.cos(phi), ny = s * Math.sin(phi);
                return new double[] {r * nx, r * ny, r * cz, nx, ny, cz};
            }
        };
    }

    /**
     * The torus about the z axis with tube centre radius {@code major} and tube radius {@code
     * minor}.
     */
    public static Shape torus(double major, double minor) {
        if (!(minor < major)) {
            throw new IllegalArgumentException(
                    "torus: minor radius " + minor + " must be < major radius " + major);
        }
        return new Shape() {
            public String name() {
                return "torus";
            }

            public double distance(double x, double y, double z) {
                double q = Math.sqrt(x * x + y * y) - major;
                return Math.sqrt(q * q + z * z) - minor;
            }

            public double[] surfacePoint(double u, double v) {
                // Area-uniform: accept-reject on the tube angle would need more numbers; invert the
                // marginal of theta instead, density proportional to (major + minor cos theta).
                double theta = invertTubeAngle(u);
                double phi = 2 * Math.PI * v;
                double c = Math.cos(theta), s = Math.sin(theta);
                double rr = major + minor * c;
                return new double[] {
                    rr * Math.cos(phi),
                    rr * Math.sin(phi),
                    minor * s,
                    c * Math.cos(phi),
                    c * Math.sin(phi),
                    s
                };
            }

            private double invertTubeAngle(double u) {
                // CDF(theta) = (major theta + minor sin theta) / (2 pi major) on [0, 2 pi): Newton.
                double target = u * 2 * Math.PI * major, t = 2 * Math.PI * u;
                for (int it = 0; it < 50; it++) {
                    double f = major * t + minor * Math.sin(t) - target;
                    t -= f / (major + minor * Math.cos(t));
                }
                return t;
            }
        };
    }

    /** The axis-aligned box with half-extents (a, b, c) about the origin. */
    public static Shape box(double a, double b, double c) {
        return new Shape() {
            public String name() {
                return "box";
            }

            public double distance(double x, double y, double z) {
                double qx = Math.abs(x) - a, qy = Math.abs(y) - b, qz = Math.abs(z) - c;
                double ox = Math.max(qx, 0), oy = Math.max(qy, 0), oz = Math.max(qz, 0);
                return Math.sqrt(ox * ox + oy * oy + oz * oz)
                        + Math.min(Math.max(qx, Math.max(qy, qz)), 0);
            }

            public double[] surfacePoint(double u, double v) {
                double[] area = {b * c, b * c, a * c, a * c, a * b, a * b};
                double total = 0;
                for (double x : area) {
                    total += x;
                }
                double pick = u * total;
                int f = 0;
                while (f < 5 && pick >= area[f]) {
                    pick -= area[f++];
                }
                double s = pick / area[f] * 2 - 1, t = 2 * v - 1;
                double sign = f % 2 == 0 ? 1 : -1;
                switch (f / 2) {
                    case 0:
                        return new double[] {sign * a, s * b, t * c, sign, 0, 0};
                    case 1:
                        return new double[] {s * a, sign * b, t * c, 0, sign, 0};
                    default:
                        return new double[] {s * a, t * b, sign * c, 0, 0, sign};
                }
            }
        };
    }

    /** By name: sphere, torus, box (the built-in sizes fit the unit ball). */
    public static Shape named(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "sphere":
                return sphere(0.7);
            case "torus":
                return torus(0.6, 0.25);
            case "box":
                return box(0.5, 0.4, 0.3);
            default:
                throw new IllegalArgumentException(
                        "unknown shape '" + name + "': expected sphere, torus or box");
        }
    }
}
