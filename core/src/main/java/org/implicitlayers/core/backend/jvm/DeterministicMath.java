package org.implicitlayers.core.backend.jvm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log, tanh, sin and cos on float vectors, built only from exactly rounded operations (add,
 * multiply, fused multiply-add, divide, comparisons, integer bit moves).
 *
 * <p>Why not {@code lanewise(EXP)} and friends: C2 compiles those to Intel's SVML routines while
 * interpreted or C1 code falls back to {@code Math} lane by lane, and the two differ in the last
 * bit. Results would then depend on whether a method had been JIT-compiled yet, and a run resumed
 * from a checkpoint in a fresh JVM would not reproduce the uninterrupted one. These versions give
 * the same bits everywhere; their error is a few float32 ulps (about 2e-7 relative).
 */
final class DeterministicMath {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> IS = IntVector.SPECIES_PREFERRED;

    private static final float LOG2E = 1.44269504088896341f;
    private static final float LN2_HI = 0.693359375f;
    private static final float LN2_LO = -2.12194440e-4f;
    /** 1.5 * 2^23: adding and subtracting it rounds a float to the nearest integer. */
    private static final float ROUNDER = 12582912f;

    private DeterministicMath() {
    }

    /** e^x: x = k ln2 + r (Cody-Waite), e^r by its degree-7 Taylor polynomial (|r| <= ln2 / 2), 2^k by exponent bits. */
    static FloatVector exp(FloatVector x) {
        FloatVector xc = x.max(-87.3f).min(88.0f);
        FloatVector k = xc.fma(LOG2E, ROUNDER).sub(ROUNDER);
        FloatVector r = k.fma(FloatVector.broadcast(FS, -LN2_HI), xc);
        r = k.fma(FloatVector.broadcast(FS, -LN2_LO), r);
        FloatVector p = r.fma(1f / 5040, 1f / 720);
        p = p.fma(r, c(1f / 120));
        p = p.fma(r, c(1f / 24));
        p = p.fma(r, c(1f / 6));
        p = p.fma(r, c(0.5f));
        p = p.fma(r, c(1f));
        p = p.fma(r, c(1f));
        IntVector bits = ((IntVector) k.convert(VectorOperators.F2I, 0)).add(127).lanewise(VectorOperators.LSHL, 23);
        FloatVector scale = bits.reinterpretAsFloats();
        FloatVector out = p.mul(scale);
        // Overflow to infinity and NaN propagate as Math.exp would.
        out = out.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88.72f));
        out = out.blend(0f, x.compare(VectorOperators.LT, -103.98f));
        return out.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** log(1 + u) = 2 atanh(u / (2 + u)), accurate for small u; for u >= 0. */
    static FloatVector log1pNonNegative(FloatVector u) {
        FloatVector s = u.div(u.add(2f));
        return atanhSeries(s).mul(2f);
    }

    /** s + s^3/3 + ... + s^13/13 for |s| <= 1/3 (error below 5e-8). */
    private static FloatVector atanhSeries(FloatVector s) {
        FloatVector s2 = s.mul(s);
        FloatVector p = s2.fma(1f / 13, 1f / 11);
        p = p.fma(s2, c(1f / 9));
        p = p.fma(s2, c(1f / 7));
        p = p.fma(s2, c(1f / 5));
        p = p.fma(s2, c(1f / 3));
        p = p.fma(s2, c(1f));
        return p.mul(s);
    }

    /** log x: x = 2^e m with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh((m - 1)/(m + 1)). */
    static FloatVector log(FloatVector x) {
        IntVector bits = x.reinterpretAsInts();
        IntVector e = bits.lanewise(VectorOperators.ASHR, 23).and(0xff).sub(127);
        FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
        VectorMask<Float> big = m.compare(VectorOperators.GT, 1.41421356f);
        m = m.blend(m.mul(0.5f), big);
        FloatVector ef = ((FloatVector) e.convert(VectorOperators.I2F, 0)).add(FloatVector.zero(FS).blend(1f, big));
        FloatVector s = m.sub(1f).div(m.add(1f));
        FloatVector out = atanhSeries(s).mul(2f).add(ef.mul(LN2_HI)).add(ef.mul(LN2_LO));
        out = out.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        out = out.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
        out = out.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
        // Subnormal inputs are below float32 training ranges: take them as the smallest normal.
        out = out.blend(-87.33655f, x.compare(VectorOperators.GT, 0f).and(x.compare(VectorOperators.LT, Float.MIN_NORMAL)));
        return out.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /** tanh x = sign(x) (1 - t) / (1 + t) with t = e^(-2|x|); an odd polynomial for |x| < 0.1. */
    static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector t = exp(a.mul(-2f));
        FloatVector big = FloatVector.broadcast(FS, 1f).sub(t).div(t.add(1f));
        FloatVector x2 = x.mul(x);
        // x - x^3/3 + 2x^5/15 - 17x^7/315: error below 6e-9 for |x| < 0.1.
        FloatVector small = x2.fma(-17f / 315, 2f / 15).fma(x2, c(-1f / 3)).fma(x2, c(1f)).mul(x);
        FloatVector out = big.blend(big.neg(), x.compare(VectorOperators.LT, 0f));
        out = out.blend(small, a.compare(VectorOperators.LT, 0.1f));
        return out.blend(x, x.test(VectorOperators.IS_NAN));
    }

    private static final float PIO2_HI = 1.5707962513f;
    private static final float PIO2_MID = 7.5497894159e-08f;
    private static final float PIO2_LO = 5.3903029534e-15f;

    /** sin x (or cos x when {@code cosine}): quadrant by rounding x 2/pi, three-part Cody-Waite reduction, minimax-free Taylor polynomials on |r| <= pi/4. */
    static FloatVector sinCos(FloatVector x, boolean cosine) {
        FloatVector k = x.fma(0.636619772f, ROUNDER).sub(ROUNDER);
        FloatVector r = k.fma(c(-PIO2_HI), x);
        r = k.fma(c(-PIO2_MID), r);
        r = k.fma(c(-PIO2_LO), r);
        FloatVector r2 = r.mul(r);
        // sin r: r - r^3/3! + ... - r^11/11!; cos r: 1 - r^2/2! + ... - r^10/10! (errors below 1e-9 on |r| <= pi/4).
        FloatVector s = r2.fma(-1f / 39916800, 1f / 362880).fma(r2, c(-1f / 5040)).fma(r2, c(1f / 120)).fma(r2, c(-1f / 6)).fma(r2, c(1f)).mul(r);
        FloatVector cs = r2.fma(-1f / 3628800, 1f / 40320).fma(r2, c(-1f / 720)).fma(r2, c(1f / 24)).fma(r2, c(-0.5f)).fma(r2, c(1f));
        IntVector q = (IntVector) k.convert(VectorOperators.F2I, 0);
        if (cosine) {
            q = q.add(1);
        }
        // Quadrant q mod 4: 0 -> s, 1 -> c, 2 -> -s, 3 -> -c.
        VectorMask<Float> odd = q.and(1).compare(VectorOperators.NE, 0).cast(FS);
        VectorMask<Float> neg = q.and(2).compare(VectorOperators.NE, 0).cast(FS);
        FloatVector out = s.blend(cs, odd);
        out = out.blend(out.neg(), neg);
        return out.blend(Float.NaN, x.abs().compare(VectorOperators.GT, 1e5f).or(x.test(VectorOperators.IS_NAN)));
    }

    private static FloatVector c(float v) {
        return FloatVector.broadcast(FS, v);
    }

    /** Sum of the lanes, left to right: an order fixed everywhere (reduceLanes(ADD) may reassociate). */
    static float sumLanes(FloatVector v) {
        float[] t = new float[FS.length()];
        v.intoArray(t, 0);
        float s = 0;
        for (float x : t) {
            s += x;
        }
        return s;
    }

    static double sumLanes(jdk.incubator.vector.DoubleVector v) {
        double[] t = new double[v.length()];
        v.intoArray(t, 0);
        double s = 0;
        for (double x : t) {
            s += x;
        }
        return s;
    }

    static int intLanes() {
        return IS.length();
    }
}
