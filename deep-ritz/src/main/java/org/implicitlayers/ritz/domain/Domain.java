package org.implicitlayers.ritz.domain;

import java.util.ArrayList;
import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * A region of R^d on which a PDE is posed. It answers: inside?, sample the interior, sample the
 * boundary with outward normals (in proportion to boundary measure), measure, and a distance to the
 * boundary for exact boundary conditions.
 */
public interface Domain {
    int dim();

    /** True for interior points (points on the boundary may go either way). */
    boolean contains(double[] x);

    /** Lower corner of a bounding box. */
    double[] lower();

    /** Upper corner of a bounding box. */
    double[] upper();

    /**
     * Volume (area in 2-D): exact where a formula exists, else estimated once by quasi-Monte Carlo.
     */
    double measure();

    /** Boundary measure (length in 2-D), exact or estimated likewise. */
    double boundaryMeasure();

    /** Points on the boundary and the outward unit normals there. */
    record BoundarySample(Tensor points, Tensor normals) {}

    /**
     * A smooth approximate distance to the boundary, as a differentiable tensor function of x [n,
     * d] -> [n, 1]: zero on the boundary, positive inside, with unit normal derivative on the
     * boundary (R-functions, Rvachev; Sukumar and Srivastava 2022). Used by the ansatz u = g + phi
     * N.
     */
    Tensor distance(Tensor x);

    /** Interior points; the default rejects points of the bounding box that fall outside. */
    default Tensor sampleInterior(int n, PointSource src, DType dtype) {
        double[] lo = lower(), hi = upper();
        int d = dim();
        double[] out = new double[n * d];
        int got = 0, tries = 0;
        while (got < n) {
            if (++tries > 1000 * n + 100000) {
                throw new IllegalStateException(
                        "sampling the interior: fewer than 1 in 1000 bounding-box points fall inside the domain");
            }
            double[] u = src.next();
            double[] x = new double[d];
            for (int i = 0; i < d; i++) {
                x[i] = lo[i] + u[i] * (hi[i] - lo[i]);
            }
            if (contains(x)) {
                System.arraycopy(x, 0, out, got * d, d);
                got++;
            }
        }
        return Tensor.of(dtype, out, n, d);
    }

    BoundarySample sampleBoundary(int n, PointSource src, DType dtype);

    /**
     * The re-entrant corners of a plane domain (interior angle above pi), where solutions have
     * singular gradients; empty for smooth or convex domains and in other dimensions. Polygons, the
     * slit disk and differences, unions and intersections of plane domains (corners between
     * straight edges of polygon and box operands) report theirs.
     */
    default java.util.List<Corner> reentrantCorners() {
        return java.util.List.of();
    }

    /** Packs rows of points and normals into tensors. */
    static BoundarySample pack(List<double[]> pts, List<double[]> nrm, int d, DType dtype) {
        int n = pts.size();
        double[] p = new double[n * d], q = new double[n * d];
        for (int i = 0; i < n; i++) {
            System.arraycopy(pts.get(i), 0, p, i * d, d);
            System.arraycopy(nrm.get(i), 0, q, i * d, d);
        }
        return new BoundarySample(Tensor.of(dtype, p, n, d), Tensor.of(dtype, q, n, d));
    }

    static List<double[]> list() {
        return new ArrayList<>();
    }
}
