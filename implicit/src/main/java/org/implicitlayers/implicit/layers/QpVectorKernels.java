package org.implicitlayers.implicit.layers;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link QpKernels} with the Vector API (FMA over the preferred species); loaded only when the
 * module is enabled.
 */
final class QpVectorKernels implements QpKernels {
    private static final VectorSpecies<Double> S = DoubleVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    @Override
    public double dot(double[] x, int xo, double[] y, int yo, int len) {
        if (len < L) {
            double s = 0;
            for (int i = 0; i < len; i++) {
                s += x[xo + i] * y[yo + i];
            }
            return s;
        }
        DoubleVector acc = DoubleVector.zero(S);
        int i = 0, bound = S.loopBound(len);
        for (; i < bound; i += L) {
            acc =
                    DoubleVector.fromArray(S, x, xo + i)
                            .fma(DoubleVector.fromArray(S, y, yo + i), acc);
        }
        double s = acc.reduceLanes(VectorOperators.ADD);
        for (; i < len; i++) {
            s += x[xo + i] * y[yo + i];
        }
        return s;
    }

    @Override
    public void axpy(double alpha, double[] x, int xo, double[] y, int yo, int len) {
        int i = 0, bound = S.loopBound(len);
        if (bound > 0) {
            DoubleVector a = DoubleVector.broadcast(S, alpha);
            for (; i < bound; i += L) {
                DoubleVector.fromArray(S, x, xo + i)
                        .fma(a, DoubleVector.fromArray(S, y, yo + i))
                        .intoArray(y, yo + i);
            }
        }
        for (; i < len; i++) {
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
        int j = 0, bound = S.loopBound(len);
        if (bound > 0) {
            DoubleVector v0 = DoubleVector.broadcast(S, t0), v1 = DoubleVector.broadcast(S, t1);
            DoubleVector v2 = DoubleVector.broadcast(S, t2), v3 = DoubleVector.broadcast(S, t3);
            for (; j < bound; j += L) {
                DoubleVector acc = DoubleVector.fromArray(S, k, ko + j);
                acc = DoubleVector.fromArray(S, g, o0 + j).fma(v0, acc);
                acc = DoubleVector.fromArray(S, g, o1 + j).fma(v1, acc);
                acc = DoubleVector.fromArray(S, g, o2 + j).fma(v2, acc);
                acc = DoubleVector.fromArray(S, g, o3 + j).fma(v3, acc);
                acc.intoArray(k, ko + j);
            }
        }
        for (; j < len; j++) {
            k[ko + j] += t0 * g[o0 + j] + t1 * g[o1 + j] + t2 * g[o2 + j] + t3 * g[o3 + j];
        }
    }
}
