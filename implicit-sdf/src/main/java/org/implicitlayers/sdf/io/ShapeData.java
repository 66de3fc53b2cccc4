package org.implicitlayers.sdf.io;

import org.implicitlayers.sdf.mesh.Mesh;

/**
 * What a geometry file held: vertices [3 n], per-vertex normals [3 n] or null, triangles [3 m]
 * (polygons fanned into triangles) or an empty array.
 */
public record ShapeData(double[] points, double[] normals, int[] faces) {
    public PointCloud cloud() {
        PointCloud c = new PointCloud(points, null);
        return normals == null ? c : c.withNormals(normals);
    }

    public Mesh mesh() {
        return new Mesh(points, faces);
    }
}
