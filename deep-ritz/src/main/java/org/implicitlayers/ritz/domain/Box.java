package org.implicitlayers.ritz.domain;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.sampling.PointSource;

/** The box [lo_1, hi_1] x ... x [lo_d, hi_d] in any dimension (an interval when d = 1). */
public final class Box implements Domain {
    private final double[] lo;
    private final double[] hi;

    public Box(double[] lo, double[] hi) {
        if (lo.length != hi.length || lo.length == 0) {
            throw new IllegalArgumentException(
                    "box: lower and upper corners must have the same, positive dimension");
        }
        for (int i = 0; i < lo.length; i++) {
            if (!(hi[i] > lo[i])) {
                throw new IllegalArgumentException(
                        "box: upper corner must exceed the lower one in every coordinate (coordinate "
                                + i
                                + ")");
            }
        }
        this.lo = lo.clone();
        this.hi = hi.clone();
    }

    public static Box interval(double a, double b) {
        return new Box(new double[] {a}, new double[] {b});
    }

    /** [0, 1]^d. */
    public static Box unitCube(int d) {
        double[] lo = new double[d], hi = new double[d];
        java.util.Arrays.fill(hi, 1.0);
        return new Box(lo, hi);
    }

    @Override
    public int dim() {
        return lo.length;
    }

    @Override
    public boolean contains(double[] x) {
        for (int i = 0; i < lo.length; i++) {
            if (!(x[i] > lo[i] && x[i] < hi[i])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public double[] lower() {
        return lo.clone();
    }

    @Override
    public double[] upper() {
        return hi.clone();
    }

    @Override
    public double measure() {
        double v = 1;
        for (int i = 0; i < lo.length; i++) {
            v *= hi[i] - lo[i];
        }
        return v;
    }

    /** Area of one of the two faces normal to axis i. */
    private double face(int i) {
        return measure() / (hi[i] - lo[i]);
    }

    @Override
    public double boundaryMeasure() {
        if (lo.length == 1) {
            return 2; // two end points (counting measure)
        }
        double s = 0;
        for (int i = 0; i < lo.length; i++) {
            s += 2 * face(i);
        }
        return s;
    }

    @Override
    public Tensor sampleInterior(int n, PointSource src, DType dtype) {
        int d = dim();
        double[] out = new double[n * d];
        for (int k = 0; k < n; k++) {
            double[] u = src.next();
            for (int i = 0; i < d; i++) {
                out[k * d + i] = lo[i] + u[i] * (hi[i] - lo[i]);
            }
        }
        return Tensor.of(dtype, out, n, d);
    }

    @Override
    public BoundarySample sampleBoundary(int n, PointSource src, DType dtype) {
        int d = dim();
        List<double[]> pts = Domain.list(), nrm = Domain.list();
        // 2d faces: face 2i is x_i = lo_i, face 2i+1 is x_i = hi_i; picked in proportion to area.
        double[] cumulative = new double[2 * d];
        double acc = 0;
        for (int f = 0; f < 2 * d; f++) {
            acc += d == 1 ? 1 : face(f / 2);
            cumulative[f] = acc;
        }
        for (int k = 0; k < n; k++) {
            double[] u = src.next();
            double pick = u[0] * acc;
            int f = 0;
            while (f < 2 * d - 1 && pick >= cumulative[f]) {
                f++;
            }
            int axis = f / 2;
            boolean upperFace = f % 2 == 1;
            double[] x = new double[d], nv = new double[d];
            for (int i = 0, j = 1; i < d; i++) {
                if (i == axis) {
                    x[i] = upperFace ? hi[i] : lo[i];
                    nv[i] = upperFace ? 1 : -1;
                } else {
                    x[i] = lo[i] + u[j++] * (hi[i] - lo[i]);
                }
            }
            pts.add(x);
            nrm.add(nv);
        }
        return Domain.pack(pts, nrm, d, dtype);
    }

    @Override
    public Tensor distance(Tensor x) {
        Tensor phi = null;
        for (int i = 0; i < lo.length; i++) {
            Tensor xi = x.slice(1, i, i + 1);
            Tensor face = RFunctions.and(xi.sub(lo[i]), xi.neg().add(hi[i]));
            phi = phi == null ? face : RFunctions.and(phi, face);
        }
        return phi;
    }

    @Override
    public String toString() {
        return "box " + java.util.Arrays.toString(lo) + " - " + java.util.Arrays.toString(hi);
    }
}
