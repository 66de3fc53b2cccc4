package org.implicitlayers.core;

import static org.implicitlayers.core.TestBackends.assertClose;

import org.implicitlayers.core.backend.Backend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Matrix products against a plain triple loop in double precision, every shape class the kernels
 * split into.
 */
class MatmulTest {
    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        int[][] mnk = {
            {1, 1, 1},
            {5, 7, 3},
            {4, 64, 64},
            {1024, 64, 2},
            {64, 1, 64},
            {33, 70, 65},
            {1, 64, 1024},
            {300, 270, 520},
            {17, 129, 300},
            {64, 2, 1024},
            {1024, 3, 50},
            {40, 15, 7},
            // B packed into strips: several row blocks and a ragged last one, columns beyond one
            // packed block (1024)
            {26, 128, 64},
            {250, 200, 30},
            {30, 1100, 40}
        };
        java.util.List<org.junit.jupiter.params.provider.Arguments> out =
                new java.util.ArrayList<>();
        for (String b : TestBackends.names()) {
            for (int[] s : mnk) {
                for (int t = 0; t < 4; t++) {
                    out.add(
                            org.junit.jupiter.params.provider.Arguments.of(
                                    b, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
                }
            }
        }
        return out.stream();
    }

    /** C = op(A) op(B), A stored [m,k] or [k,m], B stored [k,n] or [n,k]. */
    static double[] reference(double[] a, double[] b, int m, int n, int k, boolean ta, boolean tb) {
        double[] c = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int p = 0; p < k; p++) {
                    double x = ta ? a[p * m + i] : a[i * k + p];
                    double y = tb ? b[j * k + p] : b[p * n + j];
                    s += x * y;
                }
                c[i * n + j] = s;
            }
        }
        return c;
    }

    @ParameterizedTest(name = "{0} {1}x{2}x{3} ta={4} tb={5}")
    @MethodSource("cases")
    void matmulMatchesTripleLoop(String backend, int m, int n, int k, boolean ta, boolean tb) {
        Backend be = TestBackends.byName(backend);
        Rng rng = Rng.seeded(m * 31L + n * 7L + k);
        double[] a = TestBackends.randn(rng, m * k), b = TestBackends.randn(rng, k * n);
        double[] expected = reference(a, b, m, n, k, ta, tb);
        for (DType dt : DType.values()) {
            double[] got =
                    TestBackends.on(
                            be,
                            () -> {
                                Tensor x =
                                        Tensor.of(dt, a, ta ? new int[] {k, m} : new int[] {m, k});
                                Tensor y =
                                        Tensor.of(dt, b, tb ? new int[] {n, k} : new int[] {k, n});
                                return x.matmul(y, ta, tb).toDoubleArray();
                            });
            assertClose(
                    expected,
                    got,
                    dt == DType.FLOAT32 ? 2e-4 * Math.sqrt(k) : 1e-11 * k,
                    backend + " " + dt);
        }
    }

    @ParameterizedTest
    @MethodSource("org.implicitlayers.core.TestBackends#names")
    void batchedMatmulIsMatmulPerBatch(String backend) {
        Backend be = TestBackends.byName(backend);
        Rng rng = Rng.seeded(3);
        int batch = 3, m = 5, k = 6, n = 7;
        double[] a = TestBackends.randn(rng, batch * m * k),
                b = TestBackends.randn(rng, batch * k * n);
        double[] got =
                TestBackends.on(
                        be,
                        () ->
                                Tensor.of(a, batch, m, k)
                                        .matmul(Tensor.of(b, batch, k, n))
                                        .toDoubleArray());
        for (int t = 0; t < batch; t++) {
            double[] at = java.util.Arrays.copyOfRange(a, t * m * k, (t + 1) * m * k);
            double[] bt = java.util.Arrays.copyOfRange(b, t * k * n, (t + 1) * k * n);
            assertClose(
                    reference(at, bt, m, n, k, false, false),
                    java.util.Arrays.copyOfRange(got, t * m * n, (t + 1) * m * n),
                    1e-12,
                    "batch " + t);
        }
    }

    @ParameterizedTest
    @MethodSource("org.implicitlayers.core.TestBackends#names")
    void linearIsMatmulWithTransposedWeightPlusBias(String backend) {
        Backend be = TestBackends.byName(backend);
        Rng rng = Rng.seeded(9);
        for (int[] s : new int[][] {{50, 7, 33}, {9, 64, 20}, {1024, 1, 64}, {130, 200, 300}}) {
            int m = s[0], n = s[1], k = s[2];
            double[] x = TestBackends.randn(rng, m * k),
                    w = TestBackends.randn(rng, n * k),
                    b = TestBackends.randn(rng, n);
            double[] expected = reference(x, w, m, n, k, false, true);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    expected[i * n + j] += b[j];
                }
            }
            for (DType dt : DType.values()) {
                double[] got =
                        TestBackends.on(
                                be,
                                () ->
                                        Tensor.linear(
                                                        Tensor.of(dt, x, m, k),
                                                        Tensor.of(dt, w, n, k),
                                                        Tensor.of(dt, b, n))
                                                .toDoubleArray());
                assertClose(
                        expected,
                        got,
                        dt == DType.FLOAT32 ? 2e-4 * Math.sqrt(k) : 1e-11 * k,
                        backend + " linear " + dt);
            }
        }
    }
}
