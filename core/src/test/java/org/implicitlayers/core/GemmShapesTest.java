package org.implicitlayers.core;

import static org.implicitlayers.core.TestBackends.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.implicitlayers.core.backend.jvm.CpuInfo;
import org.implicitlayers.core.backend.jvm.GemmPlan;
import org.implicitlayers.core.backend.jvm.JvmBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every GEMM micro-kernel shape, whatever this machine would choose, against a plain triple loop in
 * double precision: float32 and float64, A and B transposed or not, sizes at and around the tile,
 * strip and block edges, with the machine's blocking and with small blocks that put several k and
 * row blocks into small products. 64 x 4w x 300 and 17 x 3w x 20 leave 4 and 5 rows after the 6-row
 * tiles, and the first is deeper than one row panel of A (256). With A transposed, 64 x 4w x 1024
 * and 30 x (2w + 3) x 700 are shared out by blocks of k (the second with a short last block and
 * columns left over from the strips); 40 x (12w + 5) x 600 is shared out by strips of B, each
 * thread walking all blocks of k, with columns left over for the last share. 300 x (8w + 3) x 2 is
 * shallow and wide (a first layer), computed row by row on several threads, with columns past the
 * last whole vector; 50 x (5w + 3) x 3 leaves one vector after the blocks of four and columns after
 * it; 9 x 2w x 4 is shallow and narrow (tiles). 1027 x 1 x 64, 37 x 3 x (2w + 5) and 130 x 15 x 70
 * are too narrow for vectors along n (dot products, four rows at a time, with rows left over and k
 * past the last whole vector).
 */
class GemmShapesTest {
    private static final CpuInfo CPU = CpuInfo.current();
    private static final int LANES = JvmBackend.vectorFloatLanes();

    static final List<JvmBackend> BACKENDS = backends();

    /**
     * Every shape with this machine's blocking, and with kc = 64, mc = 2 tiles (many blocks), each
     * with A packed into panels and read in place.
     */
    static List<JvmBackend> backends() {
        List<JvmBackend> out = new ArrayList<>();
        for (GemmPlan.Shape s : GemmPlan.Shape.values()) {
            GemmPlan own = GemmPlan.blocked(s, CPU, LANES, "test");
            for (boolean packA : new boolean[] {true, false}) {
                out.add(JvmBackend.vector(new GemmPlan(s, own.kc(), own.mc(), packA, "test")));
                out.add(
                        JvmBackend.vector(
                                new GemmPlan(s, 64, 2 * s.rows(), packA, "test, small blocks")));
            }
        }
        return out;
    }

    static Stream<Arguments> cases() {
        int w = LANES;
        int[][] mnk = {
            {1, 1, 1},
            {6, 2 * w, 1},
            {7, 2 * w + 1, 33},
            {5, 4 * w, 64},
            {13, 4 * w - 1, 65},
            {25, 6 * w + 3, 129},
            {48, 16 * w, 256},
            {61, 8 * w + 5, 300},
            {120, 2 * w, 31},
            {130, 64 * w + 7, 40},
            {24, 33, 32},
            {37, 1030, 70},
            {64, 4 * w, 300},
            {17, 3 * w, 20},
            {64, 4 * w, 1024},
            {30, 2 * w + 3, 700},
            {40, 12 * w + 5, 600},
            {300, 8 * w + 3, 2},
            {9, 2 * w, 4},
            {50, 5 * w + 3, 3},
            {1027, 1, 64},
            {37, 3, 2 * w + 5},
            {130, 15, 70}
        };
        List<Arguments> out = new ArrayList<>();
        for (int b = 0; b < BACKENDS.size(); b++) {
            for (int[] s : mnk) {
                for (int t = 0; t < 4; t++) {
                    out.add(Arguments.of(b, s[0], s[1], s[2], (t & 1) != 0, (t & 2) != 0));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "plan {0}: {1}x{2}x{3} ta={4} tb={5}")
    @MethodSource("cases")
    void everyKernelShapeMatchesTheTripleLoop(
            int backend, int m, int n, int k, boolean ta, boolean tb) {
        check(BACKENDS.get(backend), m, n, k, ta, tb, m * 131L + n * 17L + k);
    }

    static void check(JvmBackend be, int m, int n, int k, boolean ta, boolean tb, long seed) {
        Rng rng = Rng.seeded(seed);
        double[] a = TestBackends.randn(rng, m * k),
                b = TestBackends.randn(rng, k * n),
                bias = TestBackends.randn(rng, n);
        double[] expected = MatmulTest.reference(a, b, m, n, k, ta, tb);
        for (DType dt : DType.values()) {
            double tol = dt == DType.FLOAT32 ? 2e-4 * Math.sqrt(k) : 1e-11 * k;
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
            assertClose(expected, got, tol, be.gemmPlan() + " " + dt + " matmul");
            if (!ta && !tb) {
                // linear: the bias rows initialise C and the kernels accumulate onto them
                double[] withBias = expected.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        withBias[i * n + j] += bias[j];
                    }
                }
                double[] lin =
                        TestBackends.on(
                                be,
                                () -> {
                                    Tensor x = Tensor.of(dt, a, new int[] {m, k});
                                    Tensor wt = Tensor.of(dt, b, new int[] {k, n}).transpose();
                                    return Tensor.linear(x, wt, Tensor.of(dt, bias, new int[] {n}))
                                            .toDoubleArray();
                                });
                assertClose(withBias, lin, tol, be.gemmPlan() + " " + dt + " linear");
            }
        }
    }

    /**
     * The products a training step makes (weight gradients with A transposed and deep k, narrow and
     * wide, one of a first layer with 3 inputs, and a layer's forward product) give the same bits
     * on one thread and on three, with every plan.
     */
    @Test
    void theThreadCountNeverChangesTheBits() {
        int before = JvmBackend.threads();
        try {
            for (JvmBackend be : BACKENDS) {
                float[][] got = new float[3][];
                for (int t = 1; t <= 3; t++) {
                    JvmBackend.setThreads(t);
                    Rng rng = Rng.seeded(11);
                    got[t - 1] =
                            TestBackends.on(
                                    be,
                                    () -> {
                                        Tensor x = Tensor.randn(rng, DType.FLOAT32, 1024, 64);
                                        Tensor g = Tensor.randn(rng, DType.FLOAT32, 1024, 48);
                                        Tensor w = Tensor.randn(rng, DType.FLOAT32, 64, 48);
                                        Tensor dw = x.matmul(g, true, false);
                                        Tensor h = Tensor.randn(rng, DType.FLOAT32, 600, 40);
                                        Tensor d = Tensor.randn(rng, DType.FLOAT32, 600, 101);
                                        Tensor wide = h.matmul(d, true, false);
                                        Tensor g3 = Tensor.randn(rng, DType.FLOAT32, 1024, 3);
                                        float[] first =
                                                dw.add(x.matmul(w).sum(0).reshape(1, 48))
                                                        .toFloatArray();
                                        float[] second = wide.toFloatArray();
                                        // A narrow weight gradient (64 x 3, k = 1024): its few
                                        // rows of C^T are shared out by columns.
                                        float[] third = x.matmul(g3, true, false).toFloatArray();
                                        float[] all =
                                                Arrays.copyOf(
                                                        first,
                                                        first.length
                                                                + second.length
                                                                + third.length);
                                        System.arraycopy(
                                                second, 0, all, first.length, second.length);
                                        System.arraycopy(
                                                third,
                                                0,
                                                all,
                                                first.length + second.length,
                                                third.length);
                                        return all;
                                    });
                }
                assertArrayEquals(got[0], got[1], be.gemmPlan() + ": 1 and 2 threads");
                assertArrayEquals(got[0], got[2], be.gemmPlan() + ": 1 and 3 threads");
            }
        } finally {
            JvmBackend.setThreads(before);
        }
    }

    /**
     * A shallow layer (k at most 4: a network's first layer) is, element by element, a chain of
     * fused multiply-adds over k in order, starting from the bias, or from zero with the bias added
     * last where the plan packs A: the same arithmetic as the tile kernels, so the row-by-row
     * kernel (at least 4 vectors a row) changes no bit of a result. Checked bit for bit against
     * Math.fma on every plan, for tiles (2 vectors a row) and rows (4 and 8).
     */
    @Test
    void shallowLayersAreFusedMultiplyAddChainsBitForBit() {
        int m = 300;
        for (JvmBackend be : BACKENDS) {
            for (int k = 1; k <= 4; k++) {
                for (int n : new int[] {2 * LANES, 4 * LANES, 8 * LANES}) {
                    Rng rng = Rng.seeded(k);
                    float[] x = new float[m * k], w = new float[n * k], bias = new float[n];
                    for (float[] v : new float[][] {x, w, bias}) {
                        for (int i = 0; i < v.length; i++) {
                            v[i] = (float) rng.nextGaussian();
                        }
                    }
                    int kk = k;
                    float[] got =
                            TestBackends.on(
                                    be,
                                    () ->
                                            Tensor.linear(
                                                            Tensor.of(x, m, kk),
                                                            Tensor.of(w, n, kk),
                                                            Tensor.of(bias, n))
                                                    .toFloatArray());
                    boolean biasLast = be.gemmPlan().packA();
                    float[] expected = new float[m * n];
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float s = biasLast ? 0f : bias[j];
                            for (int q = 0; q < k; q++) {
                                s = Math.fma(x[i * k + q], w[j * k + q], s);
                            }
                            expected[i * n + j] = biasLast ? s + bias[j] : s;
                        }
                    }
                    assertArrayEquals(expected, got, be.gemmPlan() + ", n = " + n + ", k = " + k);
                }
            }
        }
    }

    /**
     * A layer too narrow for vectors along n (a one-wide output) is, element by element, the dot
     * product's arithmetic: one fused multiply-add chain per lane over the whole vectors of k, the
     * lanes summed left to right, the rest of k added product by product, then the bias. Checked
     * bit for bit, float32 and float64, on one thread and on three (rows shared out in fours).
     */
    @Test
    void narrowLayersAreLaneSumsOfDotProductsBitForBit() {
        int before = JvmBackend.threads();
        try {
            for (int threads : new int[] {1, 3}) {
                JvmBackend.setThreads(threads);
                for (int[] mnk : new int[][] {{1027, 1, 64}, {37, 3, 2 * LANES + 5}, {9, 15, 3}}) {
                    int m = mnk[0], n = mnk[1], k = mnk[2];
                    Rng rng = Rng.seeded(m + n + k);
                    double[] x = TestBackends.randn(rng, m * k),
                            w = TestBackends.randn(rng, n * k),
                            bias = TestBackends.randn(rng, n);
                    String where = m + " x " + n + " x " + k + ", " + threads + " threads";
                    float[] got =
                            Tensor.linear(
                                            Tensor.of(DType.FLOAT32, x, new int[] {m, k}),
                                            Tensor.of(DType.FLOAT32, w, new int[] {n, k}),
                                            Tensor.of(DType.FLOAT32, bias, new int[] {n}))
                                    .toFloatArray();
                    double[] gotD =
                            Tensor.linear(
                                            Tensor.of(DType.FLOAT64, x, new int[] {m, k}),
                                            Tensor.of(DType.FLOAT64, w, new int[] {n, k}),
                                            Tensor.of(DType.FLOAT64, bias, new int[] {n}))
                                    .toDoubleArray();
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            float s = laneSumDotF(x, i * k, w, j * k, k, LANES) + (float) bias[j];
                            double d = laneSumDotD(x, i * k, w, j * k, k, LANES / 2) + bias[j];
                            assertEquals(
                                    s, got[i * n + j], 0f, where + " float32 at " + i + "," + j);
                            assertEquals(
                                    d, gotD[i * n + j], 0.0, where + " float64 at " + i + "," + j);
                        }
                    }
                }
            }
        } finally {
            JvmBackend.setThreads(before);
        }
    }

    private static float laneSumDotF(double[] a, int ao, double[] b, int bo, int k, int lanes) {
        float[] acc = new float[lanes];
        int whole = k / lanes * lanes;
        for (int p = 0; p < whole; p++) {
            acc[p % lanes] = Math.fma((float) a[ao + p], (float) b[bo + p], acc[p % lanes]);
        }
        float s = 0f;
        for (float v : acc) {
            s += v;
        }
        for (int p = whole; p < k; p++) {
            s += (float) a[ao + p] * (float) b[bo + p];
        }
        return s;
    }

    private static double laneSumDotD(double[] a, int ao, double[] b, int bo, int k, int lanes) {
        double[] acc = new double[lanes];
        int whole = k / lanes * lanes;
        for (int p = 0; p < whole; p++) {
            acc[p % lanes] = Math.fma(a[ao + p], b[bo + p], acc[p % lanes]);
        }
        double s = 0.0;
        for (double v : acc) {
            s += v;
        }
        for (int p = whole; p < k; p++) {
            s += a[ao + p] * b[bo + p];
        }
        return s;
    }

    @Test
    void aTileThatWouldSpillIsNotChosen() {
        CpuInfo avx2 =
                new CpuInfo("test AVX2", "amd64", 16, 32 << 10, 512 << 10, 32L << 20, "test");
        CpuInfo avx512 =
                new CpuInfo("test AVX-512", "amd64", 32, 32 << 10, 1 << 20, 32L << 20, "test");
        GemmPlan p2 = GemmPlan.choose(avx2, 8, 17);
        GemmPlan p5 = GemmPlan.choose(avx512, 16, 17);
        assertEquals(GemmPlan.Shape.R6_V2, p2.shape(), p2.toString());
        assertEquals(GemmPlan.Shape.R4_V4, p5.shape(), p5.toString());
        for (GemmPlan p : new GemmPlan[] {p2, p5}) {
            assertTrue(p.shape().registersNeeded() <= (p == p2 ? 16 : 32), p.toString());
            assertEquals(0, p.mc() % p.shape().rows(), p.toString());
            // a packed strip of B (kc rows of the tile's width) fits the L1 data cache
            assertTrue(
                    p.kc() * p.shape().vectors() * (p == p2 ? 8 : 16) * 4 <= 32 << 10,
                    p.toString());
        }
        // 256-bit vectors with 32 registers (AVX-512 at MaxVectorSize=32) keep the wider tile
        assertEquals(GemmPlan.Shape.R4_V4, GemmPlan.choose(avx512, 8).shape());
    }

    @Test
    void laterJdksTakeSixRowsOnlyInRowPanelsWhereTheOtherLoopsWouldSpill() {
        CpuInfo avx2 =
                new CpuInfo("test AVX2", "amd64", 16, 32 << 10, 512 << 10, 32L << 20, "test");
        CpuInfo avx512 =
                new CpuInfo("test AVX-512", "amd64", 32, 32 << 10, 1 << 20, 32L << 20, "test");
        for (int jdk : new int[] {21, 25}) {
            GemmPlan p = GemmPlan.choose(avx2, 8, jdk);
            assertEquals(GemmPlan.Shape.R6_V2_ROW_PANELS, p.shape(), p.toString());
            assertTrue(p.packA() && p.reason().contains("JDK " + jdk), p.toString());
            // same strips of B as the 6 x 2 tile: two vectors wide, kc rows deep
            GemmPlan six = GemmPlan.choose(avx2, 8, 17);
            assertEquals(six.kc(), p.kc(), p.toString());
            assertEquals(six.mc(), p.mc(), p.toString());
            // 32 registers: the 4 x 4 tile on every JDK
            assertEquals(GemmPlan.Shape.R4_V4, GemmPlan.choose(avx512, 16, jdk).shape());
        }
    }

    @Test
    void theKernelPropertyIsValidatedByName() {
        String old = System.getProperty("implicit.gemm.kernel");
        System.setProperty("implicit.gemm.packA", "maybe");
        try {
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> GemmPlan.fromProperties(CPU, LANES));
            assertTrue(e.getMessage().contains("implicit.gemm.packA"), e.getMessage());
        } finally {
            System.clearProperty("implicit.gemm.packA");
        }
        try {
            System.setProperty("implicit.gemm.kernel", "5x3");
            IllegalArgumentException e =
                    assertThrows(
                            IllegalArgumentException.class,
                            () -> GemmPlan.fromProperties(CPU, LANES));
            assertTrue(
                    e.getMessage().contains("implicit.gemm.kernel")
                            && e.getMessage().contains("6x2"),
                    e.getMessage());
            System.setProperty("implicit.gemm.kernel", "6x2");
            assertEquals(GemmPlan.Shape.R6_V2, GemmPlan.fromProperties(CPU, LANES).shape());
            System.setProperty("implicit.gemm.kernel", " 4X2 ");
            assertEquals(GemmPlan.Shape.R4_V2, GemmPlan.fromProperties(CPU, LANES).shape());
            System.setProperty("implicit.gemm.kernel", "6x2rows");
            assertEquals(
                    GemmPlan.Shape.R6_V2_ROW_PANELS, GemmPlan.fromProperties(CPU, LANES).shape());
        } finally {
            if (old == null) {
                System.clearProperty("implicit.gemm.kernel");
            } else {
                System.setProperty("implicit.gemm.kernel", old);
            }
        }
    }

    @Test
    void thisMachineIsDescribed() {
        assertTrue(CPU.registers() == 16 || CPU.registers() == 32, CPU.toString());
        assertTrue(CPU.l1dBytes() >= 8 << 10 && CPU.l2Bytes() >= CPU.l1dBytes(), CPU.toString());
    }
}
