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
    public enum Op { UNION, INTERSECTION, DIFFERENCE }

    private final Op op;
    private final Domain a;
    private final Domain b;
    private Double measure;
    private Double boundaryMeasure;
    /** {r1, r2} of an {@link #annulus}, else null. */
    private double[] annulus;

    public Csg(Op op, Domain a, Domain b) {
        if (a.dim() != b.dim()) {
            throw new IllegalArgumentException(op.name().toLowerCase() + ": operands have dimensions " + a.dim() + " and " + b.dim());
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
        Csg c = new Csg(Op.DIFFERENCE, new Ball(new double[] {0, 0}, r2), new Ball(new double[] {0, 0}, r1));
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
            case UNION: return a.contains(x) || b.contains(x);
            case INTERSECTION: return a.contains(x) && b.contains(x);
            default: return a.contains(x) && !b.contains(x);
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

    /** Whether a boundary point of operand {@code fromA ? a : b} lies on the boundary of the result, and its normal's sign. */
    private int keep(boolean fromA, double[] x) {
        boolean inOther = fromA ? b.contains(x) : a.contains(x);
        switch (op) {
            case UNION: return inOther ? 0 : 1;
            case INTERSECTION: return inOther ? 1 : 0;
            default: return fromA ? (inOther ? 0 : 1) : (inOther ? -1 : 0);
        }
    }

    @Override
    public synchronized double boundaryMeasure() {
        if (boundaryMeasure == null) {
            double total = 0;
            for (boolean fromA : new boolean[] {true, false}) {
                Domain d = fromA ? a : b;
                BoundarySample s = d.sampleBoundary(1 << 14, PointSource.halton(dim() + 1), DType.FLOAT64);
                double[] p = s.points().toDoubleArray();
                int kept = 0, n = 1 << 14;
                for (int k = 0; k < n; k++) {
                    if (keep(fromA, java.util.Arrays.copyOfRange(p, k * dim(), (k + 1) * dim())) != 0) {
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
                throw new IllegalStateException(op + ": the operands' boundaries barely touch the result's boundary");
            }
            // Candidates from both operands in proportion to their boundary measures, merged by their
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
            case UNION: return RFunctions.or(da, db);
            case INTERSECTION: return RFunctions.and(da, db);
            default: return RFunctions.and(da, db.neg());
        }
    }

    @Override
    public String toString() {
        return op.name().toLowerCase() + "(" + a + ", " + b + ")";
    }
}
