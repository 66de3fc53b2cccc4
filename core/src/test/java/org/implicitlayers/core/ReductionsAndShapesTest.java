package org.implicitlayers.core;

import static org.implicitlayers.core.TestBackends.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.implicitlayers.core.backend.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Reductions, permutations and indexing against loops written out here, on every backend. */
class ReductionsAndShapesTest {
    static final int A = 3, B = 4, C = 5;

    static double at(double[] x, int i, int j, int k) {
        return x[(i * B + j) * C + k];
    }

    @ParameterizedTest
    @MethodSource("org.implicitlayers.core.TestBackends#names")
    void reductionsOverEveryAxisSet(String backend) {
        Backend be = TestBackends.byName(backend);
        double[] x = TestBackends.randn(Rng.seeded(5), A * B * C);
        int[][] axesSets = {{0}, {1}, {2}, {0, 1}, {1, 2}, {0, 2}, {0, 1, 2}};
        for (int[] axes : axesSets) {
            boolean r0 = contains(axes, 0), r1 = contains(axes, 1), r2 = contains(axes, 2);
            int n0 = r0 ? 1 : A, n1 = r1 ? 1 : B, n2 = r2 ? 1 : C;
            double[] sum = new double[n0 * n1 * n2],
                    max = new double[sum.length],
                    min = new double[sum.length],
                    sq = new double[sum.length];
            java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
            java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
            for (int i = 0; i < A; i++) {
                for (int j = 0; j < B; j++) {
                    for (int k = 0; k < C; k++) {
                        int o = ((r0 ? 0 : i) * n1 + (r1 ? 0 : j)) * n2 + (r2 ? 0 : k);
                        double v = at(x, i, j, k);
                        sum[o] += v;
                        sq[o] += v * v;
                        max[o] = Math.max(max[o], v);
                        min[o] = Math.min(min[o], v);
                    }
                }
            }
            int count = A * B * C / sum.length;
            double[] mean = sum.clone(), norm = sq.clone();
            for (int o = 0; o < sum.length; o++) {
                mean[o] /= count;
                norm[o] = Math.sqrt(sq[o]);
            }
            for (DType dt : DType.values()) {
                double tol = dt == DType.FLOAT32 ? 1e-5 : 1e-13;
                String what = backend + " axes " + java.util.Arrays.toString(axes) + " " + dt;
                TestBackends.on(
                        be,
                        () -> {
                            Tensor t = Tensor.of(dt, x, A, B, C);
                            Tensor s = t.sum(axes, true);
                            assertArrayEquals(new int[] {n0, n1, n2}, s.shape(), what);
                            assertClose(sum, s.toDoubleArray(), tol, "sum " + what);
                            assertClose(
                                    mean, t.mean(axes, false).toDoubleArray(), tol, "mean " + what);
                            assertClose(
                                    max, t.max(axes, false).toDoubleArray(), tol, "max " + what);
                            assertClose(
                                    min, t.min(axes, false).toDoubleArray(), tol, "min " + what);
                            assertClose(
                                    norm, t.norm(axes, false).toDoubleArray(), tol, "norm " + what);
                            assertEquals(3 - axes.length, t.sum(axes, false).rank(), what);
                        });
            }
        }
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /**
     * Column sums of a tall matrix (a bias gradient: 4096 rows of 300 columns, 5 of them past the
     * last vector, and a middle reduced axis), which the JVM backend shares out by columns: against
     * sums in double precision, and the same bits on one thread and on two.
     */
    @ParameterizedTest
    @MethodSource("org.implicitlayers.core.TestBackends#names")
    void tallColumnSumsMatchAndDoNotDependOnTheThreadCount(String backend) {
        Backend be = TestBackends.byName(backend);
        int rows = 4096, cols = 300;
        double[] x = TestBackends.randn(Rng.seeded(9), rows * cols);
        double[] expected = new double[cols];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < cols; j++) {
                expected[j] += x[r * cols + j];
            }
        }
        int before = org.implicitlayers.core.backend.jvm.JvmBackend.threads();
        try {
            for (DType dt : DType.values()) {
                double[][] got = new double[2][];
                for (int t = 1; t <= 2; t++) {
                    org.implicitlayers.core.backend.jvm.JvmBackend.setThreads(t);
                    got[t - 1] =
                            TestBackends.on(
                                    be, () -> Tensor.of(dt, x, rows, cols).sum(0).toDoubleArray());
                }
                double tol = dt == DType.FLOAT32 ? 2e-4 * Math.sqrt(rows) : 1e-11 * rows;
                assertClose(expected, got[0], tol, backend + " " + dt + " column sums");
                assertArrayEquals(got[0], got[1], backend + " " + dt + ": 1 and 2 threads");
                double[] mid =
                        TestBackends.on(
                                be,
                                () ->
                                        Tensor.of(dt, x, 4, rows / 4, cols)
                                                .sum(new int[] {1}, false)
                                                .toDoubleArray());
                for (int o = 0; o < 4; o++) {
                    for (int j = 0; j < cols; j++) {
                        double e = 0;
                        for (int r = o * rows / 4; r < (o + 1) * rows / 4; r++) {
                            e += x[r * cols + j];
                        }
                        assertEquals(
                                e, mid[o * cols + j], tol, backend + " " + dt + " middle axis");
                    }
                }
            }
        } finally {
            org.implicitlayers.core.backend.jvm.JvmBackend.setThreads(before);
        }
    }

    @ParameterizedTest
    @MethodSource("org.implicitlayers.core.TestBackends#names")
    void permuteMovesEveryElement(String backend) {
        double[] x = TestBackends.randn(Rng.seeded(6), A * B * C);
        Tensor p =
                TestBackends.on(
                        TestBackends.byName(backend), () -> Tensor.of(x, A, B, C).permute(2, 0, 1));
        assertArrayEquals(new int[] {C, A, B}, p.shape());
        double[] got = p.toDoubleArray();
        for (int i = 0; i < A; i++) {
            for (int j = 0; j < B; j++) {
                for (int k = 0; k < C; k++) {
                    assertEquals(at(x, i, j, k), got[(k * A + i) * B + j], 0.0);
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("org.implicitlayers.core.TestBackends#names")
    void indexSliceConcatStack(String backend) {
        double[] x = TestBackends.randn(Rng.seeded(7), A * B * C);
        TestBackends.on(
                TestBackends.byName(backend),
                () -> {
                    Tensor t = Tensor.of(x, A, B, C);
                    Tensor g = t.index(1, 3, 0, 3);
                    assertArrayEquals(new int[] {A, 3, C}, g.shape());
                    double[] gv = g.toDoubleArray();
                    int[] idx = {3, 0, 3};
                    for (int i = 0; i < A; i++) {
                        for (int j = 0; j < 3; j++) {
                            for (int k = 0; k < C; k++) {
                                assertEquals(at(x, i, idx[j], k), gv[(i * 3 + j) * C + k], 0.0);
                            }
                        }
                    }
                    Tensor s = t.slice(2, 1, 5, 2);
                    assertArrayEquals(new int[] {A, B, 2}, s.shape());
                    assertEquals(at(x, 2, 3, 3), s.toDoubleArray()[(2 * B + 3) * 2 + 1], 0.0);
                    Tensor c = Tensor.concat(1, t, t.slice(1, 0, 2));
                    assertArrayEquals(new int[] {A, B + 2, C}, c.shape());
                    assertEquals(
                            at(x, 1, 1, 4), c.toDoubleArray()[(1 * (B + 2) + B + 1) * C + 4], 0.0);
                    Tensor st = Tensor.stack(0, t, t.neg());
                    assertArrayEquals(new int[] {2, A, B, C}, st.shape());
                    assertEquals(
                            -at(x, 2, 1, 0), st.toDoubleArray()[A * B * C + (2 * B + 1) * C], 0.0);
                    Tensor sel = t.select(0, 2);
                    assertArrayEquals(new int[] {B, C}, sel.shape());
                    assertEquals(at(x, 2, 3, 4), sel.toDoubleArray()[3 * C + 4], 0.0);
                    Tensor ia =
                            Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2)
                                    .indexAdd(0, new int[] {1, 1, 0}, 2);
                    assertClose(new double[] {5, 6, 4, 6}, ia.toDoubleArray(), 0, "indexAdd");
                });
    }

    @Test
    void creationHelpers() {
        assertClose(
                new double[] {0, 0.25, 0.5, 0.75, 1},
                Tensor.linspace(DType.FLOAT64, 0, 1, 5).toDoubleArray(),
                0,
                "linspace");
        assertClose(
                new double[] {1, 3, 5},
                Tensor.arange(DType.FLOAT32, 1, 6, 2).toDoubleArray(),
                0,
                "arange");
        assertClose(
                new double[] {7, 7}, Tensor.full(DType.FLOAT32, 7, 2).toDoubleArray(), 0, "full");
        Tensor r1 = Tensor.randn(Rng.seeded(9), DType.FLOAT64, 1000);
        Tensor r2 = Tensor.randn(Rng.seeded(9), DType.FLOAT64, 1000);
        assertClose(r1.toDoubleArray(), r2.toDoubleArray(), 0, "same seed, same draws");
        assertEquals(0.0, r1.mean().item(), 0.1);
        assertEquals(1.0, r1.square().mean().item(), 0.15);
        Tensor u = Tensor.rand(Rng.seeded(9), DType.FLOAT32, 1000);
        assertEquals(0.5, u.mean().item(), 0.05);
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new double[5], 2, 3));
        assertThrows(
                IndexOutOfBoundsException.class, () -> Tensor.zeros(DType.FLOAT32, 3).index(0, 3));
        assertThrows(
                IllegalArgumentException.class,
                () -> Tensor.zeros(DType.FLOAT32, 6).reshape(4, -1));
        assertArrayEquals(new int[] {2, 3}, Tensor.zeros(DType.FLOAT32, 6).reshape(2, -1).shape());
    }
}
