package org.implicitlayers.core.backend.jvm;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, tanh and sigmoid loops on double arrays from exactly rounded vector operations, for the same
 * reason as {@link TranscendentalKernels}: the same bits compiled or interpreted. Errors are a few
 * float64 ulps (about 1e-15 relative).
 */
final class TranscendentalKernelsDouble {
    private static final VectorSpecies<Double> DS = DoubleVector.SPECIES_PREFERRED;
    private static final int DL = DS.length();

    /** 1.5 * 2^52: adding and subtracting it rounds a double to the nearest integer. */
    private static final double ROUNDER = 6755399441055744.0;

    /** 1/j! for j = 0..13. */
    private static final DoubleVector[] TAYLOR = new DoubleVector[14];

    static {
        double f = 1;
        for (int j = 0; j < 14; j++) {
            if (j > 0) {
                f *= j;
            }
            TAYLOR[j] = DoubleVector.broadcast(DS, 1.0 / f);
        }
    }

    private TranscendentalKernelsDouble() {}

    /**
     * e^x in float64: Cody-Waite reduction (fdlibm's ln2 split), degree-13 Taylor polynomial (|r|
     * <= ln2/2), 2^k from exponent bits; outside [-708, 709] the scalar loop's Math.exp is used.
     */
    static int exp(double[] a, int ao, double[] out, int oo, int n) {
        final DoubleVector log2e = DoubleVector.broadcast(DS, 1.4426950408889634),
                rounder = DoubleVector.broadcast(DS, ROUNDER);
        final DoubleVector mLn2Hi = DoubleVector.broadcast(DS, -6.93147180369123816490e-01),
                mLn2Lo = DoubleVector.broadcast(DS, -1.90821492927058770002e-10);
        final DoubleVector[] c = TAYLOR;
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            if (x.compare(VectorOperators.GT, 709.0)
                    .or(x.compare(VectorOperators.LT, -708.0))
                    .or(x.compare(VectorOperators.NE, x))
                    .anyTrue()) {
                return i;
            }
            DoubleVector exc = x.max(-708.0).min(709.0);
            DoubleVector et = exc.fma(log2e, rounder);
            DoubleVector ek = et.sub(ROUNDER);
            DoubleVector er = ek.fma(mLn2Hi, exc);
            er = ek.fma(mLn2Lo, er);
            DoubleVector eq = er.fma(c[13], c[12]);
            for (int j = 11; j >= 0; j--) {
                eq = eq.fma(er, c[j]);
            }
            LongVector ebits =
                    et.reinterpretAsLongs()
                            .sub(0x4338000000000000L - 1023L)
                            .lanewise(VectorOperators.LSHL, 52);
            DoubleVector y = eq.mul(ebits.reinterpretAsDoubles());
            y.intoArray(out, oo + i);
        }
        return i;
    }

    /** tanh x = (1 - t)/(1 + t), t = e^(-2x); its Taylor series to x^13 for |x| < 0.05. */
    static int tanh(double[] a, int ao, double[] out, int oo, int n) {
        final DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        final DoubleVector log2e = DoubleVector.broadcast(DS, 1.4426950408889634),
                rounder = DoubleVector.broadcast(DS, ROUNDER);
        final DoubleVector mLn2Hi = DoubleVector.broadcast(DS, -6.93147180369123816490e-01),
                mLn2Lo = DoubleVector.broadcast(DS, -1.90821492927058770002e-10);
        final DoubleVector[] c = TAYLOR;
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            DoubleVector exc = x.mul(-2.0).max(-708.0).min(709.0);
            DoubleVector et = exc.fma(log2e, rounder);
            DoubleVector ek = et.sub(ROUNDER);
            DoubleVector er = ek.fma(mLn2Hi, exc);
            er = ek.fma(mLn2Lo, er);
            DoubleVector eq = er.fma(c[13], c[12]);
            for (int j = 11; j >= 0; j--) {
                eq = eq.fma(er, c[j]);
            }
            LongVector ebits =
                    et.reinterpretAsLongs()
                            .sub(0x4338000000000000L - 1023L)
                            .lanewise(VectorOperators.LSHL, 52);
            DoubleVector t = eq.mul(ebits.reinterpretAsDoubles());
            DoubleVector y = one.sub(t).div(t.add(one));
            DoubleVector x2 = x.mul(x);
            DoubleVector small =
                    x2.fma(
                                    DoubleVector.broadcast(DS, 21844.0 / 6081075),
                                    DoubleVector.broadcast(DS, -1382.0 / 155925))
                            .fma(x2, DoubleVector.broadcast(DS, 62.0 / 2835))
                            .fma(x2, DoubleVector.broadcast(DS, -17.0 / 315))
                            .fma(x2, DoubleVector.broadcast(DS, 2.0 / 15))
                            .fma(x2, DoubleVector.broadcast(DS, -1.0 / 3))
                            .fma(x2, one)
                            .mul(x);
            y.blend(small, x.abs().compare(VectorOperators.LT, 0.05)).intoArray(out, oo + i);
        }
        return i;
    }

    /** 1 / (1 + e^-x) in float64. */
    static int sigmoid(double[] a, int ao, double[] out, int oo, int n) {
        final DoubleVector one = DoubleVector.broadcast(DS, 1.0);
        final DoubleVector log2e = DoubleVector.broadcast(DS, 1.4426950408889634),
                rounder = DoubleVector.broadcast(DS, ROUNDER);
        final DoubleVector mLn2Hi = DoubleVector.broadcast(DS, -6.93147180369123816490e-01),
                mLn2Lo = DoubleVector.broadcast(DS, -1.90821492927058770002e-10);
        final DoubleVector[] c = TAYLOR;
        int i = 0;
        for (int bound = DS.loopBound(n); i < bound; i += DL) {
            DoubleVector x = DoubleVector.fromArray(DS, a, ao + i);
            DoubleVector exc = x.neg().max(-708.0).min(709.0);
            DoubleVector et = exc.fma(log2e, rounder);
            DoubleVector ek = et.sub(ROUNDER);
            DoubleVector er = ek.fma(mLn2Hi, exc);
            er = ek.fma(mLn2Lo, er);
            DoubleVector eq = er.fma(c[13], c[12]);
            for (int j = 11; j >= 0; j--) {
                eq = eq.fma(er, c[j]);
            }
            LongVector ebits =
                    et.reinterpretAsLongs()
                            .sub(0x4338000000000000L - 1023L)
                            .lanewise(VectorOperators.LSHL, 52);
            DoubleVector t = eq.mul(ebits.reinterpretAsDoubles());
            one.div(t.add(one)).intoArray(out, oo + i);
        }
        return i;
    }
}
