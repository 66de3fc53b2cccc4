package org.implicitlayers.core.backend.jvm;

import java.lang.invoke.VarHandle;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.implicitlayers.core.backend.BinaryOp;
import org.implicitlayers.core.backend.ReduceOp;
import org.implicitlayers.core.backend.TernaryOp;
import org.implicitlayers.core.backend.UnaryOp;

/**
 * Vector API kernels on heap arrays. Loaded only when {@code jdk.incubator.vector} is in the boot
 * layer (see {@link JvmBackend}); this class is the only one that names the incubator module.
 *
 * <p>GEMM: a register-blocked micro-kernel of 4 rows by 4 vectors (64 float columns with AVX-512)
 * holds 16 accumulators in registers; B is read a row of 4 vectors at a time and each A element is
 * broadcast once per row block. Each operation has its own loop, with no calls to non-inlined code
 * inside: a vector that escapes into a call is boxed and the loop becomes ten times slower.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    private static final int DL = DS.length();

    /** Scratch for broadcast operands of binary kernels, one per thread. */
    private static final ThreadLocal<float[][]> F_SCRATCH =
            ThreadLocal.withInitial(() -> new float[2][0]);

    private static final ThreadLocal<double[][]> D_SCRATCH =
            ThreadLocal.withInitial(() -> new double[2][0]);

    private final GemmPlan plan;

    /**
     * Tiles two vectors wide ({@code R6_V2}, {@code R4_V2}, {@code R6_V2_ROW_PANELS}: strips of B
     * two vectors wide, A in row or column panels), read in the hot dispatch.
     */
    private final boolean twoVectors;

    /**
     * Whether two-vector tiles take six rows at a time ({@code R6_V2}) or four ({@code R4_V2},
     * {@code R6_V2_ROW_PANELS}) outside {@link #gemmRowPanels}.
     */
    private final boolean sixRows;

    /** Whether {@link #gemmRowPanels} takes six rows at a time ({@code R6_V2*}). */
    private final boolean sixRowPanels;

    /** Whether {@link #gemmPacked} copies A into panels first (see there). */
    private final boolean packA;

    /** The kernels with the GEMM plan chosen for this machine ({@link GemmPlan#fromProperties}). */
    VectorKernels() {
        this(GemmPlan.fromProperties(CpuInfo.current(), FL));
    }

    VectorKernels(GemmPlan plan) {
        this.plan = plan;
        this.twoVectors = plan.shape().vectors() == 2;
        this.sixRows = plan.shape() == GemmPlan.Shape.R6_V2;
        this.sixRowPanels = sixRows || plan.shape() == GemmPlan.Shape.R6_V2_ROW_PANELS;
        this.packA = plan.packA();
    }

    /** Floats per vector of the preferred species. */
    static int floatLanes() {
        return FL;
    }

    @Override
    public String name() {
        return "vector(" + FS.vectorBitSize() + "-bit)";
    }

    @Override
    public GemmPlan gemmPlan() {
        return plan;
    }

    // ------------------------------------------------------------------ GEMM, float32

    @Override
    public void gemm(
            int r0,
            int r1,
            int n,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            boolean accumulate) {
        int j = 0;
        if (twoVectors) {
            // 16 registers: 6 x 2 or 4 x 2 tiles; the 4 x 4 and 8 x 2 tiles would spill.
            for (; j + 2 * FL <= n; j += 2 * FL) {
                int i = r0;
                for (; sixRows && i + 6 <= r1; i += 6) {
                    gemm6x2(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
                }
                for (; i + 4 <= r1; i += 4) {
                    gemm4x2(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
                }
                for (; i < r1; i++) {
                    gemm1x2(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
                }
            }
        }
        for (; j + 4 * FL <= n; j += 4 * FL) {
            int i = r0;
            for (; i + 4 <= r1; i += 4) {
                gemm4x4(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
            }
            for (; i < r1; i++) {
                gemm1x4(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
            }
        }
        for (; j + 2 * FL <= n; j += 2 * FL) {
            int i = r0;
            for (; i + 8 <= r1; i += 8) {
                gemm8x2(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
            }
            for (; i + 4 <= r1; i += 4) {
                gemm4x1(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
                gemm4x1(i, j + FL, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
            }
            for (; i < r1; i++) {
                for (int jj = j; jj < j + 2 * FL; jj += FL) {
                    FloatVector c0 =
                            accumulate
                                    ? FloatVector.fromArray(FS, c, co + i * ldc + jj)
                                    : FloatVector.zero(FS);
                    int ai = ao + i * ars;
                    for (int kk = 0; kk < k; kk++) {
                        c0 =
                                FloatVector.fromArray(FS, b, bo + kk * ldb + jj)
                                        .fma(FloatVector.broadcast(FS, a[ai + kk * acs]), c0);
                    }
                    c0.intoArray(c, co + i * ldc + jj);
                }
            }
        }
        for (; j + FL <= n; j += FL) {
            int i = r0;
            for (; i + 4 <= r1; i += 4) {
                gemm4x1(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
            }
            for (; i < r1; i++) {
                FloatVector c0 =
                        accumulate
                                ? FloatVector.fromArray(FS, c, co + i * ldc + j)
                                : FloatVector.zero(FS);
                int ai = ao + i * ars;
                for (int kk = 0; kk < k; kk++) {
                    c0 =
                            FloatVector.fromArray(FS, b, bo + kk * ldb + j)
                                    .fma(FloatVector.broadcast(FS, a[ai + kk * acs]), c0);
                }
                c0.intoArray(c, co + i * ldc + j);
            }
        }
        if (j < n) {
            gemmTail(r0, r1, j, n, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
        }
    }

    /**
     * Row by row, four vectors of the row at a time: they start from the bias, C or zero, take
     * every step of k in registers and are stored once (with the bias added last where the plan
     * adds it after). The tile kernels made a call, a load and a store of twelve or sixteen
     * accumulators and one bounds check per A element for every tile of a few rows, to do one or
     * two multiply-adds with each; and the bias rows were a separate pass over C. A first version
     * went across the whole row once per step of k, storing and reloading it each time: 1024 x 2 ->
     * 64 with AVX2 took 24 us on one thread. Same operations in the same order as the tile kernels,
     * so the same bits; columns past the last whole vector take {@link #gemmTail} as there.
     */
    @Override
    public void gemmShallow(
            int r0,
            int r1,
            int n,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            float[] c,
            int co,
            boolean accumulate,
            float[] bias,
            boolean biasAfter) {
        final boolean fromBias = bias != null && !biasAfter, fromC = !fromBias && accumulate;
        final boolean addBias = bias != null && biasAfter;
        final int nv = FS.loopBound(n), nv4 = nv - nv % (4 * FL);
        for (int i = r0; i < r1; i++) {
            int ai = ao + i * ars, ci = co + i * n;
            // Four vectors of the row at a time, all k steps in registers: one store per vector.
            int j = 0;
            for (; j < nv4; j += 4 * FL) {
                FloatVector s0, s1, s2, s3;
                if (fromBias) {
                    s0 = FloatVector.fromArray(FS, bias, j);
                    s1 = FloatVector.fromArray(FS, bias, j + FL);
                    s2 = FloatVector.fromArray(FS, bias, j + 2 * FL);
                    s3 = FloatVector.fromArray(FS, bias, j + 3 * FL);
                } else if (fromC) {
                    s0 = FloatVector.fromArray(FS, c, ci + j);
                    s1 = FloatVector.fromArray(FS, c, ci + j + FL);
                    s2 = FloatVector.fromArray(FS, c, ci + j + 2 * FL);
                    s3 = FloatVector.fromArray(FS, c, ci + j + 3 * FL);
                } else {
                    s0 = FloatVector.zero(FS);
                    s1 = s0;
                    s2 = s0;
                    s3 = s0;
                }
                for (int kk = 0; kk < k; kk++) {
                    FloatVector ak = FloatVector.broadcast(FS, a[ai + kk * acs]);
                    int bk = bo + kk * n + j;
                    s0 = FloatVector.fromArray(FS, b, bk).fma(ak, s0);
                    s1 = FloatVector.fromArray(FS, b, bk + FL).fma(ak, s1);
                    s2 = FloatVector.fromArray(FS, b, bk + 2 * FL).fma(ak, s2);
                    s3 = FloatVector.fromArray(FS, b, bk + 3 * FL).fma(ak, s3);
                }
                if (addBias) {
                    s0 = s0.add(FloatVector.fromArray(FS, bias, j));
                    s1 = s1.add(FloatVector.fromArray(FS, bias, j + FL));
                    s2 = s2.add(FloatVector.fromArray(FS, bias, j + 2 * FL));
                    s3 = s3.add(FloatVector.fromArray(FS, bias, j + 3 * FL));
                }
                s0.intoArray(c, ci + j);
                s1.intoArray(c, ci + j + FL);
                s2.intoArray(c, ci + j + 2 * FL);
                s3.intoArray(c, ci + j + 3 * FL);
            }
            for (; j < nv; j += FL) {
                FloatVector s0 =
                        fromBias
                                ? FloatVector.fromArray(FS, bias, j)
                                : fromC
                                        ? FloatVector.fromArray(FS, c, ci + j)
                                        : FloatVector.zero(FS);
                for (int kk = 0; kk < k; kk++) {
                    s0 =
                            FloatVector.fromArray(FS, b, bo + kk * n + j)
                                    .fma(FloatVector.broadcast(FS, a[ai + kk * acs]), s0);
                }
                if (addBias) {
                    s0 = s0.add(FloatVector.fromArray(FS, bias, j));
                }
                s0.intoArray(c, ci + j);
            }
            if (nv < n) {
                if (fromBias) {
                    System.arraycopy(bias, nv, c, ci + nv, n - nv);
                }
                gemmTail(
                        i,
                        i + 1,
                        nv,
                        n,
                        k,
                        a,
                        ao,
                        ars,
                        acs,
                        b,
                        bo,
                        n,
                        c,
                        co,
                        n,
                        accumulate || fromBias);
                if (addBias) {
                    for (int q = nv; q < n; q++) {
                        c[ci + q] += bias[q];
                    }
                }
            }
        }
    }

    @Override
    public int packWidth() {
        return plan.shape().vectors() * FL;
    }

    /**
     * A strip row is two or four vectors: moved as vectors, where {@code System.arraycopy} of 16 or
     * 64 floats went through the copy stub at a fixed cost per call (a 4096 x 256 B copied into
     * strips makes 65,536 such calls).
     */
    @Override
    public void packStrip(float[] b, int src, int ldb, int kc, float[] bp, int dst) {
        int w = packWidth();
        for (int kk = 0; kk < kc; kk++) {
            int from = src + kk * ldb, to = dst + kk * w;
            for (int j = 0; j < w; j += FL) {
                FloatVector.fromArray(FS, b, from + j).intoArray(bp, to + j);
            }
        }
    }

    /** Packed rows of A for {@link #gemmPacked}, one buffer per thread. */
    private static final ThreadLocal<float[]> PACKED_A =
            ThreadLocal.withInitial(() -> new float[0]);

    /**
     * Rows are taken in blocks of {@link GemmPlan#mc()}; each block of A is copied into panels of
     * the tile's rows, {@code ap[p*rows*k + kk*rows + q] = A(ib + p*rows + q, kk)}, and multiplied
     * with every strip of B by the plan's micro-kernel. Both operands then advance by constant
     * strides (the tile's rows, the strip's width), which lets C2 drop the bounds checks from the
     * inner loop: on AVX2 the 6 x 2 kernel ran at 85-94 GFLOP/s per core this way against 35-64
     * reading A in place; the 4 x 4 kernel on AVX-512 went from 75-92 to 95-102. Rows left over
     * from the last panel take the one-row kernel, reading A in place.
     */
    @Override
    public void gemmPacked(
            int r0,
            int r1,
            int strips,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] bp,
            int bpo,
            float[] c,
            int co,
            int ldc,
            boolean accumulate) {
        final int mr = plan.shape().rows(), sw = packWidth(), mc = plan.mc();
        if (packA && acs == 1 && twoVectors) {
            gemmRowPanels(r0, r1, strips, k, a, ao, ars, bp, bpo, c, co, ldc, accumulate);
            return;
        }
        if (packA && ars == 1 && twoVectors) {
            gemmColumnPanels(r0, r1, strips, k, a, ao, acs, bp, bpo, c, co, ldc, accumulate);
            return;
        }
        if (!packA) {
            for (int ib = r0; ib < r1; ib += mc) {
                int ie = Math.min(r1, ib + mc);
                for (int s = 0; s < strips; s++) {
                    int bs = bpo + s * k * sw, cj = co + s * sw;
                    int i = ib;
                    if (twoVectors) {
                        for (; sixRows && i + 6 <= ie; i += 6) {
                            gemm6x2(i, 0, k, a, ao, ars, acs, bp, bs, sw, c, cj, ldc, accumulate);
                        }
                        for (; i + 4 <= ie; i += 4) {
                            gemm4x2(i, 0, k, a, ao, ars, acs, bp, bs, sw, c, cj, ldc, accumulate);
                        }
                        for (; i < ie; i++) {
                            gemm1x2(i, 0, k, a, ao, ars, acs, bp, bs, sw, c, cj, ldc, accumulate);
                        }
                    } else {
                        for (; i + 4 <= ie; i += 4) {
                            gemm4x4(i, 0, k, a, ao, ars, acs, bp, bs, sw, c, cj, ldc, accumulate);
                        }
                        for (; i < ie; i++) {
                            gemm1x4(i, 0, k, a, ao, ars, acs, bp, bs, sw, c, cj, ldc, accumulate);
                        }
                    }
                }
            }
            return;
        }
        float[] ap = ArrayPool.scratch(PACKED_A, mc * k);
        for (int ib = r0; ib < r1; ib += mc) {
            // The 4 x 2 tiles have no interleaved-panel kernel: their rows read A in place below.
            int ie = Math.min(r1, ib + mc), panels = twoVectors && !sixRows ? 0 : (ie - ib) / mr;
            int rest = ib + panels * mr;
            packA(a, ao, ars, acs, ib, panels, mr, k, ap);
            for (int s = 0; s < strips; s++) {
                int bs = bpo + s * k * sw, cj = co + s * sw;
                for (int p = 0; p < panels; p++) {
                    int ci = cj + (ib + p * mr) * ldc;
                    if (twoVectors) {
                        gemm6x2Packed(k, ap, p * mr * k, bp, bs, c, ci, ldc, accumulate);
                    } else {
                        gemm4x4Packed(k, ap, p * mr * k, bp, bs, c, ci, ldc, accumulate);
                    }
                }
                int i = rest;
                for (; twoVectors && i + 4 <= ie; i += 4) {
                    gemm4x2(i, 0, k, a, ao, ars, acs, bp, bs, sw, c, cj, ldc, accumulate);
                }
                for (; i < ie; i++) {
                    if (twoVectors) {
                        gemm1x2(i, 0, k, a, ao, ars, acs, bp, bs, sw, c, cj, ldc, accumulate);
                    } else {
                        gemm1x4(i, 0, k, a, ao, ars, acs, bp, bs, sw, c, cj, ldc, accumulate);
                    }
                }
            }
        }
    }

    /**
     * Steps of k per call of a 6 x 2 micro-kernel's loop: with a trip count C2 can bound below
     * {@code LoopStripMiningIterShortLoop} (100 by default), the loop keeps no safepoint poll. The
     * JVM's default collector, G1, keeps one in every counted loop otherwise ({@code
     * UseCountedLoopSafepoints}), and with it C2 kept three of the twelve accumulators on the stack
     * on AVX2, whose 16 registers the tile fills to 15: a 1024 x 64 x 64 product ran at 43 GFLOP/s
     * on one thread against 88 with the parallel collector (Zen 4, {@code -XX:UseAVX=2}). Longer k
     * runs as consecutive calls, C stored and reloaded between them: the same bits. Where the JVM
     * keeps no polls in counted loops (the parallel collector, as {@code bin/implicit} runs), k
     * runs whole: the calls' loads and stores of C cost 5-15% of a 4096 x 256 x 256 product.
     */
    static final int KSTEP = kStep(CpuInfo.shortLoopIterations());

    /**
     * 64, or fewer where the JVM exempts only shorter loops, or all of k where it keeps no polls.
     */
    static int kStep(int shortLoop) {
        return shortLoop == Integer.MAX_VALUE ? Integer.MAX_VALUE : Math.min(64, shortLoop);
    }

    /**
     * Row stride of the row panels of {@link #gemmRowPanels}: a constant, so that the kernel's six
     * A offsets are immediates.
     */
    private static final int KP = 256;

    /** Row panels of A for {@link #gemmRowPanels}, one buffer per thread. */
    private static final ThreadLocal<float[]> ROW_PANELS =
            ThreadLocal.withInitial(() -> new float[0]);

    /**
     * The 6 x 2 path for a row-major A ({@code acs == 1}): each block of {@code mc} rows and {@link
     * #KP} columns of A is copied row by row (a plain array copy, where the interleaved panels of
     * {@link #packA} need a scalar store per element) into rows {@link #KP} floats apart. The
     * kernel then reads A at {@code base + constant + kk}, B at {@code base + kk * 2 * FL}: one
     * base register each and no bounds checks left in the loop. For the small products of narrow
     * networks (1024 x 64 x 64, where each A element is used by only 4 strips) the interleaving
     * copy cost a quarter of the product; this one costs a few percent.
     */
    private void gemmRowPanels(
            int r0,
            int r1,
            int strips,
            int k,
            float[] a,
            int ao,
            int ars,
            float[] bp,
            int bpo,
            float[] c,
            int co,
            int ldc,
            boolean accumulate) {
        final int sw = packWidth(), mc = plan.mc();
        float[] ap = ArrayPool.scratch(ROW_PANELS, mc * KP);
        for (int kb = 0; kb < k; kb += KP) {
            int kc = Math.min(KP, k - kb);
            boolean acc = accumulate || kb > 0;
            for (int ib = r0; ib < r1; ib += mc) {
                int ie = Math.min(r1, ib + mc);
                for (int i = ib; i < ie; i++) {
                    System.arraycopy(a, ao + i * ars + kb, ap, (i - ib) * KP, kc);
                }
                for (int s = 0; s < strips; s++) {
                    int bs = bpo + s * k * sw + kb * sw, cj = co + s * sw;
                    int i = ib;
                    for (; sixRowPanels && i + 6 <= ie; i += 6) {
                        gemm6x2Rows(kc, ap, (i - ib) * KP, bp, bs, c, cj + i * ldc, ldc, acc);
                    }
                    for (; i + 4 <= ie; i += 4) {
                        gemm4x2Rows(kc, ap, (i - ib) * KP, bp, bs, c, cj + i * ldc, ldc, acc);
                    }
                    for (; i < ie; i++) {
                        gemm1x2Rows(kc, ap, (i - ib) * KP, bp, bs, c, cj + i * ldc, acc);
                    }
                }
            }
        }
    }

    /**
     * Width of the column panels of {@link #gemmColumnPanels}: a constant, so that the kernel's six
     * A offsets are immediates; {@link #KP} rows of it (24 KB) stay in L1 beside a B strip.
     */
    private static final int CPW = 24;

    /**
     * Rows of C per block of {@link #gemmColumnPanels}: five column panels (120 KB of A at {@link
     * #KP} steps) are copied, then each B strip, kept in L1, meets all of them before the next one
     * is read.
     */
    private static final int CP_BLOCK = 5 * CPW;

    /** Column panels of a transposed A for {@link #gemmColumnPanels}, one buffer per thread. */
    private static final ThreadLocal<float[]> COL_PANELS =
            ThreadLocal.withInitial(() -> new float[0]);

    /**
     * The 6 x 2 path for a transposed A ({@code ars == 1}: A(i, kk) at {@code ao + kk * acs + i}, a
     * weight gradient X^T dY): for each block of {@link #KP} steps of k and {@link #CP_BLOCK} rows
     * of C, each {@link #CPW} rows' A values at each kk, already contiguous, are copied into a
     * panel of constant row stride {@link #CPW}, and the kernel reads A at {@code base + kk * CPW +
     * constant}: no bounds checks left in its loop, where reading A in place at the run-time stride
     * {@code acs} kept one per load (AVX2, 64 x 1024 x 64: 130 us on one thread unpacked). Each B
     * strip then meets every panel of the block before the next strip is read: with one panel at a
     * time, each 16 KB strip came back from L2 for every 24 rows (AVX2, 256 x 256 x 4096 on two
     * threads: 157-179 GFLOP/s against 137-146, with the copies as vectors below).
     */
    private void gemmColumnPanels(
            int r0,
            int r1,
            int strips,
            int k,
            float[] a,
            int ao,
            int acs,
            float[] bp,
            int bpo,
            float[] c,
            int co,
            int ldc,
            boolean accumulate) {
        final int sw = packWidth();
        float[] ap = ArrayPool.scratch(COL_PANELS, CP_BLOCK * KP);
        for (int kb = 0; kb < k; kb += KP) {
            int kc = Math.min(KP, k - kb);
            boolean acc = accumulate || kb > 0;
            for (int ib0 = r0; ib0 < r1; ib0 += CP_BLOCK) {
                int ie0 = Math.min(r1, ib0 + CP_BLOCK);
                for (int ib = ib0; ib < ie0; ib += CPW) {
                    copyPanel(
                            a,
                            ao + kb * acs + ib,
                            acs,
                            kc,
                            Math.min(CPW, ie0 - ib),
                            ap,
                            (ib - ib0) * KP);
                }
                for (int s = 0; s < strips; s++) {
                    int bs = bpo + s * k * sw + kb * sw;
                    for (int ib = ib0; ib < ie0; ib += CPW) {
                        int w = Math.min(CPW, ie0 - ib), p = (ib - ib0) * KP;
                        int ci = co + s * sw + ib * ldc, q = 0;
                        for (; sixRows && q + 6 <= w; q += 6) {
                            gemm6x2Cols(kc, ap, p + q, bp, bs, c, ci + q * ldc, ldc, acc);
                        }
                        for (; q + 4 <= w; q += 4) {
                            gemm4x2Cols(kc, ap, p + q, bp, bs, c, ci + q * ldc, ldc, acc);
                        }
                        for (; q < w; q++) {
                            gemm1x2Cols(kc, ap, p + q, bp, bs, c, ci + q * ldc, acc);
                        }
                    }
                }
            }
        }
    }

    /**
     * Rows [0, kc) of {@code w <= CPW} floats, {@code ld} apart in A from {@code src}, into a
     * column panel {@link #CPW} floats apart: a full panel as three vectors per row (an array copy
     * of 24 floats went through the copy stub at a fixed cost per call), a narrower one element by
     * element.
     */
    private static void copyPanel(float[] a, int src, int ld, int kc, int w, float[] ap, int apo) {
        if (w == CPW && CPW % FL == 0) {
            for (int kk = 0; kk < kc; kk++) {
                int from = src + kk * ld, to = apo + kk * CPW;
                for (int j = 0; j < CPW; j += FL) {
                    FloatVector.fromArray(FS, a, from + j).intoArray(ap, to + j);
                }
            }
        } else {
            for (int kk = 0; kk < kc; kk++) {
                System.arraycopy(a, src + kk * ld, ap, apo + kk * CPW, w);
            }
        }
    }

    /** 6 rows by 2 vectors, A a column panel ({@link #CPW} per kk), B a packed strip. */
    private static void gemm6x2Cols(
            int k,
            float[] ap,
            int a0,
            float[] bp,
            int bo,
            float[] c,
            int ci,
            int ldc,
            boolean acc) {
        if (!acc) {
            FloatVector z = FloatVector.zero(FS);
            for (int r = 0; r < 6; r++) {
                z.intoArray(c, ci + r * ldc);
                z.intoArray(c, ci + r * ldc + FL);
            }
        }
        FloatVector s00 = FloatVector.fromArray(FS, c, ci),
                s01 = FloatVector.fromArray(FS, c, ci + FL);
        FloatVector s10 = FloatVector.fromArray(FS, c, ci + ldc),
                s11 = FloatVector.fromArray(FS, c, ci + ldc + FL);
        FloatVector s20 = FloatVector.fromArray(FS, c, ci + 2 * ldc),
                s21 = FloatVector.fromArray(FS, c, ci + 2 * ldc + FL);
        FloatVector s30 = FloatVector.fromArray(FS, c, ci + 3 * ldc),
                s31 = FloatVector.fromArray(FS, c, ci + 3 * ldc + FL);
        FloatVector s40 = FloatVector.fromArray(FS, c, ci + 4 * ldc),
                s41 = FloatVector.fromArray(FS, c, ci + 4 * ldc + FL);
        FloatVector s50 = FloatVector.fromArray(FS, c, ci + 5 * ldc),
                s51 = FloatVector.fromArray(FS, c, ci + 5 * ldc + FL);
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * (2 * FL), ai = a0 + kk * CPW;
            FloatVector b0 = FloatVector.fromArray(FS, bp, bi),
                    b1 = FloatVector.fromArray(FS, bp, bi + FL);
            FloatVector x = FloatVector.broadcast(FS, ap[ai]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = FloatVector.broadcast(FS, ap[ai + 1]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            x = FloatVector.broadcast(FS, ap[ai + 2]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            x = FloatVector.broadcast(FS, ap[ai + 3]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            x = FloatVector.broadcast(FS, ap[ai + 4]);
            s40 = b0.fma(x, s40);
            s41 = b1.fma(x, s41);
            x = FloatVector.broadcast(FS, ap[ai + 5]);
            s50 = b0.fma(x, s50);
            s51 = b1.fma(x, s51);
        }
        s00.intoArray(c, ci);
        s01.intoArray(c, ci + FL);
        s10.intoArray(c, ci + ldc);
        s11.intoArray(c, ci + ldc + FL);
        s20.intoArray(c, ci + 2 * ldc);
        s21.intoArray(c, ci + 2 * ldc + FL);
        s30.intoArray(c, ci + 3 * ldc);
        s31.intoArray(c, ci + 3 * ldc + FL);
        s40.intoArray(c, ci + 4 * ldc);
        s41.intoArray(c, ci + 4 * ldc + FL);
        s50.intoArray(c, ci + 5 * ldc);
        s51.intoArray(c, ci + 5 * ldc + FL);
    }

    /** 4 rows by 2 vectors, A a column panel, B a packed strip. */
    private static void gemm4x2Cols(
            int k,
            float[] ap,
            int a0,
            float[] bp,
            int bo,
            float[] c,
            int ci,
            int ldc,
            boolean acc) {
        if (!acc) {
            FloatVector z = FloatVector.zero(FS);
            for (int r = 0; r < 4; r++) {
                z.intoArray(c, ci + r * ldc);
                z.intoArray(c, ci + r * ldc + FL);
            }
        }
        FloatVector s00 = FloatVector.fromArray(FS, c, ci),
                s01 = FloatVector.fromArray(FS, c, ci + FL);
        FloatVector s10 = FloatVector.fromArray(FS, c, ci + ldc),
                s11 = FloatVector.fromArray(FS, c, ci + ldc + FL);
        FloatVector s20 = FloatVector.fromArray(FS, c, ci + 2 * ldc),
                s21 = FloatVector.fromArray(FS, c, ci + 2 * ldc + FL);
        FloatVector s30 = FloatVector.fromArray(FS, c, ci + 3 * ldc),
                s31 = FloatVector.fromArray(FS, c, ci + 3 * ldc + FL);
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * (2 * FL), ai = a0 + kk * CPW;
            FloatVector b0 = FloatVector.fromArray(FS, bp, bi),
                    b1 = FloatVector.fromArray(FS, bp, bi + FL);
            FloatVector x = FloatVector.broadcast(FS, ap[ai]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = FloatVector.broadcast(FS, ap[ai + 1]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            x = FloatVector.broadcast(FS, ap[ai + 2]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            x = FloatVector.broadcast(FS, ap[ai + 3]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
        }
        s00.intoArray(c, ci);
        s01.intoArray(c, ci + FL);
        s10.intoArray(c, ci + ldc);
        s11.intoArray(c, ci + ldc + FL);
        s20.intoArray(c, ci + 2 * ldc);
        s21.intoArray(c, ci + 2 * ldc + FL);
        s30.intoArray(c, ci + 3 * ldc);
        s31.intoArray(c, ci + 3 * ldc + FL);
    }

    /** One row by 2 vectors, A a column panel, B a packed strip. */
    private static void gemm1x2Cols(
            int k, float[] ap, int a0, float[] bp, int bo, float[] c, int ci, boolean acc) {
        if (!acc) {
            FloatVector z = FloatVector.zero(FS);
            z.intoArray(c, ci);
            z.intoArray(c, ci + FL);
        }
        FloatVector c0 = FloatVector.fromArray(FS, c, ci),
                c1 = FloatVector.fromArray(FS, c, ci + FL);
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * (2 * FL);
            FloatVector x = FloatVector.broadcast(FS, ap[a0 + kk * CPW]);
            c0 = FloatVector.fromArray(FS, bp, bi).fma(x, c0);
            c1 = FloatVector.fromArray(FS, bp, bi + FL).fma(x, c1);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + FL);
    }

    /** {@link #gemm6x2RowsStep} over k in steps of at most {@link #KSTEP}. */
    private static void gemm6x2Rows(
            int k,
            float[] ap,
            int a0,
            float[] bp,
            int bo,
            float[] c,
            int ci,
            int ldc,
            boolean acc) {
        int k0 = 0;
        do {
            int kn = Math.min(KSTEP, k - k0);
            gemm6x2RowsStep(kn, ap, a0 + k0, bp, bo + k0 * (2 * FL), c, ci, ldc, acc || k0 > 0);
            k0 += kn;
        } while (k0 < k);
    }

    /**
     * 6 rows by 2 vectors, A rows {@link #KP} apart, B a packed strip: 15 registers. A load fence
     * before each broadcast of A after the first (no instruction on x86; it only keeps C2 from
     * moving later loads above it) holds the loop to two broadcasts in flight. Without fences C2
     * sometimes scheduled four broadcasts of A ahead of their multiply-adds, which needs 18 vector
     * registers, and kept two or three accumulators on the stack: which code a process got depended
     * on what it had run before (AVX2, 4096 x 256 x 256 on one thread: 12 ms where the unspilled
     * loop takes 5). With a fence per pair of rows, JDK 17 compiled it cleanly but JDK 25 still
     * moved one pair's multiply-adds below the next pair's broadcasts (17 registers, one
     * accumulator on the stack); with a fence per row neither does.
     */
    private static void gemm6x2RowsStep(
            int k,
            float[] ap,
            int a0,
            float[] bp,
            int bo,
            float[] c,
            int ci,
            int ldc,
            boolean acc) {
        if (!acc) {
            FloatVector z = FloatVector.zero(FS);
            for (int r = 0; r < 6; r++) {
                z.intoArray(c, ci + r * ldc);
                z.intoArray(c, ci + r * ldc + FL);
            }
        }
        FloatVector s00 = FloatVector.fromArray(FS, c, ci),
                s01 = FloatVector.fromArray(FS, c, ci + FL);
        FloatVector s10 = FloatVector.fromArray(FS, c, ci + ldc),
                s11 = FloatVector.fromArray(FS, c, ci + ldc + FL);
        FloatVector s20 = FloatVector.fromArray(FS, c, ci + 2 * ldc),
                s21 = FloatVector.fromArray(FS, c, ci + 2 * ldc + FL);
        FloatVector s30 = FloatVector.fromArray(FS, c, ci + 3 * ldc),
                s31 = FloatVector.fromArray(FS, c, ci + 3 * ldc + FL);
        FloatVector s40 = FloatVector.fromArray(FS, c, ci + 4 * ldc),
                s41 = FloatVector.fromArray(FS, c, ci + 4 * ldc + FL);
        FloatVector s50 = FloatVector.fromArray(FS, c, ci + 5 * ldc),
                s51 = FloatVector.fromArray(FS, c, ci + 5 * ldc + FL);
        for (int kk = 0, kn = Math.min(k, KSTEP); kk < kn; kk++) {
            int bi = bo + kk * (2 * FL), ai = a0 + kk;
            FloatVector b0 = FloatVector.fromArray(FS, bp, bi),
                    b1 = FloatVector.fromArray(FS, bp, bi + FL);
            FloatVector x = FloatVector.broadcast(FS, ap[ai]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            VarHandle.loadLoadFence();
            x = FloatVector.broadcast(FS, ap[ai + KP]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            VarHandle.loadLoadFence();
            x = FloatVector.broadcast(FS, ap[ai + 2 * KP]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            VarHandle.loadLoadFence();
            x = FloatVector.broadcast(FS, ap[ai + 3 * KP]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            VarHandle.loadLoadFence();
            x = FloatVector.broadcast(FS, ap[ai + 4 * KP]);
            s40 = b0.fma(x, s40);
            s41 = b1.fma(x, s41);
            VarHandle.loadLoadFence();
            x = FloatVector.broadcast(FS, ap[ai + 5 * KP]);
            s50 = b0.fma(x, s50);
            s51 = b1.fma(x, s51);
        }
        s00.intoArray(c, ci);
        s01.intoArray(c, ci + FL);
        s10.intoArray(c, ci + ldc);
        s11.intoArray(c, ci + ldc + FL);
        s20.intoArray(c, ci + 2 * ldc);
        s21.intoArray(c, ci + 2 * ldc + FL);
        s30.intoArray(c, ci + 3 * ldc);
        s31.intoArray(c, ci + 3 * ldc + FL);
        s40.intoArray(c, ci + 4 * ldc);
        s41.intoArray(c, ci + 4 * ldc + FL);
        s50.intoArray(c, ci + 5 * ldc);
        s51.intoArray(c, ci + 5 * ldc + FL);
    }

    /**
     * 4 rows by 2 vectors (rows left over from the 6-row tiles): 8 independent accumulators hide
     * the FMA latency.
     */
    private static void gemm4x2Rows(
            int k,
            float[] ap,
            int a0,
            float[] bp,
            int bo,
            float[] c,
            int ci,
            int ldc,
            boolean acc) {
        if (!acc) {
            FloatVector z = FloatVector.zero(FS);
            for (int r = 0; r < 4; r++) {
                z.intoArray(c, ci + r * ldc);
                z.intoArray(c, ci + r * ldc + FL);
            }
        }
        FloatVector s00 = FloatVector.fromArray(FS, c, ci),
                s01 = FloatVector.fromArray(FS, c, ci + FL);
        FloatVector s10 = FloatVector.fromArray(FS, c, ci + ldc),
                s11 = FloatVector.fromArray(FS, c, ci + ldc + FL);
        FloatVector s20 = FloatVector.fromArray(FS, c, ci + 2 * ldc),
                s21 = FloatVector.fromArray(FS, c, ci + 2 * ldc + FL);
        FloatVector s30 = FloatVector.fromArray(FS, c, ci + 3 * ldc),
                s31 = FloatVector.fromArray(FS, c, ci + 3 * ldc + FL);
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * (2 * FL), ai = a0 + kk;
            FloatVector b0 = FloatVector.fromArray(FS, bp, bi),
                    b1 = FloatVector.fromArray(FS, bp, bi + FL);
            FloatVector x = FloatVector.broadcast(FS, ap[ai]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = FloatVector.broadcast(FS, ap[ai + KP]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            x = FloatVector.broadcast(FS, ap[ai + 2 * KP]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            x = FloatVector.broadcast(FS, ap[ai + 3 * KP]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
        }
        s00.intoArray(c, ci);
        s01.intoArray(c, ci + FL);
        s10.intoArray(c, ci + ldc);
        s11.intoArray(c, ci + ldc + FL);
        s20.intoArray(c, ci + 2 * ldc);
        s21.intoArray(c, ci + 2 * ldc + FL);
        s30.intoArray(c, ci + 3 * ldc);
        s31.intoArray(c, ci + 3 * ldc + FL);
    }

    /** One row by 2 vectors, A a packed row, B a packed strip. */
    private static void gemm1x2Rows(
            int k, float[] ap, int a0, float[] bp, int bo, float[] c, int ci, boolean acc) {
        if (!acc) {
            FloatVector z = FloatVector.zero(FS);
            z.intoArray(c, ci);
            z.intoArray(c, ci + FL);
        }
        FloatVector c0 = FloatVector.fromArray(FS, c, ci),
                c1 = FloatVector.fromArray(FS, c, ci + FL);
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * (2 * FL);
            FloatVector x = FloatVector.broadcast(FS, ap[a0 + kk]);
            c0 = FloatVector.fromArray(FS, bp, bi).fma(x, c0);
            c1 = FloatVector.fromArray(FS, bp, bi + FL).fma(x, c1);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + FL);
    }

    /** Rows [ib, ib + panels*mr) of A into panels of mr rows, k deep. */
    private static void packA(
            float[] a, int ao, int ars, int acs, int ib, int panels, int mr, int k, float[] ap) {
        for (int p = 0; p < panels; p++) {
            int dst = p * mr * k, src = ao + (ib + p * mr) * ars;
            if (ars == 1) {
                // A stored transposed: the tile's rows are contiguous at each kk
                for (int kk = 0; kk < k; kk++) {
                    int from = src + kk * acs, to = dst + kk * mr;
                    for (int q = 0; q < mr; q++) {
                        ap[to + q] =
                                a[from + q]; // a few floats: a call to arraycopy would cost more
                    }
                }
            } else {
                for (int q = 0; q < mr; q++) {
                    int sq = src + q * ars;
                    for (int kk = 0; kk < k; kk++) {
                        ap[dst + kk * mr + q] = a[sq + kk * acs];
                    }
                }
            }
        }
    }

    /**
     * 4 rows by 4 vectors on packed operands (A panel stride 4, B strip stride 4 vectors). C is
     * zeroed first when not accumulating, so that the accumulators always start from a load.
     */
    private static void gemm4x4Packed(
            int k,
            float[] ap,
            int ao,
            float[] bp,
            int bo,
            float[] c,
            int c0i,
            int ldc,
            boolean acc) {
        if (!acc) {
            FloatVector z = FloatVector.zero(FS);
            for (int r = 0; r < 4; r++) {
                for (int v = 0; v < 4; v++) {
                    z.intoArray(c, c0i + r * ldc + v * FL);
                }
            }
        }
        int c1i = c0i + ldc, c2i = c1i + ldc, c3i = c2i + ldc;
        FloatVector c00 = FloatVector.fromArray(FS, c, c0i),
                c01 = FloatVector.fromArray(FS, c, c0i + FL);
        FloatVector c02 = FloatVector.fromArray(FS, c, c0i + 2 * FL),
                c03 = FloatVector.fromArray(FS, c, c0i + 3 * FL);
        FloatVector c10 = FloatVector.fromArray(FS, c, c1i),
                c11 = FloatVector.fromArray(FS, c, c1i + FL);
        FloatVector c12 = FloatVector.fromArray(FS, c, c1i + 2 * FL),
                c13 = FloatVector.fromArray(FS, c, c1i + 3 * FL);
        FloatVector c20 = FloatVector.fromArray(FS, c, c2i),
                c21 = FloatVector.fromArray(FS, c, c2i + FL);
        FloatVector c22 = FloatVector.fromArray(FS, c, c2i + 2 * FL),
                c23 = FloatVector.fromArray(FS, c, c2i + 3 * FL);
        FloatVector c30 = FloatVector.fromArray(FS, c, c3i),
                c31 = FloatVector.fromArray(FS, c, c3i + FL);
        FloatVector c32 = FloatVector.fromArray(FS, c, c3i + 2 * FL),
                c33 = FloatVector.fromArray(FS, c, c3i + 3 * FL);
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * (4 * FL), ai = ao + kk * 4;
            FloatVector b0 = FloatVector.fromArray(FS, bp, bi),
                    b1 = FloatVector.fromArray(FS, bp, bi + FL);
            FloatVector b2 = FloatVector.fromArray(FS, bp, bi + 2 * FL),
                    b3 = FloatVector.fromArray(FS, bp, bi + 3 * FL);
            FloatVector x = FloatVector.broadcast(FS, ap[ai]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(FS, ap[ai + 1]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(FS, ap[ai + 2]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(FS, ap[ai + 3]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
        }
        c00.intoArray(c, c0i);
        c01.intoArray(c, c0i + FL);
        c02.intoArray(c, c0i + 2 * FL);
        c03.intoArray(c, c0i + 3 * FL);
        c10.intoArray(c, c1i);
        c11.intoArray(c, c1i + FL);
        c12.intoArray(c, c1i + 2 * FL);
        c13.intoArray(c, c1i + 3 * FL);
        c20.intoArray(c, c2i);
        c21.intoArray(c, c2i + FL);
        c22.intoArray(c, c2i + 2 * FL);
        c23.intoArray(c, c2i + 3 * FL);
        c30.intoArray(c, c3i);
        c31.intoArray(c, c3i + FL);
        c32.intoArray(c, c3i + 2 * FL);
        c33.intoArray(c, c3i + 3 * FL);
    }

    /** {@link #gemm6x2PackedStep} over k in steps of at most {@link #KSTEP}. */
    private static void gemm6x2Packed(
            int k,
            float[] ap,
            int ao,
            float[] bp,
            int bo,
            float[] c,
            int ci,
            int ldc,
            boolean acc) {
        int k0 = 0;
        do {
            int kn = Math.min(KSTEP, k - k0);
            gemm6x2PackedStep(
                    kn, ap, ao + k0 * 6, bp, bo + k0 * (2 * FL), c, ci, ldc, acc || k0 > 0);
            k0 += kn;
        } while (k0 < k);
    }

    /**
     * 6 rows by 2 vectors on packed operands (A panel stride 6, B strip stride 2 vectors): 15
     * registers.
     */
    private static void gemm6x2PackedStep(
            int k,
            float[] ap,
            int ao,
            float[] bp,
            int bo,
            float[] c,
            int ci,
            int ldc,
            boolean acc) {
        if (!acc) {
            FloatVector z = FloatVector.zero(FS);
            for (int r = 0; r < 6; r++) {
                z.intoArray(c, ci + r * ldc);
                z.intoArray(c, ci + r * ldc + FL);
            }
        }
        FloatVector s00 = FloatVector.fromArray(FS, c, ci),
                s01 = FloatVector.fromArray(FS, c, ci + FL);
        FloatVector s10 = FloatVector.fromArray(FS, c, ci + ldc),
                s11 = FloatVector.fromArray(FS, c, ci + ldc + FL);
        FloatVector s20 = FloatVector.fromArray(FS, c, ci + 2 * ldc),
                s21 = FloatVector.fromArray(FS, c, ci + 2 * ldc + FL);
        FloatVector s30 = FloatVector.fromArray(FS, c, ci + 3 * ldc),
                s31 = FloatVector.fromArray(FS, c, ci + 3 * ldc + FL);
        FloatVector s40 = FloatVector.fromArray(FS, c, ci + 4 * ldc),
                s41 = FloatVector.fromArray(FS, c, ci + 4 * ldc + FL);
        FloatVector s50 = FloatVector.fromArray(FS, c, ci + 5 * ldc),
                s51 = FloatVector.fromArray(FS, c, ci + 5 * ldc + FL);
        for (int kk = 0, kn = Math.min(k, KSTEP); kk < kn; kk++) {
            int bi = bo + kk * (2 * FL), ai = ao + kk * 6;
            FloatVector b0 = FloatVector.fromArray(FS, bp, bi),
                    b1 = FloatVector.fromArray(FS, bp, bi + FL);
            FloatVector x = FloatVector.broadcast(FS, ap[ai]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = FloatVector.broadcast(FS, ap[ai + 1]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            x = FloatVector.broadcast(FS, ap[ai + 2]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            x = FloatVector.broadcast(FS, ap[ai + 3]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            x = FloatVector.broadcast(FS, ap[ai + 4]);
            s40 = b0.fma(x, s40);
            s41 = b1.fma(x, s41);
            x = FloatVector.broadcast(FS, ap[ai + 5]);
            s50 = b0.fma(x, s50);
            s51 = b1.fma(x, s51);
        }
        s00.intoArray(c, ci);
        s01.intoArray(c, ci + FL);
        s10.intoArray(c, ci + ldc);
        s11.intoArray(c, ci + ldc + FL);
        s20.intoArray(c, ci + 2 * ldc);
        s21.intoArray(c, ci + 2 * ldc + FL);
        s30.intoArray(c, ci + 3 * ldc);
        s31.intoArray(c, ci + 3 * ldc + FL);
        s40.intoArray(c, ci + 4 * ldc);
        s41.intoArray(c, ci + 4 * ldc + FL);
        s50.intoArray(c, ci + 5 * ldc);
        s51.intoArray(c, ci + 5 * ldc + FL);
    }

    /** {@link #gemm6x2Step} over k in steps of at most {@link #KSTEP}. */
    private static void gemm6x2(
            int i,
            int j,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            boolean acc) {
        int k0 = 0;
        do {
            int kn = Math.min(KSTEP, k - k0);
            gemm6x2Step(
                    i,
                    j,
                    kn,
                    a,
                    ao + k0 * acs,
                    ars,
                    acs,
                    b,
                    bo + k0 * ldb,
                    ldb,
                    c,
                    co,
                    ldc,
                    acc || k0 > 0);
            k0 += kn;
        } while (k0 < k);
    }

    /** 6 rows by 2 vectors: 12 accumulators, 15 registers in all (machines with 16: AVX2). */
    private static void gemm6x2Step(
            int i,
            int j,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            boolean acc) {
        int ci = co + i * ldc + j;
        if (!acc) {
            // Zeros stored, then loaded like any C: a vector merged from two branches (zero or
            // loaded) made C2 on AVX2 compile this loop 2-3x slower when only the zero branch ran.
            FloatVector z = FloatVector.zero(FS);
            for (int r = 0; r < 6; r++) {
                z.intoArray(c, ci + r * ldc);
                z.intoArray(c, ci + r * ldc + FL);
            }
        }
        FloatVector s00 = FloatVector.fromArray(FS, c, ci),
                s01 = FloatVector.fromArray(FS, c, ci + FL);
        FloatVector s10 = FloatVector.fromArray(FS, c, ci + ldc),
                s11 = FloatVector.fromArray(FS, c, ci + ldc + FL);
        FloatVector s20 = FloatVector.fromArray(FS, c, ci + 2 * ldc),
                s21 = FloatVector.fromArray(FS, c, ci + 2 * ldc + FL);
        FloatVector s30 = FloatVector.fromArray(FS, c, ci + 3 * ldc),
                s31 = FloatVector.fromArray(FS, c, ci + 3 * ldc + FL);
        FloatVector s40 = FloatVector.fromArray(FS, c, ci + 4 * ldc),
                s41 = FloatVector.fromArray(FS, c, ci + 4 * ldc + FL);
        FloatVector s50 = FloatVector.fromArray(FS, c, ci + 5 * ldc),
                s51 = FloatVector.fromArray(FS, c, ci + 5 * ldc + FL);
        int a0 = ao + i * ars;
        for (int kk = 0, kn = Math.min(k, KSTEP); kk < kn; kk++) {
            int bi = bo + kk * ldb + j, ak = a0 + kk * acs;
            FloatVector b0 = FloatVector.fromArray(FS, b, bi),
                    b1 = FloatVector.fromArray(FS, b, bi + FL);
            FloatVector x = FloatVector.broadcast(FS, a[ak]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = FloatVector.broadcast(FS, a[ak + ars]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            x = FloatVector.broadcast(FS, a[ak + 2 * ars]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            x = FloatVector.broadcast(FS, a[ak + 3 * ars]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            x = FloatVector.broadcast(FS, a[ak + 4 * ars]);
            s40 = b0.fma(x, s40);
            s41 = b1.fma(x, s41);
            x = FloatVector.broadcast(FS, a[ak + 5 * ars]);
            s50 = b0.fma(x, s50);
            s51 = b1.fma(x, s51);
        }
        s00.intoArray(c, ci);
        s01.intoArray(c, ci + FL);
        s10.intoArray(c, ci + ldc);
        s11.intoArray(c, ci + ldc + FL);
        s20.intoArray(c, ci + 2 * ldc);
        s21.intoArray(c, ci + 2 * ldc + FL);
        s30.intoArray(c, ci + 3 * ldc);
        s31.intoArray(c, ci + 3 * ldc + FL);
        s40.intoArray(c, ci + 4 * ldc);
        s41.intoArray(c, ci + 4 * ldc + FL);
        s50.intoArray(c, ci + 5 * ldc);
        s51.intoArray(c, ci + 5 * ldc + FL);
    }

    /**
     * 4 rows by 2 vectors, A and B in place: rows left over from the 6-row tiles (8 independent
     * accumulators).
     */
    private static void gemm4x2(
            int i,
            int j,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            boolean acc) {
        int ci = co + i * ldc + j;
        if (!acc) {
            FloatVector z = FloatVector.zero(FS);
            for (int r = 0; r < 4; r++) {
                z.intoArray(c, ci + r * ldc);
                z.intoArray(c, ci + r * ldc + FL);
            }
        }
        FloatVector s00 = FloatVector.fromArray(FS, c, ci),
                s01 = FloatVector.fromArray(FS, c, ci + FL);
        FloatVector s10 = FloatVector.fromArray(FS, c, ci + ldc),
                s11 = FloatVector.fromArray(FS, c, ci + ldc + FL);
        FloatVector s20 = FloatVector.fromArray(FS, c, ci + 2 * ldc),
                s21 = FloatVector.fromArray(FS, c, ci + 2 * ldc + FL);
        FloatVector s30 = FloatVector.fromArray(FS, c, ci + 3 * ldc),
                s31 = FloatVector.fromArray(FS, c, ci + 3 * ldc + FL);
        int a0 = ao + i * ars;
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * ldb + j, ak = a0 + kk * acs;
            FloatVector b0 = FloatVector.fromArray(FS, b, bi),
                    b1 = FloatVector.fromArray(FS, b, bi + FL);
            FloatVector x = FloatVector.broadcast(FS, a[ak]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = FloatVector.broadcast(FS, a[ak + ars]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            x = FloatVector.broadcast(FS, a[ak + 2 * ars]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            x = FloatVector.broadcast(FS, a[ak + 3 * ars]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
        }
        s00.intoArray(c, ci);
        s01.intoArray(c, ci + FL);
        s10.intoArray(c, ci + ldc);
        s11.intoArray(c, ci + ldc + FL);
        s20.intoArray(c, ci + 2 * ldc);
        s21.intoArray(c, ci + 2 * ldc + FL);
        s30.intoArray(c, ci + 3 * ldc);
        s31.intoArray(c, ci + 3 * ldc + FL);
    }

    private static void gemm1x2(
            int i,
            int j,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            boolean acc) {
        int ci = co + i * ldc + j;
        FloatVector c0, c1;
        if (acc) {
            c0 = FloatVector.fromArray(FS, c, ci);
            c1 = FloatVector.fromArray(FS, c, ci + FL);
        } else {
            c0 = FloatVector.zero(FS);
            c1 = c0;
        }
        int ai = ao + i * ars;
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * ldb + j;
            FloatVector x = FloatVector.broadcast(FS, a[ai + kk * acs]);
            c0 = FloatVector.fromArray(FS, b, bi).fma(x, c0);
            c1 = FloatVector.fromArray(FS, b, bi + FL).fma(x, c1);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + FL);
    }

    private static void gemm4x4(
            int i,
            int j,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            boolean acc) {
        int c0i = co + i * ldc + j, c1i = c0i + ldc, c2i = c1i + ldc, c3i = c2i + ldc;
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (acc) {
            c00 = FloatVector.fromArray(FS, c, c0i);
            c01 = FloatVector.fromArray(FS, c, c0i + FL);
            c02 = FloatVector.fromArray(FS, c, c0i + 2 * FL);
            c03 = FloatVector.fromArray(FS, c, c0i + 3 * FL);
            c10 = FloatVector.fromArray(FS, c, c1i);
            c11 = FloatVector.fromArray(FS, c, c1i + FL);
            c12 = FloatVector.fromArray(FS, c, c1i + 2 * FL);
            c13 = FloatVector.fromArray(FS, c, c1i + 3 * FL);
            c20 = FloatVector.fromArray(FS, c, c2i);
            c21 = FloatVector.fromArray(FS, c, c2i + FL);
            c22 = FloatVector.fromArray(FS, c, c2i + 2 * FL);
            c23 = FloatVector.fromArray(FS, c, c2i + 3 * FL);
            c30 = FloatVector.fromArray(FS, c, c3i);
            c31 = FloatVector.fromArray(FS, c, c3i + FL);
            c32 = FloatVector.fromArray(FS, c, c3i + 2 * FL);
            c33 = FloatVector.fromArray(FS, c, c3i + 3 * FL);
        } else {
            FloatVector z = FloatVector.zero(FS);
            c00 = z;
            c01 = z;
            c02 = z;
            c03 = z;
            c10 = z;
            c11 = z;
            c12 = z;
            c13 = z;
            c20 = z;
            c21 = z;
            c22 = z;
            c23 = z;
            c30 = z;
            c31 = z;
            c32 = z;
            c33 = z;
        }
        int a0 = ao + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * ldb + j;
            int ak = kk * acs;
            FloatVector b0 = FloatVector.fromArray(FS, b, bi);
            FloatVector b1 = FloatVector.fromArray(FS, b, bi + FL);
            FloatVector b2 = FloatVector.fromArray(FS, b, bi + 2 * FL);
            FloatVector b3 = FloatVector.fromArray(FS, b, bi + 3 * FL);
            FloatVector x = FloatVector.broadcast(FS, a[a0 + ak]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = FloatVector.broadcast(FS, a[a1 + ak]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = FloatVector.broadcast(FS, a[a2 + ak]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = FloatVector.broadcast(FS, a[a3 + ak]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
        }
        c00.intoArray(c, c0i);
        c01.intoArray(c, c0i + FL);
        c02.intoArray(c, c0i + 2 * FL);
        c03.intoArray(c, c0i + 3 * FL);
        c10.intoArray(c, c1i);
        c11.intoArray(c, c1i + FL);
        c12.intoArray(c, c1i + 2 * FL);
        c13.intoArray(c, c1i + 3 * FL);
        c20.intoArray(c, c2i);
        c21.intoArray(c, c2i + FL);
        c22.intoArray(c, c2i + 2 * FL);
        c23.intoArray(c, c2i + 3 * FL);
        c30.intoArray(c, c3i);
        c31.intoArray(c, c3i + FL);
        c32.intoArray(c, c3i + 2 * FL);
        c33.intoArray(c, c3i + 3 * FL);
    }

    /**
     * 8 rows by 2 vectors: 16 accumulators for products 32 floats wide (the width of small PDE
     * networks).
     */
    private static void gemm8x2(
            int i,
            int j,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            boolean acc) {
        int c0 = co + i * ldc + j;
        FloatVector z = FloatVector.zero(FS);
        FloatVector s00 = z, s01 = z, s10 = z, s11 = z, s20 = z, s21 = z, s30 = z, s31 = z;
        FloatVector s40 = z, s41 = z, s50 = z, s51 = z, s60 = z, s61 = z, s70 = z, s71 = z;
        if (acc) {
            s00 = FloatVector.fromArray(FS, c, c0);
            s01 = FloatVector.fromArray(FS, c, c0 + FL);
            s10 = FloatVector.fromArray(FS, c, c0 + ldc);
            s11 = FloatVector.fromArray(FS, c, c0 + ldc + FL);
            s20 = FloatVector.fromArray(FS, c, c0 + 2 * ldc);
            s21 = FloatVector.fromArray(FS, c, c0 + 2 * ldc + FL);
            s30 = FloatVector.fromArray(FS, c, c0 + 3 * ldc);
            s31 = FloatVector.fromArray(FS, c, c0 + 3 * ldc + FL);
            s40 = FloatVector.fromArray(FS, c, c0 + 4 * ldc);
            s41 = FloatVector.fromArray(FS, c, c0 + 4 * ldc + FL);
            s50 = FloatVector.fromArray(FS, c, c0 + 5 * ldc);
            s51 = FloatVector.fromArray(FS, c, c0 + 5 * ldc + FL);
            s60 = FloatVector.fromArray(FS, c, c0 + 6 * ldc);
            s61 = FloatVector.fromArray(FS, c, c0 + 6 * ldc + FL);
            s70 = FloatVector.fromArray(FS, c, c0 + 7 * ldc);
            s71 = FloatVector.fromArray(FS, c, c0 + 7 * ldc + FL);
        }
        int a0 = ao + i * ars;
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * ldb + j;
            int ak = a0 + kk * acs;
            FloatVector b0 = FloatVector.fromArray(FS, b, bi),
                    b1 = FloatVector.fromArray(FS, b, bi + FL);
            FloatVector x = FloatVector.broadcast(FS, a[ak]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = FloatVector.broadcast(FS, a[ak + ars]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            x = FloatVector.broadcast(FS, a[ak + 2 * ars]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            x = FloatVector.broadcast(FS, a[ak + 3 * ars]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            x = FloatVector.broadcast(FS, a[ak + 4 * ars]);
            s40 = b0.fma(x, s40);
            s41 = b1.fma(x, s41);
            x = FloatVector.broadcast(FS, a[ak + 5 * ars]);
            s50 = b0.fma(x, s50);
            s51 = b1.fma(x, s51);
            x = FloatVector.broadcast(FS, a[ak + 6 * ars]);
            s60 = b0.fma(x, s60);
            s61 = b1.fma(x, s61);
            x = FloatVector.broadcast(FS, a[ak + 7 * ars]);
            s70 = b0.fma(x, s70);
            s71 = b1.fma(x, s71);
        }
        s00.intoArray(c, c0);
        s01.intoArray(c, c0 + FL);
        s10.intoArray(c, c0 + ldc);
        s11.intoArray(c, c0 + ldc + FL);
        s20.intoArray(c, c0 + 2 * ldc);
        s21.intoArray(c, c0 + 2 * ldc + FL);
        s30.intoArray(c, c0 + 3 * ldc);
        s31.intoArray(c, c0 + 3 * ldc + FL);
        s40.intoArray(c, c0 + 4 * ldc);
        s41.intoArray(c, c0 + 4 * ldc + FL);
        s50.intoArray(c, c0 + 5 * ldc);
        s51.intoArray(c, c0 + 5 * ldc + FL);
        s60.intoArray(c, c0 + 6 * ldc);
        s61.intoArray(c, c0 + 6 * ldc + FL);
        s70.intoArray(c, c0 + 7 * ldc);
        s71.intoArray(c, c0 + 7 * ldc + FL);
    }

    private static void gemm1x4(
            int i,
            int j,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            boolean acc) {
        int ci = co + i * ldc + j;
        FloatVector c0, c1, c2, c3;
        if (acc) {
            c0 = FloatVector.fromArray(FS, c, ci);
            c1 = FloatVector.fromArray(FS, c, ci + FL);
            c2 = FloatVector.fromArray(FS, c, ci + 2 * FL);
            c3 = FloatVector.fromArray(FS, c, ci + 3 * FL);
        } else {
            c0 = FloatVector.zero(FS);
            c1 = c0;
            c2 = c0;
            c3 = c0;
        }
        int ai = ao + i * ars;
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * ldb + j;
            FloatVector x = FloatVector.broadcast(FS, a[ai + kk * acs]);
            c0 = FloatVector.fromArray(FS, b, bi).fma(x, c0);
            c1 = FloatVector.fromArray(FS, b, bi + FL).fma(x, c1);
            c2 = FloatVector.fromArray(FS, b, bi + 2 * FL).fma(x, c2);
            c3 = FloatVector.fromArray(FS, b, bi + 3 * FL).fma(x, c3);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + FL);
        c2.intoArray(c, ci + 2 * FL);
        c3.intoArray(c, ci + 3 * FL);
    }

    private static void gemm4x1(
            int i,
            int j,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            boolean acc) {
        int c0i = co + i * ldc + j, c1i = c0i + ldc, c2i = c1i + ldc, c3i = c2i + ldc;
        FloatVector c0, c1, c2, c3;
        if (acc) {
            c0 = FloatVector.fromArray(FS, c, c0i);
            c1 = FloatVector.fromArray(FS, c, c1i);
            c2 = FloatVector.fromArray(FS, c, c2i);
            c3 = FloatVector.fromArray(FS, c, c3i);
        } else {
            c0 = FloatVector.zero(FS);
            c1 = c0;
            c2 = c0;
            c3 = c0;
        }
        int a0 = ao + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        for (int kk = 0; kk < k; kk++) {
            FloatVector bv = FloatVector.fromArray(FS, b, bo + kk * ldb + j);
            int ak = kk * acs;
            c0 = bv.fma(FloatVector.broadcast(FS, a[a0 + ak]), c0);
            c1 = bv.fma(FloatVector.broadcast(FS, a[a1 + ak]), c1);
            c2 = bv.fma(FloatVector.broadcast(FS, a[a2 + ak]), c2);
            c3 = bv.fma(FloatVector.broadcast(FS, a[a3 + ak]), c3);
        }
        c0.intoArray(c, c0i);
        c1.intoArray(c, c1i);
        c2.intoArray(c, c2i);
        c3.intoArray(c, c3i);
    }

    /**
     * Columns [j0, n) narrower than a vector (narrow products are routed to dot products by the
     * backend).
     */
    private static void gemmTail(
            int r0,
            int r1,
            int j0,
            int n,
            int k,
            float[] a,
            int ao,
            int ars,
            int acs,
            float[] b,
            int bo,
            int ldb,
            float[] c,
            int co,
            int ldc,
            boolean acc) {
        for (int i = r0; i < r1; i++) {
            int ai = ao + i * ars;
            for (int j = j0; j < n; j++) {
                float s = 0f;
                for (int kk = 0; kk < k; kk++) {
                    s += a[ai + kk * acs] * b[bo + kk * ldb + j];
                }
                int ci = co + i * ldc + j;
                c[ci] = acc ? c[ci] + s : s;
            }
        }
    }

    // ------------------------------------------------------------------ GEMM, float64

    @Override
    public void gemm(
            int r0,
            int r1,
            int n,
            int k,
            double[] a,
            int ao,
            int ars,
            int acs,
            double[] b,
            int bo,
            int ldb,
            double[] c,
            int co,
            int ldc,
            boolean accumulate) {
        int j = 0;
        if (twoVectors) {
            for (; j + 2 * DL <= n; j += 2 * DL) {
                int i = r0;
                for (; i + 6 <= r1; i += 6) {
                    gemm6x2(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
                }
                for (; i < r1; i++) {
                    gemm1x2(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
                }
            }
        }
        for (; j + 4 * DL <= n; j += 4 * DL) {
            int i = r0;
            for (; i + 4 <= r1; i += 4) {
                gemm4x4(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
            }
            for (; i < r1; i++) {
                gemm1x4(i, j, k, a, ao, ars, acs, b, bo, ldb, c, co, ldc, accumulate);
            }
        }
        for (; j + DL <= n; j += DL) {
            for (int i = r0; i < r1; i++) {
                DoubleVector c0 =
                        accumulate
                                ? DoubleVector.fromArray(DS, c, co + i * ldc + j)
                                : DoubleVector.zero(DS);
                int ai = ao + i * ars;
                for (int kk = 0; kk < k; kk++) {
                    c0 =
                            DoubleVector.fromArray(DS, b, bo + kk * ldb + j)
                                    .fma(DoubleVector.broadcast(DS, a[ai + kk * acs]), c0);
                }
                c0.intoArray(c, co + i * ldc + j);
            }
        }
        for (int i = r0; i < r1 && j < n; i++) {
            int ai = ao + i * ars;
            for (int jj = j; jj < n; jj++) {
                double s = 0;
                for (int kk = 0; kk < k; kk++) {
                    s += a[ai + kk * acs] * b[bo + kk * ldb + jj];
                }
                int ci = co + i * ldc + jj;
                c[ci] = accumulate ? c[ci] + s : s;
            }
        }
    }

    /** 6 rows by 2 vectors: 12 accumulators, 15 registers in all, float64. */
    private static void gemm6x2(
            int i,
            int j,
            int k,
            double[] a,
            int ao,
            int ars,
            int acs,
            double[] b,
            int bo,
            int ldb,
            double[] c,
            int co,
            int ldc,
            boolean acc) {
        int ci = co + i * ldc + j;
        if (!acc) {
            // Zeros stored, then loaded like any C: a vector merged from two branches (zero or
            // loaded) made C2 on AVX2 compile this loop 2-3x slower when only the zero branch ran.
            DoubleVector z = DoubleVector.zero(DS);
            for (int r = 0; r < 6; r++) {
                z.intoArray(c, ci + r * ldc);
                z.intoArray(c, ci + r * ldc + DL);
            }
        }
        DoubleVector s00 = DoubleVector.fromArray(DS, c, ci),
                s01 = DoubleVector.fromArray(DS, c, ci + DL);
        DoubleVector s10 = DoubleVector.fromArray(DS, c, ci + ldc),
                s11 = DoubleVector.fromArray(DS, c, ci + ldc + DL);
        DoubleVector s20 = DoubleVector.fromArray(DS, c, ci + 2 * ldc),
                s21 = DoubleVector.fromArray(DS, c, ci + 2 * ldc + DL);
        DoubleVector s30 = DoubleVector.fromArray(DS, c, ci + 3 * ldc),
                s31 = DoubleVector.fromArray(DS, c, ci + 3 * ldc + DL);
        DoubleVector s40 = DoubleVector.fromArray(DS, c, ci + 4 * ldc),
                s41 = DoubleVector.fromArray(DS, c, ci + 4 * ldc + DL);
        DoubleVector s50 = DoubleVector.fromArray(DS, c, ci + 5 * ldc),
                s51 = DoubleVector.fromArray(DS, c, ci + 5 * ldc + DL);
        int a0 = ao + i * ars;
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * ldb + j, ak = a0 + kk * acs;
            DoubleVector b0 = DoubleVector.fromArray(DS, b, bi),
                    b1 = DoubleVector.fromArray(DS, b, bi + DL);
            DoubleVector x = DoubleVector.broadcast(DS, a[ak]);
            s00 = b0.fma(x, s00);
            s01 = b1.fma(x, s01);
            x = DoubleVector.broadcast(DS, a[ak + ars]);
            s10 = b0.fma(x, s10);
            s11 = b1.fma(x, s11);
            x = DoubleVector.broadcast(DS, a[ak + 2 * ars]);
            s20 = b0.fma(x, s20);
            s21 = b1.fma(x, s21);
            x = DoubleVector.broadcast(DS, a[ak + 3 * ars]);
            s30 = b0.fma(x, s30);
            s31 = b1.fma(x, s31);
            x = DoubleVector.broadcast(DS, a[ak + 4 * ars]);
            s40 = b0.fma(x, s40);
            s41 = b1.fma(x, s41);
            x = DoubleVector.broadcast(DS, a[ak + 5 * ars]);
            s50 = b0.fma(x, s50);
            s51 = b1.fma(x, s51);
        }
        s00.intoArray(c, ci);
        s01.intoArray(c, ci + DL);
        s10.intoArray(c, ci + ldc);
        s11.intoArray(c, ci + ldc + DL);
        s20.intoArray(c, ci + 2 * ldc);
        s21.intoArray(c, ci + 2 * ldc + DL);
        s30.intoArray(c, ci + 3 * ldc);
        s31.intoArray(c, ci + 3 * ldc + DL);
        s40.intoArray(c, ci + 4 * ldc);
        s41.intoArray(c, ci + 4 * ldc + DL);
        s50.intoArray(c, ci + 5 * ldc);
        s51.intoArray(c, ci + 5 * ldc + DL);
    }

    private static void gemm1x2(
            int i,
            int j,
            int k,
            double[] a,
            int ao,
            int ars,
            int acs,
            double[] b,
            int bo,
            int ldb,
            double[] c,
            int co,
            int ldc,
            boolean acc) {
        int ci = co + i * ldc + j;
        DoubleVector c0, c1;
        if (acc) {
            c0 = DoubleVector.fromArray(DS, c, ci);
            c1 = DoubleVector.fromArray(DS, c, ci + DL);
        } else {
            c0 = DoubleVector.zero(DS);
            c1 = c0;
        }
        int ai = ao + i * ars;
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * ldb + j;
            DoubleVector x = DoubleVector.broadcast(DS, a[ai + kk * acs]);
            c0 = DoubleVector.fromArray(DS, b, bi).fma(x, c0);
            c1 = DoubleVector.fromArray(DS, b, bi + DL).fma(x, c1);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + DL);
    }

    private static void gemm4x4(
            int i,
            int j,
            int k,
            double[] a,
            int ao,
            int ars,
            int acs,
            double[] b,
            int bo,
            int ldb,
            double[] c,
            int co,
            int ldc,
            boolean acc) {
        int c0i = co + i * ldc + j, c1i = c0i + ldc, c2i = c1i + ldc, c3i = c2i + ldc;
        DoubleVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;
        if (acc) {
            c00 = DoubleVector.fromArray(DS, c, c0i);
            c01 = DoubleVector.fromArray(DS, c, c0i + DL);
            c02 = DoubleVector.fromArray(DS, c, c0i + 2 * DL);
            c03 = DoubleVector.fromArray(DS, c, c0i + 3 * DL);
            c10 = DoubleVector.fromArray(DS, c, c1i);
            c11 = DoubleVector.fromArray(DS, c, c1i + DL);
            c12 = DoubleVector.fromArray(DS, c, c1i + 2 * DL);
            c13 = DoubleVector.fromArray(DS, c, c1i + 3 * DL);
            c20 = DoubleVector.fromArray(DS, c, c2i);
            c21 = DoubleVector.fromArray(DS, c, c2i + DL);
            c22 = DoubleVector.fromArray(DS, c, c2i + 2 * DL);
            c23 = DoubleVector.fromArray(DS, c, c2i + 3 * DL);
            c30 = DoubleVector.fromArray(DS, c, c3i);
            c31 = DoubleVector.fromArray(DS, c, c3i + DL);
            c32 = DoubleVector.fromArray(DS, c, c3i + 2 * DL);
            c33 = DoubleVector.fromArray(DS, c, c3i + 3 * DL);
        } else {
            DoubleVector z = DoubleVector.zero(DS);
            c00 = z;
            c01 = z;
            c02 = z;
            c03 = z;
            c10 = z;
            c11 = z;
            c12 = z;
            c13 = z;
            c20 = z;
            c21 = z;
            c22 = z;
            c23 = z;
            c30 = z;
            c31 = z;
            c32 = z;
            c33 = z;
        }
        int a0 = ao + i * ars, a1 = a0 + ars, a2 = a1 + ars, a3 = a2 + ars;
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * ldb + j;
            int ak = kk * acs;
            DoubleVector b0 = DoubleVector.fromArray(DS, b, bi);
            DoubleVector b1 = DoubleVector.fromArray(DS, b, bi + DL);
            DoubleVector b2 = DoubleVector.fromArray(DS, b, bi + 2 * DL);
            DoubleVector b3 = DoubleVector.fromArray(DS, b, bi + 3 * DL);
            DoubleVector x = DoubleVector.broadcast(DS, a[a0 + ak]);
            c00 = b0.fma(x, c00);
            c01 = b1.fma(x, c01);
            c02 = b2.fma(x, c02);
            c03 = b3.fma(x, c03);
            x = DoubleVector.broadcast(DS, a[a1 + ak]);
            c10 = b0.fma(x, c10);
            c11 = b1.fma(x, c11);
            c12 = b2.fma(x, c12);
            c13 = b3.fma(x, c13);
            x = DoubleVector.broadcast(DS, a[a2 + ak]);
            c20 = b0.fma(x, c20);
            c21 = b1.fma(x, c21);
            c22 = b2.fma(x, c22);
            c23 = b3.fma(x, c23);
            x = DoubleVector.broadcast(DS, a[a3 + ak]);
            c30 = b0.fma(x, c30);
            c31 = b1.fma(x, c31);
            c32 = b2.fma(x, c32);
            c33 = b3.fma(x, c33);
        }
        c00.intoArray(c, c0i);
        c01.intoArray(c, c0i + DL);
        c02.intoArray(c, c0i + 2 * DL);
        c03.intoArray(c, c0i + 3 * DL);
        c10.intoArray(c, c1i);
        c11.intoArray(c, c1i + DL);
        c12.intoArray(c, c1i + 2 * DL);
        c13.intoArray(c, c1i + 3 * DL);
        c20.intoArray(c, c2i);
        c21.intoArray(c, c2i + DL);
        c22.intoArray(c, c2i + 2 * DL);
        c23.intoArray(c, c2i + 3 * DL);
        c30.intoArray(c, c3i);
        c31.intoArray(c, c3i + DL);
        c32.intoArray(c, c3i + 2 * DL);
        c33.intoArray(c, c3i + 3 * DL);
    }

    private static void gemm1x4(
            int i,
            int j,
            int k,
            double[] a,
            int ao,
            int ars,
            int acs,
            double[] b,
            int bo,
            int ldb,
            double[] c,
            int co,
            int ldc,
            boolean acc) {
        int ci = co + i * ldc + j;
        DoubleVector c0, c1, c2, c3;
        if (acc) {
            c0 = DoubleVector.fromArray(DS, c, ci);
            c1 = DoubleVector.fromArray(DS, c, ci + DL);
            c2 = DoubleVector.fromArray(DS, c, ci + 2 * DL);
            c3 = DoubleVector.fromArray(DS, c, ci + 3 * DL);
        } else {
            c0 = DoubleVector.zero(DS);
            c1 = c0;
            c2 = c0;
            c3 = c0;
        }
        int ai = ao + i * ars;
        for (int kk = 0; kk < k; kk++) {
            int bi = bo + kk * ldb + j;
            DoubleVector x = DoubleVector.broadcast(DS, a[ai + kk * acs]);
            c0 = DoubleVector.fromArray(DS, b, bi).fma(x, c0);
            c1 = DoubleVector.fromArray(DS, b, bi + DL).fma(x, c1);
            c2 = DoubleVector.fromArray(DS, b, bi + 2 * DL).fma(x, c2);
            c3 = DoubleVector.fromArray(DS, b, bi + 3 * DL).fma(x, c3);
        }
        c0.intoArray(c, ci);
        c1.intoArray(c, ci + DL);
        c2.intoArray(c, ci + 2 * DL);
        c3.intoArray(c, ci + 3 * DL);
    }

    // ------------------------------------------------------------------ elementwise
    //
    // One small method per operation and dtype: each is compiled on its own, so meeting a new
    // operation recompiles one loop, not a method holding all of them (which ran interpreted,
    // with boxed vectors, until C2 had recompiled it). Each returns where its vector body stopped;
    // the dispatcher finishes the tail with the scalar definition of the op.

    private static final FloatVector F_ZERO = FloatVector.zero(FS),
            F_ONE = FloatVector.broadcast(FS, 1f);
    private static final DoubleVector D_ZERO = DoubleVector.zero(DS),
            D_ONE = DoubleVector.broadcast(DS, 1.0);

    private static FloatVector cube(FloatVector r) {
        return r.mul(r).mul(r);
    }

    private static DoubleVector cube(DoubleVector r) {
        return r.mul(r).mul(r);
    }

    @Override
    public void unary(
            UnaryOp op, double pd, double qd, float[] a, int ao, float[] out, int oo, int n) {
        final float p = (float) pd, q = (float) qd;
        int i;
        switch (op) {
            case NEG:
                i = fNeg(a, ao, out, oo, n, p, q);
                break;
            case ABS:
                i = fAbs(a, ao, out, oo, n, p, q);
                break;
            case EXP:
                i = TranscendentalKernels.exp(a, ao, out, oo, n);
                break;
            case LOG:
                i = TranscendentalKernels.log(a, ao, out, oo, n);
                break;
            case SQRT:
                i = fSqrt(a, ao, out, oo, n, p, q);
                break;
            case SQUARE:
                i = fSquare(a, ao, out, oo, n, p, q);
                break;
            case SIN:
                i = TranscendentalKernels.sinCos(a, ao, out, oo, n, 0);
                break;
            case COS:
                i = TranscendentalKernels.sinCos(a, ao, out, oo, n, 1);
                break;
            case TANH:
                i = TranscendentalKernels.tanh(a, ao, out, oo, n);
                break;
            case SIGMOID:
                i = TranscendentalKernels.sigmoid(a, ao, out, oo, n, 1f);
                break;
            case SOFTPLUS_SLOPE:
                i = TranscendentalKernels.sigmoid(a, ao, out, oo, n, p);
                break;
            case RELU:
                i = fRelu(a, ao, out, oo, n, p, q);
                break;
            case SOFTPLUS:
                i = TranscendentalKernels.softplus(a, ao, out, oo, n, p);
                break;
            case CUBIC_RELU:
                i = fCubicrelu(a, ao, out, oo, n, p, q);
                break;
            case POW:
                i = fPow(a, ao, out, oo, n, p, q);
                break;
            case STEP:
                i = fStep(a, ao, out, oo, n, p, q);
                break;
            case SCALE:
                i = fScale(a, ao, out, oo, n, p, q);
                break;
            case SHIFT:
                i = fShift(a, ao, out, oo, n, p, q);
                break;
            case CLAMP:
                i = fClamp(a, ao, out, oo, n, p, q);
                break;
            default:
                i = 0;
                break;
        }
        for (; i < n; i++) {
            out[oo + i] = (float) op.apply(a[ao + i], pd, qd);
        }
    }

    @Override
    public void softplusWithSlope(
            double beta, float[] a, int ao, float[] h, float[] s, int oo, int n) {
        int i = TranscendentalKernels.softplusWithSlope(a, ao, h, s, oo, n, (float) beta);
        for (; i < n; i++) {
            h[oo + i] = (float) UnaryOp.SOFTPLUS.apply(a[ao + i], beta, 0);
            s[oo + i] = (float) UnaryOp.SOFTPLUS_SLOPE.apply(a[ao + i], beta, 0);
        }
    }

    /** float64 softplus has no vector kernel (as in {@link #unary}): the plain loop. */
    @Override
    public void softplusWithSlope(
            double beta, double[] a, int ao, double[] h, double[] s, int oo, int n) {
        PLAIN.softplusWithSlope(beta, a, ao, h, s, oo, n);
    }

    private static final ScalarKernels PLAIN = new ScalarKernels();

    @Override
    public void ternary(
            TernaryOp op, double pd, float[] a, float[] b, float[] c, float[] out, int oo, int n) {
        final float p = (float) pd;
        int i = 0;
        int bound = FS.loopBound(n);
        if (op == TernaryOp.ADDCMUL) {
            for (; i < bound; i += FL) {
                FloatVector x = FloatVector.fromArray(FS, a, oo + i),
                        y = FloatVector.fromArray(FS, b, oo + i);
                FloatVector z = FloatVector.fromArray(FS, c, oo + i);
                y.mul(p).fma(z, x).intoArray(out, oo + i);
            }
        } else if (op == TernaryOp.SOFTPLUS_BACKWARD) {
            for (; i < bound; i += FL) {
                FloatVector x = FloatVector.fromArray(FS, a, oo + i),
                        y = FloatVector.fromArray(FS, b, oo + i);
                FloatVector z = FloatVector.fromArray(FS, c, oo + i);
                F_ONE.sub(x).mul(p).fma(z, y).mul(x).intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = (float) op.apply(a[oo + i], b[oo + i], c[oo + i], pd);
        }
    }

    @Override
    public void ternary(
            TernaryOp op,
            double p,
            double[] a,
            double[] b,
            double[] c,
            double[] out,
            int oo,
            int n) {
        int i = 0;
        int bound = DS.loopBound(n);
        if (op == TernaryOp.ADDCMUL) {
            for (; i < bound; i += DL) {
                DoubleVector x = DoubleVector.fromArray(DS, a, oo + i),
                        y = DoubleVector.fromArray(DS, b, oo + i);
                DoubleVector z = DoubleVector.fromArray(DS, c, oo + i);
                y.mul(p).fma(z, x).intoArray(out, oo + i);
            }
        } else if (op == TernaryOp.SOFTPLUS_BACKWARD) {
            for (; i < bound; i += DL) {
                DoubleVector x = DoubleVector.fromArray(DS, a, oo + i),
                        y = DoubleVector.fromArray(DS, b, oo + i);
                DoubleVector z = DoubleVector.fromArray(DS, c, oo + i);
                DoubleVector.broadcast(DS, 1.0)
                        .sub(x)
                        .mul(p)
                        .fma(z, y)
                        .mul(x)
                        .intoArray(out, oo + i);
            }
        }
        for (; i < n; i++) {
            out[oo + i] = op.apply(a[oo + i], b[oo + i], c[oo + i], p);
        }
    }

    private static int fNeg(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            (x.neg()).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fAbs(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            (x.abs()).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fSqrt(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            (x.lanewise(VectorOperators.SQRT)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fSquare(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            (x.mul(x)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fRelu(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            (x.max(F_ZERO)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fCubicrelu(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            (cube(x.max(F_ZERO))).intoArray(out, oo + i);
        }
        return i;
    }

    /**
     * Exactly rounded forms of common exponents; any other exponent takes the scalar Math.pow loop.
     */
    private static int fPow(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        if (p != -1f && p != 0.5f && p != -0.5f && p != 3f && p != 4f) {
            return 0;
        }
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            FloatVector y =
                    p == -1f
                            ? F_ONE.div(x)
                            : p == 0.5f
                                    ? x.lanewise(VectorOperators.SQRT)
                                    : p == -0.5f
                                            ? F_ONE.div(x.lanewise(VectorOperators.SQRT))
                                            : p == 3f ? x.mul(x).mul(x) : x.mul(x).mul(x.mul(x));
            y.intoArray(out, oo + i);
        }
        return i;
    }

    private static int fStep(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            (F_ZERO.blend(F_ONE, x.compare(VectorOperators.GT, F_ZERO))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fScale(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            (x.mul(p)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fShift(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            (x.add(p)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fClamp(float[] a, int ao, float[] out, int oo, int n, float p, float q) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            (x.max(p).min(q)).intoArray(out, oo + i);
        }
        return i;
    }

    @Override
    public void unary(
            UnaryOp op, double pd, double qd, double[] a, int ao, double[] out, int oo, int n) {
        final double p = (double) pd, q = (double) qd;
        int i;
        switch (op) {
            case TANH:
                i = TranscendentalKernelsDouble.tanh(a, ao, out, oo, n);
                break;
            case EXP:
                i = TranscendentalKernelsDouble.exp(a, ao, out, oo, n);
                break;
            case SIGMOID:
                i = TranscendentalKernelsDouble.sigmoid(a, ao, out, oo, n);
                break;
            case NEG:
                i = dNeg(a, ao, out, oo, n, p, q);
                break;
            case ABS:
                i = dAbs(a, ao, out, oo, n, p, q);
                break;
            case SQRT:
                i = dSqrt(a, ao, out, oo, n, p, q);
                break;
            case SQUARE:
                i = dSquare(a, ao, out, oo, n, p, q);
                break;
            case RELU:
                i = dRelu(a, ao, out, oo, n, p, q);
                break;
            case CUBIC_RELU:
                i = dCubicrelu(a, ao, out, oo, n, p, q);
                break;
            case STEP:
                i = dStep(a, ao, out, oo, n, p, q);
                break;
            case SCALE:
                i = dScale(a, ao, out, oo, n, p, q);
                break;
            case SHIFT:
                i = dShift(a, ao, out, oo, n, p, q);
                break;
            case CLAMP:
                i = dClamp(a, ao, out, oo, n, p, q);
                break;
            default:
                i = 0;
                break;
        }
        for (; i < n; i++) {
            out[oo + i] = (double) op.apply(a[ao + i], pd, qd);
        }
    }

    private static int dNeg(double[] a, int ao, double[] out, int oo, int n, double p, double q) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            (x.neg()).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dAbs(double[] a, int ao, double[] out, int oo, int n, double p, double q) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            (x.abs()).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dSqrt(double[] a, int ao, double[] out, int oo, int n, double p, double q) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            (x.lanewise(VectorOperators.SQRT)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dSquare(
            double[] a, int ao, double[] out, int oo, int n, double p, double q) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            (x.mul(x)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dRelu(double[] a, int ao, double[] out, int oo, int n, double p, double q) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            (x.max(D_ZERO)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dCubicrelu(
            double[] a, int ao, double[] out, int oo, int n, double p, double q) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            (cube(x.max(D_ZERO))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dStep(double[] a, int ao, double[] out, int oo, int n, double p, double q) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            (D_ZERO.blend(D_ONE, x.compare(VectorOperators.GT, D_ZERO))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dScale(double[] a, int ao, double[] out, int oo, int n, double p, double q) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            (x.mul(p)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dShift(double[] a, int ao, double[] out, int oo, int n, double p, double q) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            (x.add(p)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dClamp(double[] a, int ao, double[] out, int oo, int n, double p, double q) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            (x.max(p).min(q)).intoArray(out, oo + i);
        }
        return i;
    }

    private static float[] scratch(float[] x, int xo, int n, int slot) {
        float[][] s = F_SCRATCH.get();
        if (s[slot].length < n) {
            s[slot] = new float[Math.max(n, 2 * s[slot].length)];
        }
        java.util.Arrays.fill(s[slot], 0, n, x[xo]);
        return s[slot];
    }

    private static double[] scratch(double[] x, int xo, int n, int slot) {
        double[][] s = D_SCRATCH.get();
        if (s[slot].length < n) {
            s[slot] = new double[Math.max(n, 2 * s[slot].length)];
        }
        java.util.Arrays.fill(s[slot], 0, n, x[xo]);
        return s[slot];
    }

    @Override
    public void binary(
            BinaryOp op,
            float[] a,
            int ao,
            int sa,
            float[] b,
            int bo,
            int sb,
            float[] out,
            int oo,
            int n) {
        if (sa == 0) {
            a = scratch(a, ao, n, 0);
            ao = 0;
        }
        if (sb == 0) {
            b = scratch(b, bo, n, 1);
            bo = 0;
        }
        int i;
        switch (op) {
            case ADD:
                i = fAdd2(a, ao, b, bo, out, oo, n);
                break;
            case SUB:
                i = fSub2(a, ao, b, bo, out, oo, n);
                break;
            case MUL:
                i = fMul2(a, ao, b, bo, out, oo, n);
                break;
            case DIV:
                i = fDiv2(a, ao, b, bo, out, oo, n);
                break;
            case MAX:
                i = fMax2(a, ao, b, bo, out, oo, n);
                break;
            case MIN:
                i = fMin2(a, ao, b, bo, out, oo, n);
                break;
            case GT:
                i = fGt2(a, ao, b, bo, out, oo, n);
                break;
            case GE:
                i = fGe2(a, ao, b, bo, out, oo, n);
                break;
            case LT:
                i = fLt2(a, ao, b, bo, out, oo, n);
                break;
            case LE:
                i = fLe2(a, ao, b, bo, out, oo, n);
                break;
            case EQ:
                i = fEq2(a, ao, b, bo, out, oo, n);
                break;
            case TANH_GRAD:
                i = fTanhgrad2(a, ao, b, bo, out, oo, n);
                break;
            case SIGMOID_GRAD:
                i = fSigmoidgrad2(a, ao, b, bo, out, oo, n);
                break;
            default:
                i = 0;
                break;
        }
        for (; i < n; i++) {
            out[oo + i] = (float) op.apply(a[ao + i], b[bo + i]);
        }
    }

    private static int fAdd2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (x.add(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fSub2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (x.sub(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fMul2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (x.mul(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fDiv2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (x.div(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fMax2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (x.max(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fMin2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (x.min(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fGt2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (F_ZERO.blend(F_ONE, x.compare(VectorOperators.GT, y))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fGe2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (F_ZERO.blend(F_ONE, x.compare(VectorOperators.GE, y))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fLt2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (F_ZERO.blend(F_ONE, x.compare(VectorOperators.LT, y))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fLe2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (F_ZERO.blend(F_ONE, x.compare(VectorOperators.LE, y))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fEq2(float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (F_ZERO.blend(F_ONE, x.compare(VectorOperators.EQ, y))).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fTanhgrad2(
            float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (x.neg().fma(x, F_ONE).mul(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int fSigmoidgrad2(
            float[] a, int ao, float[] b, int bo, float[] out, int oo, int n) {
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i),
                    y = FloatVector.fromArray(FS, b, bo + i);
            (F_ONE.sub(x).mul(x).mul(y)).intoArray(out, oo + i);
        }
        return i;
    }

    @Override
    public void binary(
            BinaryOp op,
            double[] a,
            int ao,
            int sa,
            double[] b,
            int bo,
            int sb,
            double[] out,
            int oo,
            int n) {
        if (sa == 0) {
            a = scratch(a, ao, n, 0);
            ao = 0;
        }
        if (sb == 0) {
            b = scratch(b, bo, n, 1);
            bo = 0;
        }
        int i;
        switch (op) {
            case ADD:
                i = dAdd2(a, ao, b, bo, out, oo, n);
                break;
            case SUB:
                i = dSub2(a, ao, b, bo, out, oo, n);
                break;
            case MUL:
                i = dMul2(a, ao, b, bo, out, oo, n);
                break;
            case DIV:
                i = dDiv2(a, ao, b, bo, out, oo, n);
                break;
            case MAX:
                i = dMax2(a, ao, b, bo, out, oo, n);
                break;
            case MIN:
                i = dMin2(a, ao, b, bo, out, oo, n);
                break;
            case TANH_GRAD:
                i = dTanhgrad2(a, ao, b, bo, out, oo, n);
                break;
            default:
                i = 0;
                break;
        }
        for (; i < n; i++) {
            out[oo + i] = (double) op.apply(a[ao + i], b[bo + i]);
        }
    }

    private static int dAdd2(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i),
                    y = DoubleVector.fromArray(DS, b, bo + i);
            (x.add(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dSub2(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i),
                    y = DoubleVector.fromArray(DS, b, bo + i);
            (x.sub(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dMul2(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i),
                    y = DoubleVector.fromArray(DS, b, bo + i);
            (x.mul(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dDiv2(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i),
                    y = DoubleVector.fromArray(DS, b, bo + i);
            (x.div(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dMax2(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i),
                    y = DoubleVector.fromArray(DS, b, bo + i);
            (x.max(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dMin2(double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i),
                    y = DoubleVector.fromArray(DS, b, bo + i);
            (x.min(y)).intoArray(out, oo + i);
        }
        return i;
    }

    private static int dTanhgrad2(
            double[] a, int ao, double[] b, int bo, double[] out, int oo, int n) {
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i),
                    y = DoubleVector.fromArray(DS, b, bo + i);
            (x.neg().fma(x, D_ONE).mul(y)).intoArray(out, oo + i);
        }
        return i;
    }

    // ------------------------------------------------------------------ reductions

    @Override
    public double reduce(ReduceOp op, float[] a, int ao, int n) {
        final int bound = FS.loopBound(n);
        int i = 0;
        double acc;
        switch (op) {
            case SUM:
                {
                    FloatVector v = FloatVector.zero(FS);
                    for (; i < bound; i += FL) v = v.add(FloatVector.fromArray(FS, a, ao + i));
                    acc = TranscendentalKernels.sumLanes(v);
                    break;
                }
            case MAX:
                {
                    FloatVector v = FloatVector.broadcast(FS, Float.NEGATIVE_INFINITY);
                    for (; i < bound; i += FL) v = v.max(FloatVector.fromArray(FS, a, ao + i));
                    acc = v.reduceLanes(VectorOperators.MAX);
                    break;
                }
            default:
                {
                    FloatVector v = FloatVector.broadcast(FS, Float.POSITIVE_INFINITY);
                    for (; i < bound; i += FL) v = v.min(FloatVector.fromArray(FS, a, ao + i));
                    acc = v.reduceLanes(VectorOperators.MIN);
                    break;
                }
        }
        for (; i < n; i++) {
            acc = op.combine(acc, a[ao + i]);
        }
        return acc;
    }

    @Override
    public double reduce(ReduceOp op, double[] a, int ao, int n) {
        final int bound = DS.loopBound(n);
        int i = 0;
        double acc;
        switch (op) {
            case SUM:
                {
                    DoubleVector v = DoubleVector.zero(DS);
                    for (; i < bound; i += DL) v = v.add(DoubleVector.fromArray(DS, a, ao + i));
                    acc = TranscendentalKernels.sumLanes(v);
                    break;
                }
            case MAX:
                {
                    DoubleVector v = DoubleVector.broadcast(DS, Double.NEGATIVE_INFINITY);
                    for (; i < bound; i += DL) v = v.max(DoubleVector.fromArray(DS, a, ao + i));
                    acc = v.reduceLanes(VectorOperators.MAX);
                    break;
                }
            default:
                {
                    DoubleVector v = DoubleVector.broadcast(DS, Double.POSITIVE_INFINITY);
                    for (; i < bound; i += DL) v = v.min(DoubleVector.fromArray(DS, a, ao + i));
                    acc = v.reduceLanes(VectorOperators.MIN);
                    break;
                }
        }
        for (; i < n; i++) {
            acc = op.combine(acc, a[ao + i]);
        }
        return acc;
    }

    // ------------------------------------------------------------------ dot products

    @Override
    public double dot(float[] a, int ao, float[] b, int bo, int n) {
        FloatVector v = FloatVector.zero(FS);
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            v = FloatVector.fromArray(FS, a, ao + i).fma(FloatVector.fromArray(FS, b, bo + i), v);
        }
        float s = TranscendentalKernels.sumLanes(v);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    @Override
    public double dot(double[] a, int ao, double[] b, int bo, int n) {
        DoubleVector v = DoubleVector.zero(DS);
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            v = DoubleVector.fromArray(DS, a, ao + i).fma(DoubleVector.fromArray(DS, b, bo + i), v);
        }
        double s = TranscendentalKernels.sumLanes(v);
        for (; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    /**
     * Four rows at a time: each keeps its own accumulator and the four share the loads of Bt's row;
     * the four lane sums, chains of dependent additions, run side by side from the accumulators
     * stored to an array. A 1024 x 64 -> 1 product on one thread (Zen 4) took 7.4-8.5 us against
     * 10-15 with four sums of lane extractions one after the other, and 22-24 row by row with
     * {@link #dot}.
     */
    @Override
    public void dotRows(
            int r0,
            int r1,
            int n,
            int k,
            float[] a,
            int ao,
            float[] bt,
            int bo,
            float[] c,
            int co,
            float[] bias) {
        int bound = FS.loopBound(k), i = r0;
        float[] lanes = new float[4 * FL];
        for (; i + 4 <= r1; i += 4) {
            int a0 = ao + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            for (int j = 0; j < n; j++) {
                int bj = bo + j * k;
                FloatVector v0 = FloatVector.zero(FS), v1 = v0, v2 = v0, v3 = v0;
                for (int p = 0; p < bound; p += FL) {
                    FloatVector w = FloatVector.fromArray(FS, bt, bj + p);
                    v0 = FloatVector.fromArray(FS, a, a0 + p).fma(w, v0);
                    v1 = FloatVector.fromArray(FS, a, a1 + p).fma(w, v1);
                    v2 = FloatVector.fromArray(FS, a, a2 + p).fma(w, v2);
                    v3 = FloatVector.fromArray(FS, a, a3 + p).fma(w, v3);
                }
                // The lane sums of dot, left to right, the four rows' chains side by side.
                v0.intoArray(lanes, 0);
                v1.intoArray(lanes, FL);
                v2.intoArray(lanes, 2 * FL);
                v3.intoArray(lanes, 3 * FL);
                float s0 = 0f, s1 = 0f, s2 = 0f, s3 = 0f;
                for (int l = 0; l < FL; l++) {
                    s0 += lanes[l];
                    s1 += lanes[FL + l];
                    s2 += lanes[2 * FL + l];
                    s3 += lanes[3 * FL + l];
                }
                for (int p = bound; p < k; p++) {
                    float w = bt[bj + p];
                    s0 += a[a0 + p] * w;
                    s1 += a[a1 + p] * w;
                    s2 += a[a2 + p] * w;
                    s3 += a[a3 + p] * w;
                }
                int cj = co + i * n + j;
                if (bias != null) {
                    float b = bias[j];
                    s0 += b;
                    s1 += b;
                    s2 += b;
                    s3 += b;
                }
                c[cj] = s0;
                c[cj + n] = s1;
                c[cj + 2 * n] = s2;
                c[cj + 3 * n] = s3;
            }
        }
        // Rows left over: one dot product each.
        Kernels.super.dotRows(i, r1, n, k, a, ao, bt, bo, c, co, bias);
    }

    @Override
    public void dotRows(
            int r0,
            int r1,
            int n,
            int k,
            double[] a,
            int ao,
            double[] bt,
            int bo,
            double[] c,
            int co,
            double[] bias) {
        int bound = DS.loopBound(k), i = r0;
        double[] lanes = new double[4 * DL];
        for (; i + 4 <= r1; i += 4) {
            int a0 = ao + i * k, a1 = a0 + k, a2 = a1 + k, a3 = a2 + k;
            for (int j = 0; j < n; j++) {
                int bj = bo + j * k;
                DoubleVector v0 = DoubleVector.zero(DS), v1 = v0, v2 = v0, v3 = v0;
                for (int p = 0; p < bound; p += DL) {
                    DoubleVector w = DoubleVector.fromArray(DS, bt, bj + p);
                    v0 = DoubleVector.fromArray(DS, a, a0 + p).fma(w, v0);
                    v1 = DoubleVector.fromArray(DS, a, a1 + p).fma(w, v1);
                    v2 = DoubleVector.fromArray(DS, a, a2 + p).fma(w, v2);
                    v3 = DoubleVector.fromArray(DS, a, a3 + p).fma(w, v3);
                }
                // The lane sums of dot, left to right, the four rows' chains side by side.
                v0.intoArray(lanes, 0);
                v1.intoArray(lanes, DL);
                v2.intoArray(lanes, 2 * DL);
                v3.intoArray(lanes, 3 * DL);
                double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
                for (int l = 0; l < DL; l++) {
                    s0 += lanes[l];
                    s1 += lanes[DL + l];
                    s2 += lanes[2 * DL + l];
                    s3 += lanes[3 * DL + l];
                }
                for (int p = bound; p < k; p++) {
                    double w = bt[bj + p];
                    s0 += a[a0 + p] * w;
                    s1 += a[a1 + p] * w;
                    s2 += a[a2 + p] * w;
                    s3 += a[a3 + p] * w;
                }
                int cj = co + i * n + j;
                if (bias != null) {
                    double b = bias[j];
                    s0 += b;
                    s1 += b;
                    s2 += b;
                    s3 += b;
                }
                c[cj] = s0;
                c[cj + n] = s1;
                c[cj + 2 * n] = s2;
                c[cj + 3 * n] = s3;
            }
        }
        // Rows left over: one dot product each.
        Kernels.super.dotRows(i, r1, n, k, a, ao, bt, bo, c, co, bias);
    }

    // ------------------------------------------------------------------ column sums

    @Override
    public void sumRows(float[] x, int xo, int rows, int n, int ld, float[] out, int oo) {
        int j = 0;
        for (; j + 4 * FL <= n; j += 4 * FL) {
            FloatVector s0 = FloatVector.zero(FS), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0, base = xo + j; r < rows; r++, base += ld) {
                s0 = s0.add(FloatVector.fromArray(FS, x, base));
                s1 = s1.add(FloatVector.fromArray(FS, x, base + FL));
                s2 = s2.add(FloatVector.fromArray(FS, x, base + 2 * FL));
                s3 = s3.add(FloatVector.fromArray(FS, x, base + 3 * FL));
            }
            s0.intoArray(out, oo + j);
            s1.intoArray(out, oo + j + FL);
            s2.intoArray(out, oo + j + 2 * FL);
            s3.intoArray(out, oo + j + 3 * FL);
        }
        for (; j + FL <= n; j += FL) {
            FloatVector s0 = FloatVector.zero(FS);
            for (int r = 0, base = xo + j; r < rows; r++, base += ld) {
                s0 = s0.add(FloatVector.fromArray(FS, x, base));
            }
            s0.intoArray(out, oo + j);
        }
        for (; j < n; j++) {
            float s = 0;
            for (int r = 0; r < rows; r++) {
                s += x[xo + r * ld + j];
            }
            out[oo + j] = s;
        }
    }

    @Override
    public void sumRows(double[] x, int xo, int rows, int n, int ld, double[] out, int oo) {
        int j = 0;
        for (; j + 4 * DL <= n; j += 4 * DL) {
            DoubleVector s0 = DoubleVector.zero(DS), s1 = s0, s2 = s0, s3 = s0;
            for (int r = 0, base = xo + j; r < rows; r++, base += ld) {
                s0 = s0.add(DoubleVector.fromArray(DS, x, base));
                s1 = s1.add(DoubleVector.fromArray(DS, x, base + DL));
                s2 = s2.add(DoubleVector.fromArray(DS, x, base + 2 * DL));
                s3 = s3.add(DoubleVector.fromArray(DS, x, base + 3 * DL));
            }
            s0.intoArray(out, oo + j);
            s1.intoArray(out, oo + j + DL);
            s2.intoArray(out, oo + j + 2 * DL);
            s3.intoArray(out, oo + j + 3 * DL);
        }
        for (; j + DL <= n; j += DL) {
            DoubleVector s0 = DoubleVector.zero(DS);
            for (int r = 0, base = xo + j; r < rows; r++, base += ld) {
                s0 = s0.add(DoubleVector.fromArray(DS, x, base));
            }
            s0.intoArray(out, oo + j);
        }
        for (; j < n; j++) {
            double s = 0;
            for (int r = 0; r < rows; r++) {
                s += x[xo + r * ld + j];
            }
            out[oo + j] = s;
        }
    }
}
