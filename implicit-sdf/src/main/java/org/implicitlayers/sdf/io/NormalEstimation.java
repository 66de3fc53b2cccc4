package org.implicitlayers.sdf.io;

import java.util.PriorityQueue;
import java.util.stream.IntStream;
import org.implicitlayers.sdf.mesh.KdTree;

/**
 * Normals of a bare point cloud (Hoppe et al. 1992): the direction of least variance of each
 * point's k nearest neighbours (the eigenvector of the smallest eigenvalue of their covariance),
 * then a consistent orientation by propagation along a minimum spanning tree of the k-nearest graph
 * with edge cost 1 - |n_i . n_j|, so that flips travel across nearly parallel tangent planes first.
 * Each connected part starts from its point farthest from the centroid, oriented away from it
 * (outward for a closed surface around its centroid).
 */
public final class NormalEstimation {
    private NormalEstimation() {}

    /** Unit normals [3 n] for {@code points} [3 n], from {@code k} neighbours (10 is usual). */
    public static double[] estimate(double[] points, int k) {
        int n = points.length / 3;
        if (n < 3 || k < 3) {
            throw new IllegalArgumentException(
                    "NormalEstimation: need at least 3 points and k >= 3, got "
                            + n
                            + " points, k = "
                            + k);
        }
        KdTree tree = new KdTree(points);
        int kk = Math.min(k, n);
        int[][] nbr = new int[n][];
        double[] normals = new double[3 * n];
        IntStream.range(0, n)
                .parallel()
                .forEach(
                        i -> {
                            nbr[i] =
                                    tree.nearest(
                                            points[3 * i],
                                            points[3 * i + 1],
                                            points[3 * i + 2],
                                            kk);
                            double[] c = new double[3];
                            for (int j : nbr[i]) {
                                for (int a = 0; a < 3; a++) {
                                    c[a] += points[3 * j + a] / kk;
                                }
                            }
                            double[][] cov = new double[3][3];
                            for (int j : nbr[i]) {
                                for (int a = 0; a < 3; a++) {
                                    for (int b = 0; b < 3; b++) {
                                        cov[a][b] +=
                                                (points[3 * j + a] - c[a])
                                                        * (points[3 * j + b] - c[b]);
                                    }
                                }
                            }
                            double[] v = smallestEigenvector(cov);
                            System.arraycopy(v, 0, normals, 3 * i, 3);
                        });
        orient(points, normals, nbr);
        return normals;
    }

    /**
     * Prim's algorithm over the k-nearest graph (made symmetric by using each point's own list).
     */
    private static void orient(double[] p, double[] nr, int[][] nbr) {
        int n = nbr.length;
        double cx = 0, cy = 0, cz = 0;
        for (int i = 0; i < n; i++) {
            cx += p[3 * i] / n;
            cy += p[3 * i + 1] / n;
            cz += p[3 * i + 2] / n;
        }
        // Reverse lists, so that j in nbr[i] also lets i be reached from j.
        int[] count = new int[n];
        for (int[] l : nbr) {
            for (int j : l) {
                count[j]++;
            }
        }
        int[][] rev = new int[n][];
        for (int i = 0; i < n; i++) {
            rev[i] = new int[count[i]];
            count[i] = 0;
        }
        for (int i = 0; i < n; i++) {
            for (int j : nbr[i]) {
                rev[j][count[j]++] = i;
            }
        }
        boolean[] done = new boolean[n];
        int remaining = n;
        while (remaining > 0) {
            int seed = -1;
            double far = -1;
            for (int i = 0; i < n; i++) {
                if (!done[i]) {
                    double d =
                            Math.pow(p[3 * i] - cx, 2)
                                    + Math.pow(p[3 * i + 1] - cy, 2)
                                    + Math.pow(p[3 * i + 2] - cz, 2);
                    if (d > far) {
                        far = d;
                        seed = i;
                    }
                }
            }
            if ((p[3 * seed] - cx) * nr[3 * seed]
                            + (p[3 * seed + 1] - cy) * nr[3 * seed + 1]
                            + (p[3 * seed + 2] - cz) * nr[3 * seed + 2]
                    < 0) {
                flip(nr, seed);
            }
            // Queue entries: cost, target, source.
            PriorityQueue<double[]> q = new PriorityQueue<>((a, b) -> Double.compare(a[0], b[0]));
            q.add(new double[] {0, seed, seed});
            while (!q.isEmpty()) {
                double[] e = q.poll();
                int j = (int) e[1], from = (int) e[2];
                if (done[j]) {
                    continue;
                }
                done[j] = true;
                remaining--;
                if (j != from && dot(nr, j, from) < 0) {
                    flip(nr, j);
                }
                for (int[] list : new int[][] {nbr[j], rev[j]}) {
                    for (int t : list) {
                        if (!done[t]) {
                            q.add(new double[] {1 - Math.abs(dot(nr, j, t)), t, j});
                        }
                    }
                }
            }
        }
    }

    private static double dot(double[] nr, int i, int j) {
        return nr[3 * i] * nr[3 * j]
                + nr[3 * i + 1] * nr[3 * j + 1]
                + nr[3 * i + 2] * nr[3 * j + 2];
    }

    private static void flip(double[] nr, int i) {
        for (int a = 0; a < 3; a++) {
            nr[3 * i + a] = -nr[3 * i + a];
        }
    }

    /**
     * Unit eigenvector of the smallest eigenvalue of a symmetric 3x3 matrix (cyclic Jacobi
     * rotations).
     */
    static double[] smallestEigenvector(double[][] m) {
        double[][] a = {m[0].clone(), m[1].clone(), m[2].clone()};
        double[][] v = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        for (int sweep = 0; sweep < 50; sweep++) {
            double off = a[0][1] * a[0][1] + a[0][2] * a[0][2] + a[1][2] * a[1][2];
            if (off < 1e-30 * (a[0][0] * a[0][0] + a[1][1] * a[1][1] + a[2][2] * a[2][2])
                    || off == 0) {
                break;
            }
            for (int pI = 0; pI < 2; pI++) {
                for (int qI = pI + 1; qI < 3; qI++) {
                    if (a[pI][qI] == 0) {
                        continue;
                    }
                    double theta = (a[qI][qI] - a[pI][pI]) / (2 * a[pI][qI]);
                    double t =
                            Math.signum(theta == 0 ? 1 : theta)
                                    / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    double c = 1 / Math.sqrt(t * t + 1), s = t * c;
                    for (int r = 0; r < 3; r++) {
                        double arp = a[r][pI], arq = a[r][qI];
                        a[r][pI] = c * arp - s * arq;
                        a[r][qI] = s * arp + c * arq;
                    }
                    for (int r = 0; r < 3; r++) {
                        double apr = a[pI][r], aqr = a[qI][r];
                        a[pI][r] = c * apr - s * aqr;
                        a[qI][r] = s * apr + c * aqr;
                    }
                    for (int r = 0; r < 3; r++) {
                        double vrp = v[r][pI], vrq = v[r][qI];
                        v[r][pI] = c * vrp - s * vrq;
                        v[r][qI] = s * vrp + c * vrq;
                    }
                }
            }
        }
        int best = 0;
        for (int i = 1; i < 3; i++) {
            if (a[i][i] < a[best][best]) {
                best = i;
            }
        }
        double[] e = {v[0][best], v[1][best], v[2][best]};
        double l = Math.sqrt(e[0] * e[0] + e[1] * e[1] + e[2] * e[2]);
        return new double[] {e[0] / l, e[1] / l, e[2] / l};
    }
}
