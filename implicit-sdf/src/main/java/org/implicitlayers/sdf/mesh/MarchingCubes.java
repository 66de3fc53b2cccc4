package org.implicitlayers.sdf.mesh;

import java.util.Arrays;

/**
 * Marching cubes (Lorensen and Cline 1987) that resolves every ambiguous face with the asymptotic
 * decider (Nielson and Hamann 1991), so that two cells sharing a face always cut it the same way:
 * the mesh of a closed level set inside the grid is watertight and an oriented 2-manifold (each
 * edge in exactly two triangles, with opposite directions).
 *
 * <p>Instead of a 256-case lookup table the triangles of a cell are built from its faces: on each
 * face the crossings of the level set with the face's edges are paired into segments (the pairing
 * of the ambiguous four-crossing face chosen by the decider, which depends on the face's four
 * values only), the segments of the six faces form closed loops, and each loop becomes a triangle
 * fan. Cells whose values include NaN (not evaluated) produce nothing.
 *
 * <p>Points with value &lt; level are inside; triangles are oriented so that their normals point
 * toward larger values (outward for a signed distance). Vertices lie on grid edges by linear
 * interpolation and are shared between neighbouring cells.
 */
public final class MarchingCubes {
    /** Corner offsets (x, y, z) of the unit cube. */
    private static final int[][] CORNER = {
        {0, 0, 0}, {1, 0, 0}, {1, 1, 0}, {0, 1, 0}, {0, 0, 1}, {1, 0, 1}, {1, 1, 1}, {0, 1, 1}
    };

    /** Faces as corner loops, counter-clockwise seen from outside the cell. */
    private static final int[][] FACE = {
        {0, 3, 2, 1}, {4, 5, 6, 7}, {0, 1, 5, 4}, {3, 7, 6, 2}, {0, 4, 7, 3}, {1, 2, 6, 5}
    };

    /** Edge index of each corner pair (-1 when not an edge). */
    private static final int[][] EDGE = new int[8][8];

    /** Lower and upper corner of each of the 12 edges. */
    private static final int[] EDGE_FROM = new int[12];

    private static final int[] EDGE_TO = new int[12];

    static {
        for (int[] row : EDGE) {
            Arrays.fill(row, -1);
        }
        int e = 0;
        for (int a = 0; a < 8; a++) {
            for (int b = a + 1; b < 8; b++) {
                int diff = 0;
                for (int d = 0; d < 3; d++) {
                    diff += Math.abs(CORNER[a][d] - CORNER[b][d]);
                }
                if (diff == 1) {
                    EDGE[a][b] = EDGE[b][a] = e;
                    boolean aLower =
                            CORNER[a][0] + CORNER[a][1] + CORNER[a][2]
                                    < CORNER[b][0] + CORNER[b][1] + CORNER[b][2];
                    EDGE_FROM[e] = aLower ? a : b;
                    EDGE_TO[e] = aLower ? b : a;
                    e++;
                }
            }
        }
    }

    private MarchingCubes() {}

    /** The level set {@code value = level} of {@code grid}, in the grid's coordinates. */
    public static Mesh extract(ScalarGrid grid, double level) {
        int nx = grid.nx(), ny = grid.ny(), nz = grid.nz();
        float[] v = grid.values();
        VertexIndex verts = new VertexIndex();
        Growable.Ints faces = new Growable.Ints();
        double[] w = new double[8];
        boolean[] in = new boolean[8];
        int[] next = new int[12];
        int[] vid = new int[12];
        int[] loop = new int[12];
        int[] cornerIndex = new int[8];
        for (int c = 0; c < 8; c++) {
            cornerIndex[c] = (CORNER[c][0] * ny + CORNER[c][1]) * nz + CORNER[c][2];
        }
        for (int i = 0; i < nx - 1; i++) {
            for (int j = 0; j < ny - 1; j++) {
                int base = (i * ny + j) * nz;
                for (int k = 0; k < nz - 1; k++) {
                    int insideCount = 0;
                    boolean unknown = false;
                    for (int c = 0; c < 8; c++) {
                        float val = v[base + k + cornerIndex[c]];
                        if (Float.isNaN(val)) {
                            unknown = true;
                            break;
                        }
                        w[c] = val - level;
                        in[c] = w[c] < 0;
                        if (in[c]) {
                            insideCount++;
                        }
                    }
                    if (unknown || insideCount == 0 || insideCount == 8) {
                        continue;
                    }
                    cell(grid, i, j, k, w, in, next, vid, loop, verts, faces);
                }
            }
        }
        return new Mesh(verts.coords.toArray(), faces.toArray());
    }

    private static void cell(
            ScalarGrid g,
            int i,
            int j,
            int k,
            double[] w,
            boolean[] in,
            int[] next,
            int[] vid,
            int[] loop,
            VertexIndex verts,
            Growable.Ints faces) {
        Arrays.fill(next, -1);
        Arrays.fill(vid, -1);
        int[] cross = new int[4];
        boolean[] exit = new boolean[4];
        int ambiguousEdges = 0; // bit e: crossing e lies on a face with four crossings
        for (int[] f : FACE) {
            int m = 0;
            for (int s = 0; s < 4; s++) {
                int a = f[s], b = f[(s + 1) & 3];
                if (in[a] != in[b]) {
                    cross[m] = EDGE[a][b];
                    exit[m] = in[a];
                    m++;
                }
            }
            if (m == 2) {
                int x = exit[0] ? 0 : 1;
                next[cross[x]] = cross[1 - x];
            } else if (m == 4) {
                // Negative corners on one diagonal: joined through the face iff the bilinear
                // saddle value is negative, i.e. w_neg1 * w_neg2 > w_pos1 * w_pos2 (products are
                // symmetric, so both cells sharing the face decide alike).
                double negProd = in[f[0]] ? w[f[0]] * w[f[2]] : w[f[1]] * w[f[3]];
                double posProd = in[f[0]] ? w[f[1]] * w[f[3]] : w[f[0]] * w[f[2]];
                boolean joined = negProd > posProd;
                for (int x = 0; x < 4; x++) {
                    ambiguousEdges |= 1 << cross[x];
                }
                for (int x = 0; x < 4; x++) {
                    if (exit[x]) {
                        // Joined: pair with the entry after this exit; separated: the one before.
                        next[cross[x]] = cross[joined ? (x + 1) & 3 : (x + 3) & 3];
                    }
                }
            }
        }
        for (int e = 0; e < 12; e++) {
            if (next[e] < 0) {
                continue;
            }
            int n = 0;
            for (int cur = e; next[cur] >= 0; ) {
                loop[n++] = cur;
                int nx = next[cur];
                next[cur] = -1;
                cur = nx;
            }
            for (int t = 0; t < n; t++) {
                if (vid[loop[t]] < 0) {
                    vid[loop[t]] = vertex(g, i, j, k, loop[t], w, verts);
                }
            }
            // The loop runs with the inside on its left seen from outside the cell, i.e. its
            // right-hand normal points inside; triangles are reversed so normals point outward.
            if (crossesFaceTwice(loop, n, ambiguousEdges)) {
                // A fan chord would join two crossings of one face, an edge that the neighbour
                // cell may use too: triangulate around a new vertex at the loop's centroid.
                int centre = verts.addCentroid(vid, loop, n);
                for (int t = 0; t < n; t++) {
                    faces.add(centre);
                    faces.add(vid[loop[(t + 1) % n]]);
                    faces.add(vid[loop[t]]);
                }
            } else {
                for (int t = 1; t + 1 < n; t++) {
                    faces.add(vid[loop[0]]);
                    faces.add(vid[loop[t + 1]]);
                    faces.add(vid[loop[t]]);
                }
            }
        }
    }

    /**
     * Whether the loop holds all four crossings of some ambiguous face (so it passes that face
     * twice).
     */
    private static boolean crossesFaceTwice(int[] loop, int n, int ambiguousEdges) {
        if (ambiguousEdges == 0 || n < 4) {
            return false;
        }
        int inLoop = 0;
        for (int t = 0; t < n; t++) {
            inLoop |= 1 << loop[t];
        }
        for (int[] f : FACE) {
            int mask = 0;
            for (int s = 0; s < 4; s++) {
                mask |= 1 << EDGE[f[s]][f[(s + 1) & 3]];
            }
            if ((mask & ambiguousEdges) == mask && (mask & inLoop) == mask) {
                return true;
            }
        }
        return false;
    }

    private static int vertex(
            ScalarGrid g, int i, int j, int k, int e, double[] w, VertexIndex verts) {
        int a = EDGE_FROM[e], b = EDGE_TO[e];
        int ai = i + CORNER[a][0], aj = j + CORNER[a][1], ak = k + CORNER[a][2];
        int axis = CORNER[b][0] != CORNER[a][0] ? 0 : CORNER[b][1] != CORNER[a][1] ? 1 : 2;
        long key = ((long) g.index(ai, aj, ak)) * 3 + axis;
        int id = verts.find(key);
        if (id >= 0) {
            return id;
        }
        double t = w[a] / (w[a] - w[b]);
        double[] p = {g.coord(0, ai), g.coord(1, aj), g.coord(2, ak)};
        p[axis] += t * g.spacing()[axis];
        return verts.add(key, p);
    }

    /** Grid edge to vertex id (open addressing), and the vertex coordinates. */
    private static final class VertexIndex {
        long[] keys = new long[1 << 12];
        int[] ids = new int[1 << 12];
        int size;
        final Growable.Doubles coords = new Growable.Doubles();

        VertexIndex() {
            Arrays.fill(keys, -1);
        }

        private int slot(long key, long[] ks) {
            int mask = ks.length - 1;
            int h = (int) (key * 0x9E3779B97F4A7C15L >>> 40) & mask;
            while (ks[h] != -1 && ks[h] != key) {
                h = (h + 1) & mask;
            }
            return h;
        }

        int find(long key) {
            int h = slot(key, keys);
            return keys[h] == key ? ids[h] : -1;
        }

        int addCentroid(int[] vid, int[] loop, int n) {
            double[] c = new double[3];
            for (int t = 0; t < n; t++) {
                for (int d = 0; d < 3; d++) {
                    c[d] += coords.get(3 * vid[loop[t]] + d) / n;
                }
            }
            coords.add(c[0]);
            coords.add(c[1]);
            coords.add(c[2]);
            return size++;
        }

        int add(long key, double[] p) {
            if (2 * (size + 1) > keys.length) {
                long[] ok = keys;
                int[] oi = ids;
                keys = new long[ok.length * 2];
                ids = new int[ok.length * 2];
                Arrays.fill(keys, -1);
                for (int s = 0; s < ok.length; s++) {
                    if (ok[s] != -1) {
                        int h = slot(ok[s], keys);
                        keys[h] = ok[s];
                        ids[h] = oi[s];
                    }
                }
            }
            int h = slot(key, keys);
            keys[h] = key;
            ids[h] = size;
            coords.add(p[0]);
            coords.add(p[1]);
            coords.add(p[2]);
            return size++;
        }
    }
}
