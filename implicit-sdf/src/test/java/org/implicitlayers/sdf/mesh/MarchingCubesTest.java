package org.implicitlayers.sdf.mesh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.implicitlayers.core.Rng;
import org.junit.jupiter.api.Test;

class MarchingCubesTest {
    static Mesh mesh(ScalarField f, int n) {
        return MarchingCubes.extract(
                GridSampler.sample(
                                f,
                                GridSampler.Options.defaults()
                                        .withResolution(n)
                                        .withAdaptive(false))
                        .grid(),
                0);
    }

    /**
     * Every undirected edge is used by exactly two triangles, once in each direction; returns the
     * edge count.
     */
    static int assertClosedOrientedManifold(Mesh m) {
        Map<Long, Integer> directed = new HashMap<>();
        int[] f = m.faces();
        long nv = m.vertexCount();
        for (int t = 0; t < f.length; t += 3) {
            for (int e = 0; e < 3; e++) {
                int a = f[t + e], b = f[t + (e + 1) % 3];
                assertTrue(a != b, "triangle " + t / 3 + " repeats vertex " + a);
                long key = a * nv + b;
                assertEquals(
                        null,
                        directed.put(key, t / 3),
                        "directed edge " + a + "->" + b + " used twice");
            }
        }
        for (long key : directed.keySet()) {
            long a = key / nv, b = key % nv;
            assertTrue(
                    directed.containsKey(b * nv + a),
                    "edge " + a + "-" + b + " has a single triangle (a hole)");
        }
        return directed.size() / 2;
    }

    static int euler(Mesh m) {
        return m.vertexCount() - assertClosedOrientedManifold(m) + m.faceCount();
    }

    @Test
    void sphereIsAClosedManifoldOfEulerCharacteristicTwo() {
        for (int n : new int[] {8, 17, 40}) {
            Mesh m = mesh(Shapes.sphere(0.7), n);
            assertEquals(2, euler(m), "sphere at " + n + "^3");
            assertTrue(m.signedVolume() > 0, "outward normals");
        }
    }

    @Test
    void enclosedVolumeConvergesToTheSphere() {
        double exact = 4.0 / 3 * Math.PI * 0.343;
        assertEquals(exact, mesh(Shapes.sphere(0.7), 64).signedVolume(), 0.01 * exact);
    }

    @Test
    void torusIsAClosedManifoldOfEulerCharacteristicZero() {
        for (int n : new int[] {24, 33, 64}) {
            Mesh m = mesh(Shapes.torus(0.6, 0.25), n);
            assertEquals(0, euler(m), "torus at " + n + "^3");
            assertTrue(m.signedVolume() > 0);
        }
    }

    @Test
    void randomFieldsFullOfAmbiguousFacesStillGiveClosedManifolds() {
        // Noise on a coarse grid makes many ambiguous faces and cells; a positive rim closes the
        // surface.
        Rng rng = Rng.seeded(3);
        for (int trial = 0; trial < 20; trial++) {
            int n = 9;
            float[] v = new float[n * n * n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    for (int k = 0; k < n; k++) {
                        boolean rim =
                                i == 0
                                        || j == 0
                                        || k == 0
                                        || i == n - 1
                                        || j == n - 1
                                        || k == n - 1;
                        v[(i * n + j) * n + k] = rim ? 1f : (float) (2 * rng.nextDouble() - 1);
                    }
                }
            }
            Mesh m = MarchingCubes.extract(ScalarGrid.cube(n, 0, 1, v), 0);
            assertClosedOrientedManifold(m);
            assertTrue(m.signedVolume() > 0, "inside regions enclosed with outward normals");
        }
    }

    @Test
    void verticesLieOnTheAnalyticSurface() {
        Shapes.Shape s = Shapes.sphere(0.7);
        Mesh m = mesh(s, 64);
        double h = 2.2 / 63, worst = 0;
        for (int i = 0; i < m.vertexCount(); i++) {
            double[] v = m.vertices();
            worst = Math.max(worst, Math.abs(s.distance(v[3 * i], v[3 * i + 1], v[3 * i + 2])));
        }
        assertTrue(
                worst < 0.05 * h,
                "linear interpolation of an exact SDF along grid edges: " + worst);
    }

    @Test
    void coarseToFineSamplingGivesTheDenseMesh() {
        for (Shapes.Shape s :
                new Shapes.Shape[] {
                    Shapes.sphere(0.7), Shapes.torus(0.6, 0.25), Shapes.box(0.5, 0.4, 0.3)
                }) {
            GridSampler.Options o = GridSampler.Options.defaults().withResolution(70);
            GridSampler.Result dense = GridSampler.sample(s, o.withAdaptive(false));
            GridSampler.Result exact = GridSampler.sample(s, o.withLipschitz(1));
            GridSampler.Result estimated = GridSampler.sample(s, o);
            Mesh reference = MarchingCubes.extract(dense.grid(), 0);
            assertEquals(reference, MarchingCubes.extract(exact.grid(), 0), s.name() + ", L = 1");
            assertEquals(
                    reference,
                    MarchingCubes.extract(estimated.grid(), 0),
                    s.name() + ", L estimated");
            assertTrue(
                    exact.evaluated() < dense.evaluated() / 3,
                    s.name() + ": evaluated " + exact.evaluated() + " of " + dense.evaluated());
        }
    }
}
