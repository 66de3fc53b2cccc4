package org.implicitlayers.sdf.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A mesh without normals gives its vertices the area-weighted normals of its triangles. */
class FaceNormalsTest {
    // A tetrahedron with outward-facing triangles (counter-clockwise seen from outside).
    private static final double[] V = {1, 1, 1, 1, -1, -1, -1, 1, -1, -1, -1, 1};
    private static final int[] F = {0, 1, 2, 0, 3, 1, 0, 2, 3, 1, 3, 2};

    @Test
    void anOutwardOrientedMeshGetsOutwardUnitNormals() {
        ShapeData s = new ShapeData(V, null, F);
        assertTrue(s.normalsFromFaces());
        PointCloud c = s.cloud();
        assertTrue(c.hasNormals());
        for (int v = 0; v < 4; v++) {
            double[] n = {c.normals()[3 * v], c.normals()[3 * v + 1], c.normals()[3 * v + 2]};
            assertEquals(1, Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]), 1e-12);
            // By symmetry each vertex normal points straight away from the centre: along the vertex
            // itself.
            double dot =
                    (n[0] * V[3 * v] + n[1] * V[3 * v + 1] + n[2] * V[3 * v + 2]) / Math.sqrt(3);
            assertEquals(1, dot, 1e-12, "vertex " + v);
        }
    }

    @Test
    void theFilesOwnNormalsWinAndAVertexOffEveryTriangleMeansNone() {
        double[] own = {0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 1};
        ShapeData withNormals = new ShapeData(V, own, F);
        assertFalse(withNormals.normalsFromFaces());
        assertEquals(1.0, withNormals.cloud().normals()[2]);
        double[] five = java.util.Arrays.copyOf(V, 15); // a fifth vertex on no triangle
        ShapeData loose = new ShapeData(five, null, F);
        assertFalse(loose.normalsFromFaces());
        assertNull(loose.cloud().normals());
        assertNull(new ShapeData(V, null, new int[0]).cloud().normals());
    }
}
