package org.implicitlayers.sdf.mesh;

import java.util.stream.IntStream;
import org.implicitlayers.core.Rng;

/**
 * Distances between a mesh and a point set (Fan et al. 2017; Mescheder et al. 2019 for normal
 * consistency; Tatarchenko et al. 2019 for the F-score). The mesh is represented by area-weighted
 * samples; nearest neighbours come from {@link KdTree}s, queried on all cores.
 */
public final class SurfaceMetrics {
    private SurfaceMetrics() {}

    /**
     * Metrics between two point sets a (mesh samples) and b (the reference).
     *
     * @param chamfer symmetric Chamfer distance: mean of the two mean nearest-neighbour distances
     * @param accuracy mean distance from a to b
     * @param completeness mean distance from b to a
     * @param hausdorff largest nearest-neighbour distance, both ways
     * @param normalConsistency mean |n_a . n_b| over nearest pairs, both ways (NaN without normals)
     * @param fScore harmonic mean of precision and recall at {@code threshold}
     * @param threshold the F-score distance
     */
    public record Result(
            double chamfer,
            double accuracy,
            double completeness,
            double hausdorff,
            double normalConsistency,
            double fScore,
            double threshold) {}

    /**
     * A uniform (area-weighted) sample of the mesh: [3 n] points followed by their face normals in
     * {@code normalsOut}.
     */
    public static double[] sample(Mesh m, int n, Rng rng, double[] normalsOut) {
        int nf = m.faceCount();
        if (nf == 0) {
            throw new IllegalArgumentException("SurfaceMetrics.sample: the mesh has no faces");
        }
        double[] cum = new double[nf];
        double total = 0;
        for (int f = 0; f < nf; f++) {
            total += m.triangleArea(f);
            cum[f] = total;
        }
        double[] out = new double[3 * n];
        double[] v = m.vertices();
        int[] fa = m.faces();
        for (int s = 0; s < n; s++) {
            double r = rng.nextDouble() * total;
            int lo = 0, hi = nf - 1;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (cum[mid] < r) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            double r1 = Math.sqrt(rng.nextDouble()), r2 = rng.nextDouble();
            int a = 3 * fa[3 * lo], b = 3 * fa[3 * lo + 1], c = 3 * fa[3 * lo + 2];
            for (int d = 0; d < 3; d++) {
                out[3 * s + d] =
                        (1 - r1) * v[a + d] + r1 * (1 - r2) * v[b + d] + r1 * r2 * v[c + d];
            }
            if (normalsOut != null) {
                double[] fnrm = m.faceNormal(lo);
                double len = Math.sqrt(fnrm[0] * fnrm[0] + fnrm[1] * fnrm[1] + fnrm[2] * fnrm[2]);
                for (int d = 0; d < 3; d++) {
                    normalsOut[3 * s + d] = len > 0 ? fnrm[d] / len : 0;
                }
            }
        }
        return out;
    }

    /**
     * Nearest-neighbour distances from each point of {@code from} to {@code tree}; indices into
     * {@code nearestOut}.
     */
    private static double[] distances(double[] from, KdTree tree, int[] nearestOut) {
        int n = from.length / 3;
        double[] d = new double[n];
        IntStream.range(0, n)
                .parallel()
                .forEach(
                        i -> {
                            double x = from[3 * i], y = from[3 * i + 1], z = from[3 * i + 2];
                            int j = tree.nearest(x, y, z);
                            nearestOut[i] = j;
                            d[i] = tree.distance(x, y, z);
                        });
        return d;
    }

    /**
     * Metrics between point sets {@code a} and {@code b} ([3 n] each) with optional unit normals.
     */
    public static Result compare(
            double[] a, double[] aNormals, double[] b, double[] bNormals, double threshold) {
        KdTree ta = new KdTree(a), tb = new KdTree(b);
        int[] ab = new int[a.length / 3], ba = new int[b.length / 3];
        double[] dab = distances(a, tb, ab), dba = distances(b, ta, ba);
        double acc = mean(dab), comp = mean(dba);
        double haus = Math.max(max(dab), max(dba));
        double precision = fraction(dab, threshold), recall = fraction(dba, threshold);
        double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0;
        double nc = Double.NaN;
        if (aNormals != null && bNormals != null) {
            nc =
                    0.5
                            * (normalAgreement(aNormals, bNormals, ab)
                                    + normalAgreement(bNormals, aNormals, ba));
        }
        return new Result(0.5 * (acc + comp), acc, comp, haus, nc, f, threshold);
    }

    private static double normalAgreement(double[] na, double[] nb, int[] match) {
        double s = 0;
        for (int i = 0; i < match.length; i++) {
            int j = match[i];
            s +=
                    Math.abs(
                            na[3 * i] * nb[3 * j]
                                    + na[3 * i + 1] * nb[3 * j + 1]
                                    + na[3 * i + 2] * nb[3 * j + 2]);
        }
        return s / match.length;
    }

    private static double mean(double[] d) {
        double s = 0;
        for (double x : d) {
            s += x;
        }
        return s / d.length;
    }

    private static double max(double[] d) {
        double m = 0;
        for (double x : d) {
            m = Math.max(m, x);
        }
        return m;
    }

    private static double fraction(double[] d, double t) {
        int c = 0;
        for (double x : d) {
            if (x < t) {
                c++;
            }
        }
        return (double) c / d.length;
    }

    /**
     * Mean |f| of an analytic shape over points of a mesh (its SDF error on the extracted surface).
     */
    public static double meanAbsSdf(Shapes.Shape shape, double[] points) {
        double s = 0;
        int n = points.length / 3;
        for (int i = 0; i < n; i++) {
            s += Math.abs(shape.distance(points[3 * i], points[3 * i + 1], points[3 * i + 2]));
        }
        return s / n;
    }
}
