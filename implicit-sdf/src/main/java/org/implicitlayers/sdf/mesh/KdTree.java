package org.implicitlayers.sdf.mesh;

/**
 * A static 3-d tree over points [3 n] for nearest-neighbour and k-nearest queries. Built by median
 * splits on the widest axis (O(n log n)); queries are thread-safe.
 */
public final class KdTree {
    private final double[] pts;
    private final int[] idx;

    /** Ranges of at most this many points are leaves, scanned linearly. */
    private static final int LEAF = 8;

    public KdTree(double[] points) {
        if (points.length == 0 || points.length % 3 != 0) {
            throw new IllegalArgumentException(
                    "KdTree: need a non-empty [3 n] array, got " + points.length + " values");
        }
        this.pts = points;
        int n = points.length / 3;
        axes = new byte[n];
        idx = new int[n];
        for (int i = 0; i < n; i++) {
            idx[i] = i;
        }
        build(0, n);
    }

    public int size() {
        return idx.length;
    }

    private int axisOf(int lo, int hi) {
        double[] min = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
        double[] max = {-Double.MAX_VALUE, -Double.MAX_VALUE, -Double.MAX_VALUE};
        for (int i = lo; i < hi; i++) {
            for (int a = 0; a < 3; a++) {
                double v = pts[3 * idx[i] + a];
                min[a] = Math.min(min[a], v);
                max[a] = Math.max(max[a], v);
            }
        }
        int best = 0;
        for (int a = 1; a < 3; a++) {
            if (max[a] - min[a] > max[best] - min[best]) {
                best = a;
            }
        }
        return best;
    }

    /** Split axis of the node whose median sits at each position of idx. */
    private final byte[] axes;

    private void build(int lo, int hi) {
        if (hi - lo <= LEAF) {
            return;
        }
        int axis = axisOf(lo, hi);
        int mid = (lo + hi) >>> 1;
        select(lo, hi - 1, mid, axis);
        axes[mid] = (byte) axis;
        build(lo, mid);
        build(mid + 1, hi);
    }

    private void select(int lo, int hi, int k, int axis) {
        while (hi > lo) {
            double pivot = pts[3 * idx[(lo + hi) >>> 1] + axis];
            int i = lo, j = hi;
            while (i <= j) {
                while (pts[3 * idx[i] + axis] < pivot) {
                    i++;
                }
                while (pts[3 * idx[j] + axis] > pivot) {
                    j--;
                }
                if (i <= j) {
                    int t = idx[i];
                    idx[i] = idx[j];
                    idx[j] = t;
                    i++;
                    j--;
                }
            }
            if (k <= j) {
                hi = j;
            } else if (k >= i) {
                lo = i;
            } else {
                return;
            }
        }
    }

    /** Index of the point nearest to (x, y, z). */
    public int nearest(double x, double y, double z) {
        int[] k = nearest(x, y, z, 1);
        return k[0];
    }

    /** Distance from (x, y, z) to the nearest point. */
    public double distance(double x, double y, double z) {
        int i = nearest(x, y, z);
        double dx = pts[3 * i] - x, dy = pts[3 * i + 1] - y, dz = pts[3 * i + 2] - z;
        return Math.sqrt(dx * dx + dy * dy + dz * dz);
    }

    /** Indices of the k nearest points, nearest first (k is capped at the number of points). */
    public int[] nearest(double x, double y, double z, int k) {
        k = Math.min(k, idx.length);
        int[] best = new int[k];
        double[] d2 = new double[k];
        java.util.Arrays.fill(d2, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(best, -1);
        search(0, idx.length, x, y, z, best, d2);
        return best;
    }

    private void search(int lo, int hi, double x, double y, double z, int[] best, double[] d2) {
        if (hi - lo <= LEAF) {
            for (int i = lo; i < hi; i++) {
                offer(idx[i], x, y, z, best, d2);
            }
            return;
        }
        int mid = (lo + hi) >>> 1;
        int axis = axes[mid];
        offer(idx[mid], x, y, z, best, d2);
        double q = axis == 0 ? x : axis == 1 ? y : z;
        double diff = q - pts[3 * idx[mid] + axis];
        if (diff < 0) {
            search(lo, mid, x, y, z, best, d2);
            if (diff * diff < d2[d2.length - 1]) {
                search(mid + 1, hi, x, y, z, best, d2);
            }
        } else {
            search(mid + 1, hi, x, y, z, best, d2);
            if (diff * diff < d2[d2.length - 1]) {
                search(lo, mid, x, y, z, best, d2);
            }
        }
    }

    private void offer(int i, double x, double y, double z, int[] best, double[] d2) {
        double dx = pts[3 * i] - x, dy = pts[3 * i + 1] - y, dz = pts[3 * i + 2] - z;
        double d = dx * dx + dy * dy + dz * dz;
        int k = d2.length;
        if (d >= d2[k - 1]) {
            return;
        }
        int j = k - 1;
        while (j > 0 && d2[j - 1] > d) {
            d2[j] = d2[j - 1];
            best[j] = best[j - 1];
            j--;
        }
        d2[j] = d;
        best[j] = i;
    }
}
