package org.implicitlayers.ritz.domain;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.sampling.PointSource;

/**
 * The unit disk cut along the segment from the centre to (1, 0): the domain of the crack problem,
 * whose solution behaves like r^(1/2) sin(theta/2) at the crack tip. The slit is part of the
 * boundary, with both of its sides (normals (0, -1) above... and (0, 1) below are outward into the
 * slit).
 */
public final class SlitDisk implements Domain {
    private final Ball disk = new Ball(new double[] {0, 0}, 1);

    @Override
    public int dim() {
        return 2;
    }

    @Override
    public boolean contains(double[] x) {
        boolean onSlit = Math.abs(x[1]) < 1e-14 && x[0] >= 0;
        return disk.contains(x) && !onSlit;
    }

    @Override
    public double[] lower() {
        return disk.lower();
    }

    @Override
    public double[] upper() {
        return disk.upper();
    }

    @Override
    public double measure() {
        return Math.PI;
    }

    /** The circle and both sides of the slit. */
    @Override
    public double boundaryMeasure() {
        return 2 * Math.PI + 2;
    }

    @Override
    public Tensor sampleInterior(int n, PointSource src, DType dtype) {
        return disk.sampleInterior(n, src, dtype);
    }

    @Override
    public BoundarySample sampleBoundary(int n, PointSource src, DType dtype) {
        List<double[]> pts = Domain.list(), nrm = Domain.list();
        double total = boundaryMeasure();
        for (int k = 0; k < n; k++) {
            double[] u = src.next();
            double s = u[0] * total;
            if (s < 2 * Math.PI) {
                pts.add(new double[] {Math.cos(s), Math.sin(s)});
                nrm.add(new double[] {Math.cos(s), Math.sin(s)});
            } else {
                double t = s - 2 * Math.PI; // in [0, 2): upper side, then lower side
                boolean upperSide = t < 1;
                pts.add(new double[] {upperSide ? t : t - 1, 0});
                nrm.add(new double[] {0, upperSide ? -1 : 1});
            }
        }
        return Domain.pack(pts, nrm, 2, dtype);
    }

    @Override
    public Tensor distance(Tensor x) {
        return RFunctions.equivalence(disk.distance(x).abs(), RFunctions.segment(x, 0, 0, 1, 0));
    }

    @Override
    public String toString() {
        return "slit disk";
    }

    /**
     * The crack tip: the origin, interior angle 2 pi from the slit's upper side round to its lower
     * side, radius 1.
     */
    @Override
    public List<Corner> reentrantCorners() {
        return List.of(new Corner(0, 0, 0, 2 * Math.PI, 1));
    }
}
