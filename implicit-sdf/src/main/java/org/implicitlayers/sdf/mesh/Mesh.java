package org.implicitlayers.sdf.mesh;

import java.util.Arrays;

/**
 * A triangle mesh: vertices [3 nv] (x y z per vertex) and faces [3 nf] (three vertex indices per
 * triangle, counter-clockwise seen from outside, so that normals point toward positive SDF values).
 */
public record Mesh(double[] vertices, int[] faces) {
    public Mesh {
        if (vertices.length % 3 != 0 || faces.length % 3 != 0) {
            throw new IllegalArgumentException(
                    "Mesh: vertex and face arrays must hold triples, got "
                            + vertices.length
                            + " and "
                            + faces.length
                            + " entries");
        }
        int nv = vertices.length / 3;
        for (int i = 0; i < faces.length; i++) {
            if (faces[i] < 0 || faces[i] >= nv) {
                throw new IllegalArgumentException(
                        "Mesh: face "
                                + i / 3
                                + " refers to vertex "
                                + faces[i]
                                + ", expected 0.."
                                + (nv - 1));
            }
        }
    }

    public int vertexCount() {
        return vertices.length / 3;
    }

    public int faceCount() {
        return faces.length / 3;
    }

    /** Total area. */
    public double area() {
        double a = 0;
        for (int f = 0; f < faceCount(); f++) {
            a += triangleArea(f);
        }
        return a;
    }

    /** Area of triangle {@code f}. */
    public double triangleArea(int f) {
        double[] n = faceNormal(f);
        return 0.5 * Math.sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
    }

    /** The unnormalised normal (b - a) x (c - a) of triangle {@code f} (twice its area long). */
    public double[] faceNormal(int f) {
        int a = 3 * faces[3 * f], b = 3 * faces[3 * f + 1], c = 3 * faces[3 * f + 2];
        double ux = vertices[b] - vertices[a],
                uy = vertices[b + 1] - vertices[a + 1],
                uz = vertices[b + 2] - vertices[a + 2];
        double vx = vertices[c] - vertices[a],
                vy = vertices[c + 1] - vertices[a + 1],
                vz = vertices[c + 2] - vertices[a + 2];
        return new double[] {uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx};
    }

    /** Enclosed volume by the divergence theorem; positive when faces are oriented outward. */
    public double signedVolume() {
        double v = 0;
        for (int f = 0; f < faceCount(); f++) {
            int a = 3 * faces[3 * f], b = 3 * faces[3 * f + 1], c = 3 * faces[3 * f + 2];
            v +=
                    vertices[a]
                                    * (vertices[b + 1] * vertices[c + 2]
                                            - vertices[b + 2] * vertices[c + 1])
                            - vertices[a + 1]
                                    * (vertices[b] * vertices[c + 2]
                                            - vertices[b + 2] * vertices[c])
                            + vertices[a + 2]
                                    * (vertices[b] * vertices[c + 1]
                                            - vertices[b + 1] * vertices[c]);
        }
        return v / 6;
    }

    /** The mesh with every vertex mapped by {@code f} ([3 n] to [3 n]). */
    public Mesh mapVertices(java.util.function.UnaryOperator<double[]> f) {
        return new Mesh(f.apply(vertices), faces);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mesh m
                && Arrays.equals(vertices, m.vertices)
                && Arrays.equals(faces, m.faces);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(vertices) + Arrays.hashCode(faces);
    }

    @Override
    public String toString() {
        return "Mesh[" + vertexCount() + " vertices, " + faceCount() + " faces]";
    }
}
