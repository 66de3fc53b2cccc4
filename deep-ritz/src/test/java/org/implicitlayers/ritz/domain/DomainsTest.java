package org.implicitlayers.ritz.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.sampling.PointSource;
import org.junit.jupiter.api.Test;

class DomainsTest {
    static List<Domain> planar() {
        return List.of(
                Box.unitCube(2),
                new Box(new double[] {-1, 0}, new double[] {1, 0.5}),
                new Ball(new double[] {0.5, -0.2}, 0.7),
                Polygon.lShape(),
                Csg.annulus(0.5, 1.0),
                new SlitDisk(),
                new Csg(
                        Csg.Op.DIFFERENCE,
                        new Ball(new double[] {0, 0}, 2),
                        new Ball(new double[] {0, 0}, 1)),
                new Csg(Csg.Op.UNION, Box.unitCube(2), new Ball(new double[] {1, 1}, 0.5)),
                new Csg(
                        Csg.Op.INTERSECTION,
                        new Box(new double[] {-1, -1}, new double[] {1, 1}),
                        new Ball(new double[] {1, 1}, 1.5)));
    }

    @Test
    void exactMeasures() {
        assertEquals(1.0, Box.unitCube(2).measure(), 0);
        assertEquals(4.0, Box.unitCube(2).boundaryMeasure(), 0);
        assertEquals(Math.PI * 0.49, new Ball(new double[] {0, 0}, 0.7).measure(), 1e-12);
        assertEquals(4.0 / 3 * Math.PI, new Ball(new double[] {0, 0, 0}, 1).measure(), 1e-12);
        assertEquals(
                Math.pow(Math.PI, 5) / 120,
                new Ball(new double[10], 1).measure(),
                1e-12); // V_10 = pi^5 / 5!
        assertEquals(3.0, Polygon.lShape().measure(), 1e-12);
        assertEquals(8.0, Polygon.lShape().boundaryMeasure(), 1e-12);
        // A difference of disks built generically: its estimated measures match pi (4 - 1) and 2 pi
        // (2 + 1).
        Csg ring =
                new Csg(
                        Csg.Op.DIFFERENCE,
                        new Ball(new double[] {0, 0}, 2),
                        new Ball(new double[] {0, 0}, 1));
        assertEquals(3 * Math.PI, ring.measure(), 0.01 * 3 * Math.PI);
        assertEquals(6 * Math.PI, ring.boundaryMeasure(), 0.01 * 6 * Math.PI);
    }

    @Test
    void sampledPointsAreInsideAndBoundaryNormalsPointOutward() {
        for (Domain d : planar()) {
            double[] in =
                    d.sampleInterior(500, PointSource.sobol(3), DType.FLOAT64).toDoubleArray();
            for (int k = 0; k < 500; k++) {
                assertTrue(
                        d.contains(new double[] {in[2 * k], in[2 * k + 1]}),
                        d + ": interior point " + k);
            }
            Domain.BoundarySample b = d.sampleBoundary(400, PointSource.halton(3), DType.FLOAT64);
            double[] p = b.points().toDoubleArray(), n = b.normals().toDoubleArray();
            int checked = 0;
            for (int k = 0; k < 400; k++) {
                double nx = n[2 * k], ny = n[2 * k + 1];
                assertEquals(1.0, Math.hypot(nx, ny), 1e-12, d + ": unit normal");
                double e = 1e-6;
                double[] out = {p[2 * k] + e * nx, p[2 * k + 1] + e * ny},
                        inward = {p[2 * k] - e * nx, p[2 * k + 1] - e * ny};
                // Skip points within 1e-5 of a corner, where "just inside" is ambiguous.
                if (d.contains(inward) && !d.contains(out)) {
                    checked++;
                } else {
                    assertTrue(
                            nearCorner(d, p[2 * k], p[2 * k + 1]) || d instanceof SlitDisk,
                            d + ": normal at (" + p[2 * k] + ", " + p[2 * k + 1] + ")");
                }
            }
            assertTrue(checked > 380 || d instanceof SlitDisk, d + ": " + checked);
        }
    }

    private static boolean nearCorner(Domain d, double x, double y) {
        int inside = 0;
        for (double dx : new double[] {-1e-5, 1e-5}) {
            for (double dy : new double[] {-1e-5, 1e-5}) {
                inside += d.contains(new double[] {x + dx, y + dy}) ? 1 : 0;
            }
        }
        return inside != 2;
    }

    /**
     * int_Omega div F = int_dOmega F.n for F = (x^2, y^3): sampling, measures and normals together.
     */
    @Test
    void divergenceTheoremHoldsForSampledQuadrature() {
        for (Domain d : planar()) {
            if (d instanceof SlitDisk) {
                continue; // the slit's two sides cancel; checked by the boundary measure instead
            }
            int n = 40000;
            double[] in = d.sampleInterior(n, PointSource.halton(3), DType.FLOAT64).toDoubleArray();
            double vol = 0;
            for (int k = 0; k < n; k++) {
                vol += 2 * in[2 * k] + 3 * in[2 * k + 1] * in[2 * k + 1];
            }
            vol *= d.measure() / n;
            Domain.BoundarySample b = d.sampleBoundary(n, PointSource.sobol(3), DType.FLOAT64);
            double[] p = b.points().toDoubleArray(), q = b.normals().toDoubleArray();
            double flux = 0;
            for (int k = 0; k < n; k++) {
                flux += p[2 * k] * p[2 * k] * q[2 * k] + Math.pow(p[2 * k + 1], 3) * q[2 * k + 1];
            }
            flux *= d.boundaryMeasure() / n;
            assertEquals(vol, flux, 0.02 * Math.max(1, Math.abs(vol)), d.toString());
        }
    }

    @Test
    void distanceVanishesOnTheBoundaryAndHasUnitSlopeThere() {
        for (Domain d : planar()) {
            Domain.BoundarySample b = d.sampleBoundary(200, PointSource.sobol(3), DType.FLOAT64);
            double[] phiB = d.distance(b.points()).toDoubleArray();
            for (double v : phiB) {
                assertEquals(0.0, v, 1e-6, d + ": distance on the boundary");
            }
            Tensor in = d.sampleInterior(200, PointSource.sobol(3), DType.FLOAT64);
            for (double v : d.distance(in).toDoubleArray()) {
                assertTrue(v > 0, d + ": distance inside must be positive, got " + v);
            }
        }
        // Normal derivative -dphi/dn = 1 approaching the middle of a side, or a circle, from
        // inside.
        double[][] at = {{0.5, 0.0}, {0.6, 0.8}, {-1, 0.3}};
        double[][] normal = {{0, -1}, {0.6, 0.8}, {-1, 0}};
        Domain[] ds = {Box.unitCube(2), new Ball(new double[] {0, 0}, 1), Polygon.lShape()};
        for (int i = 0; i < 3; i++) {
            double h = 1e-4;
            Tensor x =
                    Tensor.of(
                                    new double[] {
                                        at[i][0] - h * normal[i][0], at[i][1] - h * normal[i][1]
                                    },
                                    1,
                                    2)
                            .requiringGrad();
            Tensor g = Grad.of(ds[i].distance(x).sum(), x, false);
            double dn = g.get(0) * normal[i][0] + g.get(1) * normal[i][1];
            assertEquals(-1.0, dn, 1e-3, ds[i] + ": -dphi/dn");
        }
    }

    /**
     * At a vertex two edge distances vanish together: the gradient there must stay finite (a
     * plotting grid or a boundary sample can land exactly on one), and close to a vertex it must
     * match central differences.
     */
    @Test
    void distanceGradientIsFiniteAtVerticesAndMatchesDifferencesNearThem() {
        Polygon poly = Polygon.lShape();
        for (DType dt : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            for (double[] c : poly.vertices()) {
                Tensor x = Tensor.of(c, 1, 2).to(dt).requiringGrad();
                Tensor g = Grad.of(poly.distance(x).sum(), x, false);
                for (int j = 0; j < 2; j++) {
                    assertTrue(
                            Double.isFinite(g.get(j)),
                            dt + ": d phi / dx" + j + " at vertex (" + c[0] + ", " + c[1] + ")");
                }
            }
        }
        for (double[] c : poly.vertices()) {
            double[] p = {c[0] * 0.999 + 0.0003, c[1] * 0.999 + 0.0002};
            Tensor x = Tensor.of(p, 1, 2).requiringGrad();
            Tensor g = Grad.of(poly.distance(x).sum(), x, false);
            double h = 1e-7;
            for (int j = 0; j < 2; j++) {
                double[] a = p.clone(), b = p.clone();
                a[j] += h;
                b[j] -= h;
                double fd =
                        (poly.distance(Tensor.of(a, 1, 2)).get(0)
                                        - poly.distance(Tensor.of(b, 1, 2)).get(0))
                                / (2 * h);
                assertEquals(
                        fd,
                        g.get(j),
                        1e-5 * Math.max(1, Math.abs(fd)),
                        "near " + c[0] + ", " + c[1]);
            }
        }
    }

    @Test
    void boundaryPointsAreSpreadInProportionToLength() {
        Box b = new Box(new double[] {0, 0}, new double[] {2, 1});
        double[] p =
                b.sampleBoundary(6000, PointSource.sobol(3), DType.FLOAT64)
                        .points()
                        .toDoubleArray();
        int onLong = 0;
        for (int k = 0; k < 6000; k++) {
            if (p[2 * k + 1] == 0 || p[2 * k + 1] == 1) {
                onLong++;
            }
        }
        assertEquals(4.0 / 6, onLong / 6000.0, 0.01);
    }
}
