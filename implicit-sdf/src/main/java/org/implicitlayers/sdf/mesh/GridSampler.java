package org.implicitlayers.sdf.mesh;

import java.util.Arrays;

/**
 * Evaluates a field on a cube grid of n^3 points over [lo, hi]^3 (endpoints included), densely or
 * coarse to fine.
 *
 * <p>Coarse to fine: the grid is covered by blocks of {@code coarseBlock} cells per side; a block
 * is evaluated at its corners and dropped when all eight share a sign and the smallest |f| exceeds
 * L times the distance from the block's centre to a corner (every point of the block lies within
 * that distance of some corner, so f cannot vanish inside when L bounds |grad f|); otherwise it is
 * split into eight and the test repeats, down to single cells. A child whose corner shared with its
 * parent has |f| above L times the child's diagonal is dropped before its other corners are
 * evaluated. Only points near the zero level set are evaluated, and the cells that marching cubes
 * needs are exactly those that keep all their corners, so the mesh equals the dense one whenever L
 * really bounds the slope. For an exact SDF L = 1. For a network, L is {@link Options#lipschitz()}
 * if given, otherwise estimated as {@link Options#safety()} times the largest slope between
 * neighbouring points of the coarsest lattice (at least 1): an estimate, not a proof, so {@link
 * Result#estimated()} says which was used.
 */
public final class GridSampler {
    /**
     * Options.
     *
     * @param resolution points per axis, n (&gt;= 2)
     * @param lo lower corner of the cube (each axis)
     * @param hi upper corner
     * @param batch points per call of the field (65536)
     * @param adaptive coarse to fine (true) or every point (false)
     * @param coarseBlock cells per side of the coarsest blocks, a power of 2 (16)
     * @param lipschitz a bound on |grad f| to prune with, or NaN to estimate one
     * @param safety factor on the estimated slope (2)
     */
    public record Options(
            int resolution,
            double lo,
            double hi,
            int batch,
            boolean adaptive,
            int coarseBlock,
            double lipschitz,
            double safety) {
        /**
         * The most points per axis: the n^3 values are one float array, whose length Java bounds by
         * 2^31 - 1.
         */
        public static final int MAX_RESOLUTION = 1290;

        public Options {
            if (resolution > MAX_RESOLUTION) {
                throw new IllegalArgumentException(
                        "grid resolution "
                                + resolution
                                + ": at most "
                                + MAX_RESOLUTION
                                + " points per axis (the "
                                + resolution
                                + "^3 values would not fit in one array)");
            }
            if (resolution < 2
                    || !(hi > lo)
                    || batch < 1
                    || coarseBlock < 1
                    || Integer.bitCount(coarseBlock) != 1
                    || !(safety >= 1)
                    || (!Double.isNaN(lipschitz) && !(lipschitz > 0))) {
                throw new IllegalArgumentException(
                        "GridSampler: need resolution >= 2, hi > lo, batch >= 1, coarseBlock a power of 2,"
                                + " safety >= 1 and lipschitz > 0 or NaN; got "
                                + resolution
                                + ", ["
                                + lo
                                + ", "
                                + hi
                                + "], "
                                + batch
                                + ", "
                                + coarseBlock
                                + ", "
                                + safety
                                + ", "
                                + lipschitz);
            }
        }

        /**
         * About the bytes a grid of {@code n} points per axis needs while a mesh is made from it:
         * its float values, a copy (in other units, for the outputs), and the marching-cubes mesh,
         * taken as another copy's worth: 12 n^3.
         */
        public static long bytesNeeded(int n) {
            return 12L * n * n * n;
        }

        /**
         * 128^3 over [-1.1, 1.1]^3, batches of 65536, coarse to fine from 16-cell blocks, L
         * estimated with safety 2.
         */
        public static Options defaults() {
            return new Options(128, -1.1, 1.1, 65536, true, 16, Double.NaN, 2);
        }

        public Options withResolution(int n) {
            return new Options(n, lo, hi, batch, adaptive, coarseBlock, lipschitz, safety);
        }

        public Options withAdaptive(boolean on) {
            return new Options(resolution, lo, hi, batch, on, coarseBlock, lipschitz, safety);
        }

        public Options withLipschitz(double l) {
            return new Options(resolution, lo, hi, batch, adaptive, coarseBlock, l, safety);
        }

        public Options withBounds(double a, double b) {
            return new Options(resolution, a, b, batch, adaptive, coarseBlock, lipschitz, safety);
        }
    }

    /**
     * A sampled grid.
     *
     * @param grid the values (NaN where not evaluated)
     * @param evaluated points evaluated
     * @param lipschitz the bound used for pruning (NaN for dense)
     * @param estimated whether that bound was estimated rather than given
     * @param seconds wall time
     */
    public record Result(
            ScalarGrid grid, long evaluated, double lipschitz, boolean estimated, double seconds) {}

    private GridSampler() {}

    public static Result sample(ScalarField field, Options o) {
        long t0 = System.nanoTime();
        int n = o.resolution();
        float[] values = new float[n * n * n];
        Arrays.fill(values, Float.NaN);
        ScalarGrid grid = ScalarGrid.cube(n, o.lo(), o.hi(), values);
        Evaluator ev = new Evaluator(field, grid, o.batch());
        if (!o.adaptive()) {
            for (int idx = 0; idx < values.length; idx++) {
                ev.request(idx);
            }
            ev.flush();
            return new Result(grid, ev.count, Double.NaN, false, (System.nanoTime() - t0) / 1e9);
        }
        int s = Math.min(o.coarseBlock(), Integer.highestOneBit(n - 1));
        int[] lattice = lattice(n, s);
        for (int i : lattice) {
            for (int j : lattice) {
                for (int k : lattice) {
                    ev.request(grid.index(i, j, k));
                }
            }
        }
        ev.flush();
        boolean estimated = Double.isNaN(o.lipschitz());
        double lip = estimated ? o.safety() * Math.max(1, slope(grid, lattice)) : o.lipschitz();
        // Active blocks as (i, j, k) lower corners at the current block size s.
        IntBuffer active = new IntBuffer();
        for (int i = 0; i + 1 < lattice.length; i++) {
            for (int j = 0; j + 1 < lattice.length; j++) {
                for (int k = 0; k + 1 < lattice.length; k++) {
                    active.add(lattice[i], lattice[j], lattice[k]);
                }
            }
        }
        double h = grid.spacing()[0];
        while (s > 1) {
            IntBuffer kept = new IntBuffer();
            int half = s / 2;
            for (int b = 0; b < active.size; b += 3) {
                int i = active.a[b], j = active.a[b + 1], k = active.a[b + 2];
                int ei = Math.min(s, n - 1 - i),
                        ej = Math.min(s, n - 1 - j),
                        ek = Math.min(s, n - 1 - k);
                if (prunable(grid, i, j, k, ei, ej, ek, lip, h)) {
                    continue;
                }
                for (int di = 0; di < ei; di += half) {
                    for (int dj = 0; dj < ej; dj += half) {
                        for (int dk = 0; dk < ek; dk += half) {
                            int ci = i + di, cj = j + dj, ck = k + dk;
                            int fi = Math.min(half, n - 1 - ci),
                                    fj = Math.min(half, n - 1 - cj),
                                    fk = Math.min(half, n - 1 - ck);
                            // The child shares one corner with this block, already known: every
                            // point
                            // of the child lies within the child's diagonal of it.
                            float shared =
                                    grid.value(
                                            di == 0 ? ci : ci + fi,
                                            dj == 0 ? cj : cj + fj,
                                            dk == 0 ? ck : ck + fk);
                            if (Math.abs(shared)
                                    > lip
                                            * h
                                            * Math.sqrt(
                                                    (double) fi * fi
                                                            + (double) fj * fj
                                                            + (double) fk * fk)) {
                                continue;
                            }
                            kept.add(ci, cj, ck);
                            for (int c = 0; c < 8; c++) {
                                ev.request(
                                        grid.index(
                                                ci + ((c & 1) != 0 ? fi : 0),
                                                cj + ((c & 2) != 0 ? fj : 0),
                                                ck + ((c & 4) != 0 ? fk : 0)));
                            }
                        }
                    }
                }
            }
            ev.flush();
            active = kept;
            s = half;
        }
        return new Result(grid, ev.count, lip, estimated, (System.nanoTime() - t0) / 1e9);
    }

    /** Multiples of s below n - 1, then n - 1. */
    private static int[] lattice(int n, int s) {
        int m = (n - 2) / s + 2;
        int[] l = new int[m];
        for (int i = 0; i < m - 1; i++) {
            l[i] = i * s;
        }
        l[m - 1] = n - 1;
        return l;
    }

    private static double slope(ScalarGrid g, int[] lat) {
        double best = 0;
        for (int a = 0; a < lat.length; a++) {
            for (int b = 0; b < lat.length; b++) {
                for (int c = 0; c + 1 < lat.length; c++) {
                    double d = (lat[c + 1] - lat[c]) * g.spacing()[0];
                    best =
                            Math.max(
                                    best,
                                    Math.abs(
                                                    g.value(lat[a], lat[b], lat[c + 1])
                                                            - g.value(lat[a], lat[b], lat[c]))
                                            / d);
                    best =
                            Math.max(
                                    best,
                                    Math.abs(
                                                    g.value(lat[a], lat[c + 1], lat[b])
                                                            - g.value(lat[a], lat[c], lat[b]))
                                            / d);
                    best =
                            Math.max(
                                    best,
                                    Math.abs(
                                                    g.value(lat[c + 1], lat[a], lat[b])
                                                            - g.value(lat[c], lat[a], lat[b]))
                                            / d);
                }
            }
        }
        return best;
    }

    private static boolean prunable(
            ScalarGrid g, int i, int j, int k, int ei, int ej, int ek, double lip, double h) {
        double radius = 0.5 * h * Math.sqrt((double) ei * ei + (double) ej * ej + (double) ek * ek);
        double min = Double.POSITIVE_INFINITY;
        int sign = 0;
        for (int c = 0; c < 8; c++) {
            float v =
                    g.value(
                            i + ((c & 1) != 0 ? ei : 0),
                            j + ((c & 2) != 0 ? ej : 0),
                            k + ((c & 4) != 0 ? ek : 0));
            int sg = v < 0 ? -1 : 1;
            if (sign != 0 && sg != sign) {
                return false;
            }
            sign = sg;
            min = Math.min(min, Math.abs(v));
        }
        return min > lip * radius;
    }

    /** Collects requested grid points (each once) and evaluates them in batches. */
    private static final class Evaluator {
        final ScalarField field;
        final ScalarGrid grid;
        final int batch;
        final boolean[] requested;
        final IntBuffer pending = new IntBuffer();
        long count;

        Evaluator(ScalarField field, ScalarGrid grid, int batch) {
            this.field = field;
            this.grid = grid;
            this.batch = batch;
            this.requested = new boolean[grid.values().length];
        }

        void request(int idx) {
            if (!requested[idx]) {
                requested[idx] = true;
                pending.add1(idx);
            }
        }

        void flush() {
            int nyz = grid.ny() * grid.nz(), nz = grid.nz();
            double[] xyz = new double[3 * Math.min(batch, Math.max(1, pending.size))];
            float[] out = new float[xyz.length / 3];
            for (int start = 0; start < pending.size; start += batch) {
                int m = Math.min(batch, pending.size - start);
                for (int p = 0; p < m; p++) {
                    int idx = pending.a[start + p];
                    xyz[3 * p] = grid.coord(0, idx / nyz);
                    xyz[3 * p + 1] = grid.coord(1, (idx / nz) % grid.ny());
                    xyz[3 * p + 2] = grid.coord(2, idx % nz);
                }
                field.evaluate(xyz, m, out);
                for (int p = 0; p < m; p++) {
                    grid.values()[pending.a[start + p]] = out[p];
                }
            }
            count += pending.size;
            pending.size = 0;
        }
    }

    private static final class IntBuffer {
        int[] a = new int[1024];
        int size;

        void add1(int x) {
            if (size == a.length) {
                a = Arrays.copyOf(a, 2 * size);
            }
            a[size++] = x;
        }

        void add(int x, int y, int z) {
            add1(x);
            add1(y);
            add1(z);
        }
    }
}
