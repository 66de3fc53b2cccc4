package org.implicitlayers.ritz.loss;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ritz.domain.Corner;
import org.implicitlayers.ritz.domain.Polygon;
import org.implicitlayers.ritz.sampling.PointSource;
import org.junit.jupiter.api.Test;

/** Re-entrant corners of polygons and the corner-singular terms built from them. */
class CornerEnrichmentTest {
    @Test
    void theLShapeHasOneCornerOfThreeQuarterTurnsWhicheverWayItsVerticesRun() {
        List<Corner> c = Polygon.lShape().reentrantCorners();
        assertEquals(1, c.size());
        assertEquals(0, c.get(0).x());
        assertEquals(0, c.get(0).y());
        assertEquals(0, c.get(0).start(), 1e-15);
        assertEquals(1.5 * Math.PI, c.get(0).omega(), 1e-14);
        assertEquals(1, c.get(0).radius(), 1e-15);
        double[][] cw = {{-1, 1}, {1, 1}, {1, 0}, {0, 0}, {0, -1}, {-1, -1}};
        assertEquals(c, new Polygon(cw).reentrantCorners());
        assertTrue(
                new Polygon(new double[][] {{0, 0}, {2, 0}, {1, 1.5}})
                        .reentrantCorners()
                        .isEmpty());
    }

    @Test
    void aRotatedTranslatedUShapeHasTwoCornersWithTheirNearestEdgeDistances() {
        // U: [0,3] x [0,2] without [1,2] x [1,2]; corners at (2,1) and (1,1), each 1 from the other
        // (via the bottom edge of the notch).
        double[][] u = {{0, 0}, {3, 0}, {3, 2}, {2, 2}, {2, 1}, {1, 1}, {1, 2}, {0, 2}};
        double a = Math.toRadians(30), cs = Math.cos(a), sn = Math.sin(a);
        double[][] moved = new double[u.length][];
        for (int i = 0; i < u.length; i++) {
            moved[i] =
                    new double[] {
                        5 + cs * u[i][0] - sn * u[i][1], -2 + sn * u[i][0] + cs * u[i][1]
                    };
        }
        List<Corner> c = new Polygon(moved).reentrantCorners();
        assertEquals(2, c.size());
        for (Corner k : c) {
            assertEquals(1.5 * Math.PI, k.omega(), 1e-12);
            assertEquals(1, k.radius(), 1e-12);
        }
        // At (2, 1) the edge leaving it runs to (1, 1), direction pi before the rotation.
        assertEquals(5 + cs * 2 - sn, c.get(0).x(), 1e-12);
        assertEquals(Math.PI + a - 2 * Math.PI, c.get(0).start(), 1e-12);
    }

    /** chi(t) = 1 - t^4 (35 - 84 t + 70 t^2 - 20 t^3), written out here. */
    static double chi(double t) {
        t = Math.min(t, 1);
        return 1 - Math.pow(t, 4) * (35 - 84 * t + 70 * t * t - 20 * t * t * t);
    }

    @Test
    void theLeadingTermIsTheLShapeSolutionTimesTheCutoffAndVanishesOnTheBoundary() {
        CornerEnrichment e =
                new CornerEnrichment(Polygon.lShape().reentrantCorners(), DType.FLOAT64);
        assertArrayEquals(new double[] {2.0 / 3, 4.0 / 3}, e.exponents(), 1e-15);
        Tensor x = Polygon.lShape().sampleInterior(300, PointSource.sobol(3), DType.FLOAT64);
        double[] xv = x.toDoubleArray(), f = e.features(x).toDoubleArray();
        for (int i = 0; i < 300; i++) {
            double px = xv[2 * i], py = xv[2 * i + 1];
            double r = Math.hypot(px, py), theta = Math.atan2(py, px) + (py < 0 ? 2 * Math.PI : 0);
            assertEquals(chi(r) * Math.pow(r, 2.0 / 3) * Math.sin(2 * theta / 3), f[2 * i], 1e-12);
            assertEquals(
                    chi(r) * Math.pow(r, 4.0 / 3) * Math.sin(4 * theta / 3), f[2 * i + 1], 1e-12);
        }
        Tensor b =
                Polygon.lShape().sampleBoundary(400, PointSource.sobol(2), DType.FLOAT64).points();
        for (double v : e.features(b).toDoubleArray()) {
            assertEquals(0, v, 1e-12);
        }
    }

    @Test
    void gradientAndLaplacianOnTheTapeMatchCentralDifferences() {
        CornerEnrichment e =
                new CornerEnrichment(Polygon.lShape().reentrantCorners(), DType.FLOAT64);
        double[][] pts = {
            {-0.3, 0.2}, {0.05, 0.1}, {-0.5, -0.6}, {0.7, 0.4}, {-0.02, -0.03}, {0.4, 0.95}
        };
        double h = 1e-4;
        for (double[] p : pts) {
            Tensor x = Tensor.of(DType.FLOAT64, p, 1, 2).requiringGrad();
            Tensor f = e.features(x);
            for (int k = 0; k < 2; k++) {
                Tensor g =
                        Grad.of(
                                new Tensor[] {f.slice(1, k, k + 1).sum()},
                                new Tensor[] {x},
                                null,
                                Grad.Options.defaults()
                                        .withCreateGraph(true)
                                        .withRetainGraph(true))[0];
                double lap = 0;
                for (int q = 0; q < 2; q++) {
                    lap +=
                            Grad.of(
                                            new Tensor[] {g.slice(1, q, q + 1).sum()},
                                            new Tensor[] {x},
                                            null,
                                            Grad.Options.defaults().withRetainGraph(true))[0]
                                    .toDoubleArray()[q];
                }
                double c = at(e, p[0], p[1], k);
                double fdx = (at(e, p[0] + h, p[1], k) - at(e, p[0] - h, p[1], k)) / (2 * h);
                double fdy = (at(e, p[0], p[1] + h, k) - at(e, p[0], p[1] - h, k)) / (2 * h);
                double fdLap =
                        (at(e, p[0] + h, p[1], k)
                                        + at(e, p[0] - h, p[1], k)
                                        + at(e, p[0], p[1] + h, k)
                                        + at(e, p[0], p[1] - h, k)
                                        - 4 * c)
                                / (h * h);
                double[] gv = g.detach().toDoubleArray();
                double scale = Math.pow(Math.hypot(p[0], p[1]), e.exponents()[k] - 2);
                assertEquals(fdx, gv[0], 1e-6 * scale, "d/dx at " + p[0] + "," + p[1]);
                assertEquals(fdy, gv[1], 1e-6 * scale, "d/dy at " + p[0] + "," + p[1]);
                assertEquals(fdLap, lap, 1e-4 * scale, "Laplacian at " + p[0] + "," + p[1]);
            }
        }
    }

    private static double at(CornerEnrichment e, double x, double y, int k) {
        return e.features(Tensor.of(DType.FLOAT64, new double[] {x, y}, 1, 2)).toDoubleArray()[k];
    }

    @Test
    void theCrackTipOfTheSlitDiskGivesHalfIntegerTermsThatVanishOnTheSlitAndTheCircle() {
        org.implicitlayers.ritz.domain.SlitDisk d = new org.implicitlayers.ritz.domain.SlitDisk();
        CornerEnrichment e = new CornerEnrichment(d.reentrantCorners(), DType.FLOAT64);
        assertArrayEquals(new double[] {0.5, 1.5}, e.exponents(), 1e-15);
        Tensor b = d.sampleBoundary(300, PointSource.sobol(2), DType.FLOAT64).points();
        for (double v : e.features(b).toDoubleArray()) {
            assertEquals(0, v, 1e-12);
        }
        // r^(1/2) sin(theta / 2), theta in [0, 2 pi) from the slit's upper side.
        double[] p = {-0.3, -0.2};
        double r = Math.hypot(p[0], p[1]), theta = Math.atan2(p[1], p[0]) + 2 * Math.PI;
        assertEquals(chi(r) * Math.sqrt(r) * Math.sin(theta / 2), at(e, p[0], p[1], 0), 1e-12);
    }

    @Test
    void compositeDomainsFindTheCornersWhereTheirOperandsEdgesMeet() {
        org.implicitlayers.ritz.domain.Box big =
                new org.implicitlayers.ritz.domain.Box(new double[] {-1, -1}, new double[] {1, 1});
        org.implicitlayers.ritz.domain.Box quadrant =
                new org.implicitlayers.ritz.domain.Box(new double[] {0, -1}, new double[] {1, 0});
        org.implicitlayers.ritz.domain.Csg l =
                new org.implicitlayers.ritz.domain.Csg(
                        org.implicitlayers.ritz.domain.Csg.Op.DIFFERENCE, big, quadrant);
        List<Corner> c = l.reentrantCorners();
        assertEquals(1, c.size(), c.toString());
        Corner want = Polygon.lShape().reentrantCorners().get(0);
        assertEquals(want.x(), c.get(0).x(), 1e-12);
        assertEquals(want.y(), c.get(0).y(), 1e-12);
        assertEquals(want.start(), c.get(0).start(), 1e-12);
        assertEquals(want.omega(), c.get(0).omega(), 1e-12);
        assertEquals(want.radius(), c.get(0).radius(), 1e-12);
        // A plus sign (the union of two crossing bars) has four corners of 3 pi / 2, each 1 from
        // the far edges.
        org.implicitlayers.ritz.domain.Csg plus =
                new org.implicitlayers.ritz.domain.Csg(
                        org.implicitlayers.ritz.domain.Csg.Op.UNION,
                        new org.implicitlayers.ritz.domain.Box(
                                new double[] {-3, -1}, new double[] {3, 1}),
                        new org.implicitlayers.ritz.domain.Box(
                                new double[] {-1, -3}, new double[] {1, 3}));
        List<Corner> four = plus.reentrantCorners();
        assertEquals(4, four.size(), four.toString());
        CornerEnrichment e = new CornerEnrichment(four, DType.FLOAT64);
        for (Corner k : four) {
            assertEquals(1.5 * Math.PI, k.omega(), 1e-12);
            assertEquals(1, Math.abs(k.x()), 1e-12);
            assertEquals(1, Math.abs(k.y()), 1e-12);
        }
        Tensor b = plus.sampleBoundary(400, PointSource.sobol(2), DType.FLOAT64).points();
        for (double v : e.features(b).toDoubleArray()) {
            assertEquals(0, v, 1e-12);
        }
        // A disk cut from a corner of the square leaves convex corners only.
        org.implicitlayers.ritz.domain.Csg bite =
                new org.implicitlayers.ritz.domain.Csg(
                        org.implicitlayers.ritz.domain.Csg.Op.DIFFERENCE,
                        org.implicitlayers.ritz.domain.Box.unitCube(2),
                        new org.implicitlayers.ritz.domain.Ball(new double[] {1, 1}, 0.5));
        assertTrue(bite.reentrantCorners().isEmpty());
    }
}
