package org.implicitlayers.core.backend.jvm;

import org.implicitlayers.core.backend.BinaryOp;
import org.implicitlayers.core.backend.ReduceOp;
import org.implicitlayers.core.backend.TernaryOp;
import org.implicitlayers.core.backend.UnaryOp;

/**
 * The hot loops of the JVM backend, behind one interface with two implementations: Vector API
 * kernels (chosen when {@code jdk.incubator.vector} is present) and plain Java loops. Callers never
 * know which runs; the tests run both and compare.
 *
 * <p>Operand conventions. GEMM: {@code A(i,k) = a[ao + i*ars + k*acs]} (any strides, so a
 * transposed A costs nothing), {@code B(k,j) = b[bo + k*ldb + j]} (rows contiguous), {@code C(i,j)
 * = c[co + i*ldc + j]}; rows {@code [r0, r1)} of C are written, accumulated onto the existing
 * values when {@code accumulate}. Elementwise: operand strides are 0 (broadcast scalar) or 1.
 */
interface Kernels {
    String name();

    void gemm(
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
            boolean accumulate);

    /**
     * C = A B (+ bias) for rows [r0, r1) of a shallow product, k at most a few (a first layer's
     * inputs, a gradient through a one-wide output), with B [k, n] and C [m, n] row-major (ldb =
     * ldc = n). C starts from the bias ({@code bias != null && !biasAfter}), from its own values
     * ({@code accumulate}) or from zero; with {@code biasAfter} the bias is added to the finished
     * sum. The arithmetic is that of {@link #gemm} on C's starting value, so the bits are those of
     * the bias rows copied first, or added after, around it.
     */
    default void gemmShallow(
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
        boolean fromBias = bias != null && !biasAfter;
        if (fromBias) {
            for (int i = r0; i < r1; i++) {
                System.arraycopy(bias, 0, c, co + i * n, n);
            }
        }
        gemm(r0, r1, n, k, a, ao, ars, acs, b, bo, n, c, co, n, accumulate || fromBias);
        if (bias != null && biasAfter) {
            for (int i = r0; i < r1; i++) {
                binary(BinaryOp.ADD, c, co + i * n, 1, bias, 0, 1, c, co + i * n, n);
            }
        }
    }

    /**
     * The GEMM micro-kernel and blocking in use; the plain loops report the blocking they are
     * driven with (their "kernel" is a loop nest of any shape).
     */
    default GemmPlan gemmPlan() {
        return GemmPlan.blocked(GemmPlan.Shape.R4_V4, CpuInfo.current(), 4, "plain loops");
    }

    /** Columns per strip of a packed B (see {@link #gemmPacked}). */
    int packWidth();

    /**
     * Copies {@code kc} rows of {@link #packWidth()} floats, {@code ldb} apart in B from {@code
     * src}, into one packed strip at {@code bp[dst + kk * packWidth() + j]}.
     */
    default void packStrip(float[] b, int src, int ldb, int kc, float[] bp, int dst) {
        int w = packWidth();
        for (int kk = 0; kk < kc; kk++) {
            System.arraycopy(b, src + kk * ldb, bp, dst + kk * w, w);
        }
    }

    /**
     * C (+)= A B for rows [r0, r1) with B packed: {@code strips} strips of {@link #packWidth()}
     * columns, strip s holding B(kk, s*w + j) at {@code bp[bpo + s*k*w + kk*w + j]}; A and C as in
     * {@link #gemm}, C's strip s starting at column s*w. Packing makes B's rows contiguous: read in
     * place, rows a kilobyte apart fall into a few L1 sets and evict each other.
     */
    void gemmPacked(
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
            boolean accumulate);

    void gemm(
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
            boolean accumulate);

    void unary(UnaryOp op, double p, double q, float[] a, int ao, float[] out, int oo, int n);

    void unary(UnaryOp op, double p, double q, double[] a, int ao, double[] out, int oo, int n);

    /** softplus_beta(a) into h and its slope sigmoid(beta a) into s, one pass. */
    void softplusWithSlope(double beta, float[] a, int ao, float[] h, float[] s, int oo, int n);

    void softplusWithSlope(double beta, double[] a, int ao, double[] h, double[] s, int oo, int n);

    /** {@code out[oo+i] = op(a[oo+i], b[oo+i], c[oo+i], p)}: all four arrays at one offset. */
    void ternary(
            TernaryOp op, double p, float[] a, float[] b, float[] c, float[] out, int oo, int n);

    void ternary(
            TernaryOp op,
            double p,
            double[] a,
            double[] b,
            double[] c,
            double[] out,
            int oo,
            int n);

    void binary(
            BinaryOp op,
            float[] a,
            int ao,
            int sa,
            float[] b,
            int bo,
            int sb,
            float[] out,
            int oo,
            int n);

    void binary(
            BinaryOp op,
            double[] a,
            int ao,
            int sa,
            double[] b,
            int bo,
            int sb,
            double[] out,
            int oo,
            int n);

    /**
     * Column sums: {@code out[oo + j] = sum_r x[xo + r*ld + j]} for j < n, r < rows, each column
     * summed over r in order (out overwritten).
     */
    void sumRows(float[] x, int xo, int rows, int n, int ld, float[] out, int oo);

    void sumRows(double[] x, int xo, int rows, int n, int ld, double[] out, int oo);

    /** Dot product of two contiguous runs of length n. */
    double dot(float[] a, int ao, float[] b, int bo, int n);

    double dot(double[] a, int ao, double[] b, int bo, int n);

    /**
     * C[i, j] = A[i, :] . Bt[j, :] (+ bias[j]) for rows [r0, r1) of a product too narrow for
     * vectors along its n columns (a one-wide output layer): A [*, k], Bt [n, k] and C [*, n]
     * row-major from their offsets. Each element has the bits of {@link #dot} rounded to float,
     * with the bias added after it.
     */
    default void dotRows(
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
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                float s = (float) dot(a, ao + i * k, bt, bo + j * k, k);
                c[co + i * n + j] = bias == null ? s : s + bias[j];
            }
        }
    }

    /** {@link #dotRows(int, int, int, int, float[], int, float[], int, float[], int, float[])}. */
    default void dotRows(
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
        for (int i = r0; i < r1; i++) {
            for (int j = 0; j < n; j++) {
                double s = dot(a, ao + i * k, bt, bo + j * k, k);
                c[co + i * n + j] = bias == null ? s : s + bias[j];
            }
        }
    }

    /** Reduction of the contiguous run {@code a[ao .. ao+n)}. */
    double reduce(ReduceOp op, float[] a, int ao, int n);

    double reduce(ReduceOp op, double[] a, int ao, int n);
}
