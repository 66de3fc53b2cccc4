package org.implicitlayers.ritz.domain;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * Constructive solid geometry: union, intersection or difference of two domains of the same
 * dimension. The boundary is sampled from the operands' boundaries, keeping the parts that bound
 * the result; measures are estimated once with 2^17 Halton points unless given.
 */
public final class Csg implements Domain {
    public enum Op {
        UNION,
        INTERSECTION,
        DIFFERENCE
    }

    private final Op op;
    private final Domain a;
    private final Domain b;
    private Double measure;
    private Double boundaryMeasure;

    /** {r1, r2} of an {@link #annulus}, else null. */
    private double[] annulus;

    public Csg(Op op, Domain a, Domain b) {
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException(
                    op.name().toLowerCase()
                            + ": operands have dimensions "
                            + a.dim()
                            + " and "
                            + b.dim());
        }
        this.op = op;
        this.a = a;
        this.b = b;
    }

    /** The annulus r1 &lt; |x - c| &lt; r2 in the plane, with exact measures. */
    public static Csg annulus(double r1, double r2) {
        if (!(r2 > r1 && r1 > 0)) {
            throw new IllegalArgumentException("annulus: need 0 < r1 < r2, got " + r1 + ", " + r2);
        }
        Csg c =
                new Csg(
                        Op.DIFFERENCE,
                        new Ball(new double[] {0, 0}, r2),
                        new Ball(new double[] {0, 0}, r1));
        c.measure = Math.PI * (r2 * r2 - r1 * r1);
        c.boundaryMeasure = 2 * Math.PI * (r1 + r2);
        c.annulus = new double[] {r1, r2};
        return c;
    }

    /** The operation. */
    public Op op() {
        return op;
    }

    /** The first operand (the one a difference removes from). */
    public Domain first() {
        return a;
    }

    /** The second operand. */
    public Domain second() {
        return b;
    }

    /** {r1, r2} when this is an {@link #annulus} (so that it is written as one), else null. */
    public double[] annulusRadii() {
        return annulus == null ? null : annulus.clone();
    }

    @Override
    public int dim() {
        return a.dim();
    }

    @Override
    public boolean contains(double[] x) {
        switch (op) {
            case UNION:
                return a.contains(x) || b.contains(x);
            case INTERSECTION:
                return a.contains(x) && b.contains(x);
            default:
                return a.contains(x) && !b.contains(x);
        }
    }

    @Override
    public double[] lower() {
        double[] la = a.lower(), lb = b.lower();
        if (op != Op.UNION) {
            return op == Op.DIFFERENCE ? la : max(la, lb);
        }
        return min(la, lb);
    }

    @Override
    public double[] upper() {
        double[] ua = a.upper(), ub = b.upper();
        if (op != Op.UNION) {
            return op == Op.DIFFERENCE ? ua : min(ua, ub);
        }
        return max(ua, ub);
    }

    private static double[] min(double[] x, double[] y) {
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.min(x[i], y[i]);
        }
        return r;
    }

    private static double[] max(double[] x, double[] y) {
        double[] r = new double[x.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = Math.max(x[i], y[i]);
        }
        return r;
    }

    @Override
    public synchronized double measure() {
        if (measure == null) {
            double[] lo = lower(), hi = upper();
            double box = 1;
            for (int i = 0; i < lo.length; i++) {
                box *= hi[i] - lo[i];
            }
            PointSource s = PointSource.halton(dim());
            int n = 1 << 17, in = 0;
            double[] x = new double[dim()];
            for (int k = 0; k < n; k++) {
                double[] u = s.next();
                for (int i = 0; i < x.length; i++) {
                    x[i] = lo[i] + u[i] * (hi[i] - lo[i]);
                }
                if (contains(x)) {
                    in++;
                }
            }
            measure = box * in / n;
        }
        return measure;
    }

    /**
     * Whether a boundary point of operand {@code fromA ? a : b} lies on the boundary of the result,
     * and its normal's sign.
     */
    private int keep(boolean fromA, double[] x) {
        boolean inOther = fromA ? b.contains(x) : a.contains(x);
        switch (op) {
            case UNION:
                return inOther ? 0 : 1;
            case INTERSECTION:
                return inOther ? 1 : 0;
            default:
                return fromA ? (inOther ? 0 : 1) : (inOther ? -1 : 0);
        }
    }

    @Override
    public synchronized double boundaryMeasure() {
        if (boundaryMeasure == null) {
            double total = 0;
            for (boolean fromA : new boolean[] {true, false}) {
                Domain d = fromA ? a : b;
                BoundarySample s =
                        d.sampleBoundary(1 << 14, PointSource.halton(dim() + 1), DType.FLOAT64);
                double[] p = s.points().toDoubleArray();
                int kept = 0, n = 1 << 14;
                for (int k = 0; k < n; k++) {
                    if (keep(fromA, java.util.Arrays.copyOfRange(p, k * dim(), (k + 1) * dim()))
                            != 0) {
                        kept++;
                    }
                }
                total += d.boundaryMeasure() * kept / n;
            }
            boundaryMeasure = total;
        }
        return boundaryMeasure;
    }

    @Override
    public BoundarySample sampleBoundary(int n, PointSource src, DType dtype) {
        int d = dim();
        List<double[]> pts = Domain.list(), nrm = Domain.list();
        double ma = a.boundaryMeasure(), mb = b.boundaryMeasure();
        int guard = 0;
        while (pts.size() < n) {
            if (++guard > 1000) {
                throw new IllegalStateException(
                        op + ": the operands' boundaries barely touch the result's boundary");
            }
            // Candidates from both operands in proportion to their boundary measures, merged by
            // their
            // fractional positions so that any prefix keeps that proportion.
            int batch = 2 * (n - pts.size()) + 16;
            int na = (int) Math.round(batch * ma / (ma + mb));
            List<double[]> cand = new java.util.ArrayList<>();
            for (boolean fromA : new boolean[] {true, false}) {
                int m = fromA ? na : batch - na;
                if (m == 0) {
                    continue;
                }
                BoundarySample s = (fromA ? a : b).sampleBoundary(m, src, DType.FLOAT64);
                double[] p = s.points().toDoubleArray(), q = s.normals().toDoubleArray();
                for (int k = 0; k < m; k++) {
                    double[] x = java.util.Arrays.copyOfRange(p, k * d, (k + 1) * d);
                    int sign = keep(fromA, x);
                    double[] nv = java.util.Arrays.copyOfRange(q, k * d, (k + 1) * d);
                    for (int i = 0; i < d; i++) {
                        nv[i] *= sign;
                    }
                    cand.add(new double[] {(k + 0.5) / m, sign, fromA ? 0 : 1});
                    cand.add(x);
                    cand.add(nv);
                }
            }
            List<Integer> order = new java.util.ArrayList<>();
            for (int i = 0; i < cand.size(); i += 3) {
                order.add(i);
            }
            order.sort(java.util.Comparator.comparingDouble(i -> cand.get(i)[0]));
            for (int i : order) {
                if (pts.size() == n) {
                    break;
                }
                if (cand.get(i)[1] != 0) {
                    pts.add(cand.get(i + 1));
                    nrm.add(cand.get(i + 2));
                }
            }
        }
        return Domain.pack(pts, nrm, d, dtype);
    }

    @Override
    public Tensor distance(Tensor x) {
        Tensor da = a.distance(x), db = b.distance(x);
        switch (op) {
            case UNION:
                return RFunctions.or(da, db);
            case INTERSECTION:
                return RFunctions.and(da, db);
            default:
                return RFunctions.and(da, db.neg());
        }
    }

    @Override
    public String toString() {
        return op.name().toLowerCase() + "(" + a + ", " + b + ")";
    }

    /**
     * The re-entrant corners of a plane composite whose straight edges come from polygons and
     * boxes: the candidates are the operands' vertices and the points where their edges cross; each
     * is classified by where the domain lies on a small circle about it (720 directions, inside
     * tests only): one arc wider than pi, bounded by two edges through the point, makes a corner,
     * with the exact angle between those edges. Its radius is the distance to the nearest edge or
     * circle that does not pass through it (a subset of those is the true boundary, so the domain
     * is the corner's sector within it). Corners on a circle (a curved side) are left out.
     */
    @Override
    public List<Corner> reentrantCorners() {
        if (dim() != 2) {
            return List.of();
        }
        List<double[]> segments = new java.util.ArrayList<>(),
                circles = new java.util.ArrayList<>();
        List<double[]> candidates = new java.util.ArrayList<>();
        pieces(this, segments, circles, candidates);
        for (int i = 0; i < segments.size(); i++) {
            for (int j = i + 1; j < segments.size(); j++) {
                double[] x = crossing(segments.get(i), segments.get(j));
                if (x != null) {
                    candidates.add(x);
                }
            }
        }
        List<Corner> out = new java.util.ArrayList<>();
        List<double[]> seen = new java.util.ArrayList<>();
        for (double[] p : candidates) {
            if (seen.stream().anyMatch(q -> Math.hypot(q[0] - p[0], q[1] - p[1]) < 1e-9)) {
                continue;
            }
            seen.add(p);
            Corner c = classify(p, segments, circles);
            if (c != null) {
                out.add(c);
            }
        }
        return List.copyOf(out);
    }

    /** Edges {ax, ay, bx, by} and circles {cx, cy, r} of every operand, and their vertices. */
    private static void pieces(
            Domain d, List<double[]> segments, List<double[]> circles, List<double[]> vertices) {
        if (d instanceof Csg c) {
            pieces(c.a, segments, circles, vertices);
            pieces(c.b, segments, circles, vertices);
        } else if (d instanceof Polygon p) {
            double[][] v = p.vertices();
            for (int i = 0; i < v.length; i++) {
                double[] q = v[(i + 1) % v.length];
                segments.add(new double[] {v[i][0], v[i][1], q[0], q[1]});
                vertices.add(v[i].clone());
            }
        } else if (d instanceof Box b) {
            double[] lo = b.lower(), hi = b.upper();
            double[][] v = {{lo[0], lo[1]}, {hi[0], lo[1]}, {hi[0], hi[1]}, {lo[0], hi[1]}};
            for (int i = 0; i < 4; i++) {
                segments.add(new double[] {v[i][0], v[i][1], v[(i + 1) % 4][0], v[(i + 1) % 4][1]});
                vertices.add(v[i]);
            }
        } else if (d instanceof Ball b) {
            circles.add(new double[] {b.center()[0], b.center()[1], b.radius()});
        }
    }

    /** The point where two segments cross or touch (one point), or null. */
    private static double[] crossing(double[] s, double[] t) {
        double rx = s[2] - s[0], ry = s[3] - s[1], qx = t[2] - t[0], qy = t[3] - t[1];
        double den = rx * qy - ry * qx;
        if (Math.abs(den) < 1e-14 * Math.hypot(rx, ry) * Math.hypot(qx, qy)) {
            return null; // parallel: their shared vertices are candidates already
        }
        double u = ((t[0] - s[0]) * qy - (t[1] - s[1]) * qx) / den,
                w = ((t[0] - s[0]) * ry - (t[1] - s[1]) * rx) / den;
        double e = 1e-12;
        return u < -e || u > 1 + e || w < -e || w > 1 + e
                ? null
                : new double[] {s[0] + u * rx, s[1] + u * ry};
    }

    private Corner classify(double[] p, List<double[]> segments, List<double[]> circles) {
        double radius = Double.POSITIVE_INFINITY;
        List<double[]> through =
                new java.util
                        .ArrayList<>(); // unit directions of edges leaving p, with their length
        for (double[] s : segments) {
            double[] a = {s[0], s[1]}, b = {s[2], s[3]};
            double dist = Polygon.segmentDistance(p, a, b);
            if (dist > 1e-9) {
                radius = Math.min(radius, dist);
                continue;
            }
            for (double[] end : new double[][] {a, b}) {
                double len = Math.hypot(end[0] - p[0], end[1] - p[1]);
                if (len > 1e-9) {
                    through.add(new double[] {Math.atan2(end[1] - p[1], end[0] - p[0]), len});
                }
            }
        }
        for (double[] c : circles) {
            double dist = Math.abs(Math.hypot(p[0] - c[0], p[1] - c[1]) - c[2]);
            if (dist < 1e-9) {
                return null; // a curved side meets here
            }
            radius = Math.min(radius, dist);
        }
        if (through.size() < 2 || !Double.isFinite(radius)) {
            return null;
        }
        for (double[] t : through) {
            radius = Math.min(radius, t[1]);
        }
        int m = 720;
        boolean[] in = new boolean[m];
        int count = 0;
        for (int j = 0; j < m; j++) {
            double a = 2 * Math.PI * (j + 0.5) / m;
            in[j] =
                    contains(
                            new double[] {
                                p[0] + 0.5 * radius * Math.cos(a), p[1] + 0.5 * radius * Math.sin(a)
                            });
            count += in[j] ? 1 : 0;
        }
        if (count == 0 || count == m) {
            return null;
        }
        int first = -1, arcs = 0;
        for (int j = 0; j < m; j++) {
            if (in[j] && !in[(j + m - 1) % m]) {
                arcs++;
                first = j;
            }
        }
        if (arcs != 1 || count * 2 <= m + 2) {
            return null; // not one sector wider than pi
        }
        // The arc runs counter-clockwise from about the angle of sample `first`; snap both ends to
        // edge directions.
        double from = 2 * Math.PI * first / m, to = from + 2 * Math.PI * count / m;
        double start = nearest(through, from), end = nearest(through, to);
        double omega = end - start;
        omega -= 2 * Math.PI * Math.floor(omega / (2 * Math.PI));
        if (omega <= Math.PI + 1e-9) {
            omega += 2 * Math.PI; // the same direction twice: a slit
        }
        if (Math.abs(omega - 2 * Math.PI * count / m) > 4 * Math.PI / m + 1e-9
                || omega > 2 * Math.PI + 1e-9) {
            return null;
        }
        return new Corner(p[0], p[1], start, Math.min(omega, 2 * Math.PI), radius);
    }

    /** The edge direction closest to angle a (on the circle). */
    private static double nearest(List<double[]> through, double a) {
        double best = Double.NaN, gap = Double.POSITIVE_INFINITY;
        for (double[] t : through) {
            double d = Math.abs(Math.IEEEremainder(t[0] - a, 2 * Math.PI));
            if (d < gap) {
                gap = d;
                best = t[0];
            }
        }
        return best;
    }
}
