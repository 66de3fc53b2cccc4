package org.implicitlayers.ritz.domain;

import java.util.List;
import org.hipparchus.geometry.euclidean.twod.PolygonsSet;
import org.hipparchus.geometry.euclidean.twod.Vector2D;
import org.hipparchus.geometry.partitioning.Region;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * A simple polygon in the plane, vertices counter-clockwise; inside tests and area by Hipparchus'
 * PolygonsSet.
 */
public final class Polygon implements Domain {
    private final double[][] v;
    private final PolygonsSet set;
    private final double perimeter;

    public Polygon(double[][] vertices) {
        if (vertices.length < 3) {
            throw new IllegalArgumentException(
                    "polygon: needs at least 3 vertices, got " + vertices.length);
        }
        double signed = 0;
        for (int i = 0; i < vertices.length; i++) {
            if (vertices[i].length != 2) {
                throw new IllegalArgumentException(
                        "polygon: vertex "
                                + i
                                + " has "
                                + vertices[i].length
                                + " coordinates, expected 2");
            }
            double[] a = vertices[i], b = vertices[(i + 1) % vertices.length];
            signed += a[0] * b[1] - b[0] * a[1];
        }
        for (int i = 0; i < vertices.length; i++) {
            if (!Double.isFinite(vertices[i][0]) || !Double.isFinite(vertices[i][1])) {
                throw new IllegalArgumentException("polygon: vertex " + i + " is not finite");
            }
        }
        requireSimple(vertices);
        if (Math.abs(signed) < 1e-12) {
            throw new IllegalArgumentException("polygon: the vertices enclose no area");
        }
        // Counter-clockwise order, so that the outward normal of edge (a, b) is (dy, -dx) / length.
        double[][] ccw = vertices.clone();
        if (signed < 0) {
            for (int i = 0; i < ccw.length; i++) {
                ccw[i] = vertices[vertices.length - 1 - i];
            }
        }
        this.v = ccw;
        Vector2D[] pts = new Vector2D[v.length];
        double per = 0;
        for (int i = 0; i < v.length; i++) {
            pts[i] = new Vector2D(v[i][0], v[i][1]);
            double[] b = v[(i + 1) % v.length];
            per += Math.hypot(b[0] - v[i][0], b[1] - v[i][1]);
        }
        this.set = new PolygonsSet(1e-10, pts);
        this.perimeter = per;
    }

    /**
     * Refuses a polygon whose boundary crosses or touches itself (edges that are not neighbours
     * meet, or neighbours overlap): the inside test and the boundary sampler would disagree about
     * the region.
     */
    static void requireSimple(double[][] v) {
        int n = v.length;
        for (int i = 0; i < n; i++) {
            double[] a = v[i], b = v[(i + 1) % n];
            if (a[0] == b[0] && a[1] == b[1]) {
                throw new IllegalArgumentException(
                        "polygon: vertices " + i + " and " + (i + 1) % n + " coincide");
            }
            for (int j = i + 1; j < n; j++) {
                double[] c = v[j], d = v[(j + 1) % n];
                boolean neighbours = j == i + 1 || (i == 0 && j == n - 1);
                if (neighbours) {
                    // Adjacent edges share one vertex; they must not fold back onto each other.
                    double[] shared = j == i + 1 ? b : a,
                            p = j == i + 1 ? a : b,
                            q = j == i + 1 ? d : c;
                    if (cross(shared, p, q) == 0 && dot(shared, p, q) > 0) {
                        throw new IllegalArgumentException(
                                "polygon: edges "
                                        + i
                                        + " and "
                                        + j
                                        + " overlap (the boundary folds back)");
                    }
                } else if (segmentsMeet(a, b, c, d)) {
                    throw new IllegalArgumentException(
                            "polygon: edge "
                                    + i
                                    + " (vertices "
                                    + i
                                    + "-"
                                    + (i + 1) % n
                                    + ") and edge "
                                    + j
                                    + " (vertices "
                                    + j
                                    + "-"
                                    + (j + 1) % n
                                    + ") cross: expected a simple polygon, vertices in order around it");
                }
            }
        }
    }

    private static double cross(double[] o, double[] p, double[] q) {
        return (p[0] - o[0]) * (q[1] - o[1]) - (p[1] - o[1]) * (q[0] - o[0]);
    }

    private static double dot(double[] o, double[] p, double[] q) {
        return (p[0] - o[0]) * (q[0] - o[0]) + (p[1] - o[1]) * (q[1] - o[1]);
    }

    private static boolean onSegment(double[] p, double[] q, double[] r) {
        return Math.min(p[0], q[0]) <= r[0]
                && r[0] <= Math.max(p[0], q[0])
                && Math.min(p[1], q[1]) <= r[1]
                && r[1] <= Math.max(p[1], q[1]);
    }

    private static boolean segmentsMeet(double[] a, double[] b, double[] c, double[] d) {
        double d1 = Math.signum(cross(c, d, a)), d2 = Math.signum(cross(c, d, b));
        double d3 = Math.signum(cross(a, b, c)), d4 = Math.signum(cross(a, b, d));
        if (d1 * d2 < 0 && d3 * d4 < 0) {
            return true;
        }
        return d1 == 0 && onSegment(c, d, a)
                || d2 == 0 && onSegment(c, d, b)
                || d3 == 0 && onSegment(a, b, c)
                || d4 == 0 && onSegment(a, b, d);
    }

    /** The vertices in counter-clockwise order (a copy), [k][2]. */
    public double[][] vertices() {
        double[][] c = new double[v.length][];
        for (int i = 0; i < v.length; i++) {
            c[i] = v[i].clone();
        }
        return c;
    }

    /**
     * The L-shaped domain [-1, 1]^2 minus [0, 1] x [-1, 0], with its re-entrant corner at the
     * origin.
     */
    public static Polygon lShape() {
        return new Polygon(new double[][] {{-1, -1}, {0, -1}, {0, 0}, {1, 0}, {1, 1}, {-1, 1}});
    }

    @Override
    public int dim() {
        return 2;
    }

    @Override
    public boolean contains(double[] x) {
        return set.checkPoint(new Vector2D(x[0], x[1])) == Region.Location.INSIDE;
    }

    @Override
    public double[] lower() {
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE};
        for (double[] p : v) {
            lo[0] = Math.min(lo[0], p[0]);
            lo[1] = Math.min(lo[1], p[1]);
        }
        return lo;
    }

    @Override
    public double[] upper() {
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE};
        for (double[] p : v) {
            hi[0] = Math.max(hi[0], p[0]);
            hi[1] = Math.max(hi[1], p[1]);
        }
        return hi;
    }

    @Override
    public double measure() {
        return set.getSize();
    }

    @Override
    public double boundaryMeasure() {
        return perimeter;
    }

    @Override
    public BoundarySample sampleBoundary(int n, PointSource src, DType dtype) {
        List<double[]> pts = Domain.list(), nrm = Domain.list();
        for (int k = 0; k < n; k++) {
            double[] u = src.next();
            double s = u[0] * perimeter;
            for (int i = 0; i < v.length; i++) {
                double[] a = v[i], b = v[(i + 1) % v.length];
                double len = Math.hypot(b[0] - a[0], b[1] - a[1]);
                if (s <= len || i == v.length - 1) {
                    double t = Math.min(s / len, 1);
                    pts.add(new double[] {a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])});
                    nrm.add(new double[] {(b[1] - a[1]) / len, -(b[0] - a[0]) / len});
                    break;
                }
                s -= len;
            }
        }
        return Domain.pack(pts, nrm, 2, dtype);
    }

    @Override
    public Tensor distance(Tensor x) {
        Tensor[] edges = new Tensor[v.length];
        for (int i = 0; i < v.length; i++) {
            double[] a = v[i], b = v[(i + 1) % v.length];
            edges[i] = RFunctions.segment(x, a[0], a[1], b[0], b[1]);
        }
        return RFunctions.equivalence(edges);
    }

    /**
     * The vertices whose interior angle exceeds pi, each with the direction of the edge that leaves
     * it (counter-clockwise order), its angle, and the distance to the nearest edge that does not
     * end at it (or the shorter of its own edges, if less).
     */
    @Override
    public List<Corner> reentrantCorners() {
        List<Corner> out = new java.util.ArrayList<>();
        int n = v.length;
        for (int i = 0; i < n; i++) {
            double[] p = v[(i + n - 1) % n], c = v[i], q = v[(i + 1) % n];
            double e1x = q[0] - c[0], e1y = q[1] - c[1], e2x = p[0] - c[0], e2y = p[1] - c[1];
            double turn = (c[0] - p[0]) * e1y - (c[1] - p[1]) * e1x;
            if (!(turn < 0)) {
                continue; // convex (a left turn) or straight
            }
            double omega = Math.atan2(e1x * e2y - e1y * e2x, e1x * e2x + e1y * e2y);
            if (omega <= 0) {
                omega += 2 * Math.PI;
            }
            double radius = Math.min(Math.hypot(e1x, e1y), Math.hypot(e2x, e2y));
            for (int j = 0; j < n; j++) {
                if (j == i || (j + 1) % n == i) {
                    continue; // the two edges that end at the vertex
                }
                radius = Math.min(radius, segmentDistance(c, v[j], v[(j + 1) % n]));
            }
            out.add(new Corner(c[0], c[1], Math.atan2(e1y, e1x), omega, radius));
        }
        return List.copyOf(out);
    }

    /** The distance from p to the segment a-b. */
    static double segmentDistance(double[] p, double[] a, double[] b) {
        double dx = b[0] - a[0], dy = b[1] - a[1];
        double t = ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / (dx * dx + dy * dy);
        t = Math.max(0, Math.min(1, t));
        return Math.hypot(a[0] + t * dx - p[0], a[1] + t * dy - p[1]);
    }

    @Override
    public String toString() {
        return "polygon with " + v.length + " vertices";
    }
}
