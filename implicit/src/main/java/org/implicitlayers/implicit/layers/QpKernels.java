package org.implicitlayers.implicit.layers;

/**
 * The dense vector loops of the interior-point method, behind one small interface with two
 * implementations as in the core's JVM backend: Vector API kernels when {@code
 * jdk.incubator.vector} is enabled, plain loops otherwise. Every array range is contiguous; offsets
 * are in elements.
 */
interface QpKernels {
    /** Vector API kernels when the module is enabled, else plain loops. */
    QpKernels DEFAULT =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    ? new QpVectorKernels()
                    : new Scalar();

    /** sum_i x[xo + i] y[yo + i], i &lt; len. */
    double dot(double[] x, int xo, double[] y, int yo, int len);

    /** y[yo + i] += alpha x[xo + i], i &lt; len. */
    void axpy(double alpha, double[] x, int xo, double[] y, int yo, int len);

    /**
     * k[ko + j] += t0 g[o0 + j] + t1 g[o1 + j] + t2 g[o2 + j] + t3 g[o3 + j], j &lt; len: four
     * rank-one terms of G'DG on one row.
     */
    void update4(
            double[] k,
            int ko,
            int len,
            double[] g,
            int o0,
            int o1,
            int o2,
            int o3,
            double t0,
            double t1,
            double t2,
            double t3);

    /**
     * The plain loops: the fallback, and the reference the tests compare the vector kernels with.
     */
    final class Scalar implements QpKernels {
        @Override
        public double dot(double[] x, int xo, double[] y, int yo, int len) {
            double s0 = 0, s1 = 0;
            int i = 0;
            for (; i + 2 <= len; i += 2) {
                s0 += x[xo + i] * y[yo + i];
                s1 += x[xo + i + 1] * y[yo + i + 1];
            }
            if (i < len) {
                s0 += x[xo + i] * y[yo + i];
            }
            return s0 + s1;
        }

        @Override
        public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int len) {
            for (int i = 0; i < len; i++) {
                y[yo + i] += alpha * x[xo + i];
            }
        }

        @Override
        public void update4(
                double[] k,
                int ko,
                int len,
                double[] g,
                int o0,
                int o1,
                int o2,
                int o3,
                double t0,
                double t1,
                double t2,
                double t3) {
            for (int j = 0; j < len; j++) {
                k[ko + j] += t0 * g[o0 + j] + t1 * g[o1 + j] + t2 * g[o2 + j] + t3 * g[o3 + j];
            }
        }
    }
}
