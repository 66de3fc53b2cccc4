package org.implicitlayers.sdf.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.sdf.mesh.Shapes;
import org.junit.jupiter.api.Test;

class NormalEstimationTest {
    @Test
    void jacobiFindsTheLeastVarianceDirection() {
        // Covariance of a flat cloud in the plane normal to (1, 2, 2)/3.
        double[] n = {1 / 3.0, 2 / 3.0, 2 / 3.0};
        double[][] c = new double[3][3];
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                c[a][b] = (a == b ? 1 : 0) - 0.999 * n[a] * n[b];
            }
        }
        double[] e = NormalEstimation.smallestEigenvector(c);
        double s = Math.signum(e[0]);
        assertArrayEquals(n, new double[] {s * e[0], s * e[1], s * e[2]}, 1e-12);
    }

    @Test
    void estimatedNormalsAgreeWithTheExactOutwardNormals() {
        for (Shapes.Shape shape :
                new Shapes.Shape[] {
                    Shapes.sphere(0.7), Shapes.torus(0.6, 0.25), Shapes.box(0.5, 0.4, 0.3)
                }) {
            PointCloud c = BuiltinClouds.sample(shape, 3000, 1);
            double[] est = NormalEstimation.estimate(c.points(), 10);
            int aligned = 0, outward = 0, n = c.size();
            for (int i = 0; i < n; i++) {
                double d = 0;
                for (int a = 0; a < 3; a++) {
                    d += est[3 * i + a] * c.normals()[3 * i + a];
                }
                aligned += Math.abs(d) > 0.95 ? 1 : 0;
                outward += d > 0 ? 1 : 0;
            }
            // Near the box's edges the neighbourhoods straddle two faces.
            double need = shape.name().equals("box") ? 0.85 : 0.97;
            assertTrue(
                    aligned > need * n,
                    shape.name() + ": " + aligned + " of " + n + " within 18 degrees");
            assertTrue(
                    outward > 0.99 * n,
                    shape.name() + ": " + outward + " of " + n + " oriented outward");
        }
    }
}
