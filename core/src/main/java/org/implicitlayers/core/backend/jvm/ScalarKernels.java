package org.implicitlayers.core.backend.jvm;

import org.implicitlayers.core.backend.BinaryOp;
import org.implicitlayers.core.backend.ReduceOp;
import org.implicitlayers.core.backend.TernaryOp;
import org.implicitlayers.core.backend.UnaryOp;

/**
 * Plain Java loops: the fallback when the Vector API module is absent, and the tests' second
 * opinion.
 */
final class ScalarKernels implements Kernels {
    @Override
    public String name() {
        return "scalar";
    }

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
        for (int i = r0; i < r1; i++) {
            int ci = co + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + n, 0f);
            }
            for (int kk = 0; kk < k; kk++) {
                float x = a[ao + i * ars + kk * acs];
                int bk = bo + kk * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += x * b[bk + j];
                }
            }
        }
    }

    @Override
    public int packWidth() {
        return 16;
    }

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
        int w = packWidth();
        for (int s = 0; s < strips; s++) {
            gemm(
                    r0,
                    r1,
                    w,
                    k,
                    a,
                    ao,
                    ars,
                    acs,
                    bp,
                    bpo + s * k * w,
                    w,
                    c,
                    co + s * w,
                    ldc,
                    accumulate);
        }
    }

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
        for (int i = r0; i < r1; i++) {
            int ci = co + i * ldc;
            if (!accumulate) {
                java.util.Arrays.fill(c, ci, ci + n, 0.0);
            }
            for (int kk = 0; kk < k; kk++) {
                double x = a[ao + i * ars + kk * acs];
                int bk = bo + kk * ldb;
                for (int j = 0; j < n; j++) {
                    c[ci + j] += x * b[bk + j];
                }
            }
        }
    }

    @Override
    public void softplusWithSlope(
            double beta, float[] a, int ao, float[] h, float[] s, int oo, int n) {
        for (int i = 0; i < n; i++) {
            h[oo + i] = (float) UnaryOp.SOFTPLUS.apply(a[ao + i], beta, 0);
            s[oo + i] = (float) UnaryOp.SOFTPLUS_SLOPE.apply(a[ao + i], beta, 0);
        }
    }

    @Override
    public void softplusWithSlope(
            double beta, double[] a, int ao, double[] h, double[] s, int oo, int n) {
        for (int i = 0; i < n; i++) {
            h[oo + i] = UnaryOp.SOFTPLUS.apply(a[ao + i], beta, 0);
            s[oo + i] = UnaryOp.SOFTPLUS_SLOPE.apply(a[ao + i], beta, 0);
        }
    }

    @Override
    public void ternary(
            TernaryOp op, double p, float[] a, float[] b, float[] c, float[] out, int oo, int n) {
        for (int i = oo; i < oo + n; i++) {
            out[i] = (float) op.apply(a[i], b[i], c[i], p);
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
        for (int i = oo; i < oo + n; i++) {
            out[i] = op.apply(a[i], b[i], c[i], p);
        }
    }

    @Override
    public void unary(
            UnaryOp op, double p, double q, float[] a, int ao, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) op.apply(a[ao + i], p, q);
        }
    }

    @Override
    public void unary(
            UnaryOp op, double p, double q, double[] a, int ao, double[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = op.apply(a[ao + i], p, q);
        }
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
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) op.apply(a[ao + i * sa], b[bo + i * sb]);
        }
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
        for (int i = 0; i < n; i++) {
            out[oo + i] = op.apply(a[ao + i * sa], b[bo + i * sb]);
        }
    }

    @Override
    public double reduce(ReduceOp op, float[] a, int ao, int n) {
        double acc = op.identity();
        for (int i = 0; i < n; i++) {
            acc = op.combine(acc, a[ao + i]);
        }
        return acc;
    }

    @Override
    public double reduce(ReduceOp op, double[] a, int ao, int n) {
        double acc = op.identity();
        for (int i = 0; i < n; i++) {
            acc = op.combine(acc, a[ao + i]);
        }
        return acc;
    }

    @Override
    public double dot(float[] a, int ao, float[] b, int bo, int n) {
        float s = 0;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    @Override
    public double dot(double[] a, int ao, double[] b, int bo, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += a[ao + i] * b[bo + i];
        }
        return s;
    }

    @Override
    public void sumRows(float[] x, int xo, int rows, int n, int ld, float[] out, int oo) {
        java.util.Arrays.fill(out, oo, oo + n, 0f);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                out[oo + j] += x[xo + r * ld + j];
            }
        }
    }

    @Override
    public void sumRows(double[] x, int xo, int rows, int n, int ld, double[] out, int oo) {
        java.util.Arrays.fill(out, oo, oo + n, 0.0);
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                out[oo + j] += x[xo + r * ld + j];
            }
        }
    }
}
