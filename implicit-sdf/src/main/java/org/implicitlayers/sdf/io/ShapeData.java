package org.implicitlayers.sdf.io;

import org.implicitlayers.sdf.mesh.Mesh;

/**
 * What a geometry file held: vertices [3 n], per-vertex normals [3 n] or null, triangles [3 m]
 * (polygons fanned into triangles) or an empty array.
 */
public record ShapeData(double[] points, double[] normals, int[] faces) {
    /**
     * The vertices as a point cloud, with the file's normals, or else, for a mesh whose every
     * vertex lies on a triangle of non-zero area, the area-weighted normals of its triangles (so a
     * consistently oriented mesh keeps its orientation); otherwise without normals.
     */
    public PointCloud cloud() {
        PointCloud c = new PointCloud(points, null);
        if (normals != null) {
            return c.withNormals(normals);
        }
        double[] fromFaces = faceNormals();
        return fromFaces == null ? c : c.withNormals(fromFaces);
    }

    /**
     * Whether {@link #cloud()} takes its normals from the triangles (the file has faces but no
     * normals).
     */
    public boolean normalsFromFaces() {
        return normals == null && faceNormals() != null;
    }

    private double[] faceNormals() {
        if (faces.length == 0) {
            return null;
        }
        double[] acc = new double[points.length];
        for (int f = 0; f < faces.length; f += 3) {
            int a = 3 * faces[f], b = 3 * faces[f + 1], c = 3 * faces[f + 2];
            double ux = points[b] - points[a],
                    uy = points[b + 1] - points[a + 1],
                    uz = points[b + 2] - points[a + 2];
            double vx = points[c] - points[a],
                    vy = points[c + 1] - points[a + 1],
                    vz = points[c + 2] - points[a + 2];
            // The cross product's length is twice the triangle's area: area weighting for free.
            double nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
            for (int v : new int[] {a, b, c}) {
                acc[v] += nx;
                acc[v + 1] += ny;
                acc[v + 2] += nz;
            }
        }
        for (int v = 0; v < acc.length; v += 3) {
            double len =
                    Math.sqrt(acc[v] * acc[v] + acc[v + 1] * acc[v + 1] + acc[v + 2] * acc[v + 2]);
            if (!(len > 0)) {
                return null;
            }
            acc[v] /= len;
            acc[v + 1] /= len;
            acc[v + 2] /= len;
        }
        return acc;
    }

    public Mesh mesh() {
        return new Mesh(points, faces);
    }
}
