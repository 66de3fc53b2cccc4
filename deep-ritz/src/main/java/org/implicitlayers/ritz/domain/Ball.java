package org.implicitlayers.ritz.domain;

import java.util.List;
import org.hipparchus.special.Erf;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.sampling.PointSource;

/** The open ball |x - c| &lt; r in any dimension (a disk when d = 2). */
public final class Ball implements Domain {
    private final double[] c;
    private final double r;

    public Ball(double[] center, double radius) {
        if (!(radius > 0)) {
            throw new IllegalArgumentException("ball: radius must be > 0, got " + radius);
        }
        this.c = center.clone();
        this.r = radius;
    }

    @Override
    public int dim() {
        return c.length;
    }

    public double radius() {
        return r;
    }

    public double[] center() {
        return c.clone();
    }

    @Override
    public boolean contains(double[] x) {
        double s = 0;
        for (int i = 0; i < c.length; i++) {
            s += (x[i] - c[i]) * (x[i] - c[i]);
        }
        return s < r * r;
    }

    @Override
    public double[] lower() {
        double[] lo = c.clone();
        for (int i = 0; i < lo.length; i++) {
            lo[i] -= r;
        }
        return lo;
    }

    @Override
    public double[] upper() {
        double[] hi = c.clone();
        for (int i = 0; i < hi.length; i++) {
            hi[i] += r;
        }
        return hi;
    }

    /** pi^(d/2) r^d / Gamma(d/2 + 1). */
    @Override
    public double measure() {
        int d = c.length;
        return Math.pow(Math.PI, d / 2.0)
                * Math.pow(r, d)
                / Math.exp(org.hipparchus.special.Gamma.logGamma(d / 2.0 + 1));
    }

    /** d / r times the volume. */
    @Override
    public double boundaryMeasure() {
        return c.length / r * measure();
    }

    /** A direction uniform on the sphere from d uniforms (inverse normal CDF, then normalise). */
    private double[] direction(double[] u, int offset) {
        int d = c.length;
        double[] g = new double[d];
        double norm = 0;
        for (int i = 0; i < d; i++) {
            double ui = Math.min(Math.max(u[(offset + i) % u.length], 1e-12), 1 - 1e-12);
            g[i] = Math.sqrt(2) * Erf.erfInv(2 * ui - 1);
            norm += g[i] * g[i];
        }
        norm = Math.sqrt(norm);
        if (norm < 1e-12) {
            // The centre of the cube (e.g. a quasi-random point at 0.5 in every coordinate) has no
            // direction.
            g = new double[d];
            g[0] = 1;
            return g;
        }
        for (int i = 0; i < d; i++) {
            g[i] /= norm;
        }
        return g;
    }

    @Override
    public Tensor sampleInterior(int n, PointSource src, DType dtype) {
        int d = c.length;
        if (d == 2) {
            // Polar map of two uniforms: area-preserving, so quasi-random points stay well spread.
            double[] out = new double[2 * n];
            for (int k = 0; k < n; k++) {
                double[] u = src.next();
                double rho = r * Math.sqrt(u[0]), th = 2 * Math.PI * u[1];
                out[2 * k] = c[0] + rho * Math.cos(th);
                out[2 * k + 1] = c[1] + rho * Math.sin(th);
            }
            return Tensor.of(dtype, out, n, 2);
        }
        double[] out = new double[n * d];
        for (int k = 0; k < n; k++) {
            double[] u = src.next();
            double[] dir = direction(u, 0);
            double rho = r * Math.pow(u[d % u.length], 1.0 / d);
            for (int i = 0; i < d; i++) {
                out[k * d + i] = c[i] + rho * dir[i];
            }
        }
        return Tensor.of(dtype, out, n, d);
    }

    @Override
    public BoundarySample sampleBoundary(int n, PointSource src, DType dtype) {
        int d = c.length;
        List<double[]> pts = Domain.list(), nrm = Domain.list();
        for (int k = 0; k < n; k++) {
            double[] u = src.next();
            double[] dir;
            if (d == 2) {
                double th = 2 * Math.PI * u[0];
                dir = new double[] {Math.cos(th), Math.sin(th)};
            } else {
                dir = direction(u, 0);
            }
            double[] x = new double[d];
            for (int i = 0; i < d; i++) {
                x[i] = c[i] + r * dir[i];
            }
            pts.add(x);
            nrm.add(dir);
        }
        return Domain.pack(pts, nrm, d, dtype);
    }

    /** (r^2 - |x - c|^2) / (2r): zero on the sphere, unit normal derivative there. */
    @Override
    public Tensor distance(Tensor x) {
        Tensor s = null;
        for (int i = 0; i < c.length; i++) {
            Tensor t = x.slice(1, i, i + 1).sub(c[i]).square();
            s = s == null ? t : s.add(t);
        }
        return s.neg().add(r * r).div(2 * r);
    }

    @Override
    public String toString() {
        return "ball center " + java.util.Arrays.toString(c) + " radius " + r;
    }
}
