package org.implicitlayers.core.backend.jvm;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * exp, log, tanh, sigmoid, softplus, sin and cos loops on float arrays, built only from exactly
 * rounded vector operations (add, multiply, fused multiply-add, divide, comparisons, integer bit
 * moves), so that they give the same bits whether the JIT has compiled them or not.
 *
 * <p>Why not {@code lanewise(EXP)} and friends: C2 compiles those to Intel's SVML routines while
 * interpreted or C1 code falls back to {@code Math} lane by lane, and the two differ in the last
 * bit; results would depend on JIT state, and a run resumed from a checkpoint in a fresh JVM would
 * not reproduce the uninterrupted one. Errors here are a few float32 ulps (about 2e-7 relative).
 *
 * <p>Each loop has its math written out in its body: a helper taking and returning vectors is not
 * always inlined (its compiled code is large), and then every vector is boxed, ten times slower.
 * Each method returns where its vector body stopped; callers finish the tail with {@code Math}.
 */
final class TranscendentalKernels {
    private static final VectorSpecies<Float> FS = FloatVector.SPECIES_PREFERRED;
    private static final int FL = FS.length();
    private static final float ROUNDER = 12582912f;

    private TranscendentalKernels() {}

    /**
     * e^x: x = k ln2 + r (Cody-Waite), e^r by its degree-7 Taylor polynomial, 2^k from exponent
     * bits.
     */
    static int exp(float[] a, int ao, float[] out, int oo, int n) {
        final FloatVector one = FloatVector.broadcast(FS, 1f),
                half = FloatVector.broadcast(FS, 0.5f);
        final FloatVector log2e = FloatVector.broadcast(FS, 1.44269504088896341f),
                rounder = FloatVector.broadcast(FS, 12582912f);
        final FloatVector mLn2Hi = FloatVector.broadcast(FS, -0.693359375f),
                mLn2Lo = FloatVector.broadcast(FS, 2.12194440e-4f);
        final FloatVector c720 = FloatVector.broadcast(FS, 1f / 720),
                c120 = FloatVector.broadcast(FS, 1f / 120);
        final FloatVector c24 = FloatVector.broadcast(FS, 1f / 24),
                c6 = FloatVector.broadcast(FS, 1f / 6);
        final FloatVector c5040 = FloatVector.broadcast(FS, 1f / 5040);
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            FloatVector exc = x.max(-87.3f).min(88.0f);
            FloatVector et = exc.fma(log2e, rounder);
            FloatVector ek = et.sub(ROUNDER);
            FloatVector er = ek.fma(mLn2Hi, exc);
            er = ek.fma(mLn2Lo, er);
            FloatVector eq =
                    er.fma(c5040, c720)
                            .fma(er, c120)
                            .fma(er, c24)
                            .fma(er, c6)
                            .fma(er, half)
                            .fma(er, one)
                            .fma(er, one);
            // k sits in the low mantissa bits of t = x log2e + 1.5 2^23: 2^k from integer moves (a
            // float-to-int convert is slow here).
            IntVector ebits =
                    et.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector y = eq.mul(ebits.reinterpretAsFloats());
            y = y.blend(Float.POSITIVE_INFINITY, x.compare(VectorOperators.GT, 88.72f));
            y = y.blend(0f, x.compare(VectorOperators.LT, -103.98f));
            y = y.blend(x, x.test(VectorOperators.IS_NAN));
            y.intoArray(out, oo + i);
        }
        return i;
    }

    /**
     * tanh x = x P(x^2) / Q(x^2) for |x| &lt;= 9 (beyond it +-1: tanh 9 rounds to 1 in float32), P
     * and Q of degree 4, a rational fit to tanh x / x that minimises the largest relative error on
     * [0, 9] (2.7e-8 with the coefficients rounded to float). Evaluated in float32 the result is
     * within 6 ulps of tanh (mean 0.3 ulp; {@code TranscendentalAccuracyTest} sweeps the floats).
     * Eleven multiply-adds and one division against the exp-based form's twenty operations and a
     * blend: tanh took a third of a small tanh network's forward pass. NaN propagates; the sign
     * comes with x. Two forms of the same arithmetic, chosen by {@link #TANH_BY_SIGN}.
     */
    static int tanh(float[] a, int ao, float[] out, int oo, int n) {
        return TANH_BY_SIGN ? tanhBySign(a, ao, out, oo, n) : tanhClamped(a, ao, out, oo, n);
    }

    /**
     * Whether {@link #tanh} takes {@link #tanhBySign}: where the JIT has 16 vector registers
     * (AVX2). There a vector max or min (Java's, which orders NaN and -0) compiles to five
     * instructions, and with the clamp's two and the eleven coefficients the loop kept its
     * constants on the stack; the sign form took 0.75-0.8 of the time (65536 floats, one thread,
     * Zen 4 with {@code -XX:UseAVX=2}). With AVX-512 the clamped form was the faster, 0.8-0.85 of
     * the sign form's time. Both give the same bits ({@code TranscendentalAccuracyTest}).
     */
    static final boolean TANH_BY_SIGN = CpuInfo.current().registers() < 32;

    /** {@link #tanh} with x clamped to [-9, 9] before the rational form. */
    static int tanhClamped(float[] a, int ao, float[] out, int oo, int n) {
        final FloatVector p1 = FloatVector.broadcast(FS, TANH_P1),
                p2 = FloatVector.broadcast(FS, TANH_P2);
        final FloatVector p3 = FloatVector.broadcast(FS, TANH_P3),
                p4 = FloatVector.broadcast(FS, TANH_P4);
        final FloatVector q1 = FloatVector.broadcast(FS, TANH_Q1),
                q2 = FloatVector.broadcast(FS, TANH_Q2);
        final FloatVector q3 = FloatVector.broadcast(FS, TANH_Q3),
                q4 = FloatVector.broadcast(FS, TANH_Q4);
        final FloatVector one = FloatVector.broadcast(FS, 1f);
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i).max(-TANH_CLAMP).min(TANH_CLAMP);
            FloatVector t = x.mul(x);
            FloatVector p = t.fma(p4, p3).fma(t, p2).fma(t, p1).fma(t, one).mul(x);
            FloatVector q = t.fma(q4, q3).fma(t, q2).fma(t, q1).fma(t, one);
            // At the clamp x / 9 is exactly +-1, the float nearest tanh there.
            p.div(q)
                    .blend(
                            x.mul(1f / TANH_CLAMP),
                            t.compare(VectorOperators.EQ, TANH_CLAMP * TANH_CLAMP))
                    .intoArray(out, oo + i);
        }
        return i;
    }

    /**
     * {@link #tanh} without the clamp: the rational form of x as it is, replaced by +-1 (the sign
     * of x) where |x| &gt;= 9. Beyond the clamp x P / Q grows with x and overflows to inf / inf =
     * NaN past about 2e4; those lanes are replaced too. At |x| = 9 both forms give +-1, NaN
     * propagates through the arithmetic (the comparison is false), and -0 keeps its sign.
     */
    static int tanhBySign(float[] a, int ao, float[] out, int oo, int n) {
        final FloatVector p1 = FloatVector.broadcast(FS, TANH_P1),
                p2 = FloatVector.broadcast(FS, TANH_P2);
        final FloatVector p3 = FloatVector.broadcast(FS, TANH_P3),
                p4 = FloatVector.broadcast(FS, TANH_P4);
        final FloatVector q1 = FloatVector.broadcast(FS, TANH_Q1),
                q2 = FloatVector.broadcast(FS, TANH_Q2);
        final FloatVector q3 = FloatVector.broadcast(FS, TANH_Q3),
                q4 = FloatVector.broadcast(FS, TANH_Q4);
        final FloatVector one = FloatVector.broadcast(FS, 1f);
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            FloatVector t = x.mul(x);
            FloatVector p = t.fma(p4, p3).fma(t, p2).fma(t, p1).fma(t, one).mul(x);
            FloatVector q = t.fma(q4, q3).fma(t, q2).fma(t, q1).fma(t, one);
            // +-1 with the sign of x, from bits: x's sign bit or'ed into 1.0f.
            FloatVector sign =
                    x.reinterpretAsInts().and(0x80000000).or(0x3f800000).reinterpretAsFloats();
            p.div(q)
                    .blend(sign, t.compare(VectorOperators.GE, TANH_CLAMP * TANH_CLAMP))
                    .intoArray(out, oo + i);
        }
        return i;
    }

    /** Where {@link #tanh}'s rational form stops: beyond it tanh is 1 in float32. */
    static final float TANH_CLAMP = 9f;

    // The rational fit of tanh x / x = P(t) / Q(t), t = x^2, P(0) = Q(0) = 1 (Lawson's iteration
    // for the least largest relative error on [0, 9], each coefficient rounded to float and the
    // rest refitted).
    static final float TANH_P1 = 0.13383974134922028f;
    static final float TANH_P2 = 0.0034989891573786736f;
    static final float TANH_P3 = 2.066114393528551e-05f;
    static final float TANH_P4 = 1.3419652944435256e-08f;
    static final float TANH_Q1 = 0.4671729505062103f;
    static final float TANH_Q2 = 0.025890180841088295f;
    static final float TANH_Q3 = 0.0003291026805527508f;
    static final float TANH_Q4 = 7.804661095178744e-07f;

    /**
     * sigmoid(c x) = 1 / (1 + e^(-c x)) with c = {@code scale}: from u = e^(-|c x|), 1 / (1 + u)
     * where c x &gt;= 0 and u / (1 + u) below, so that no lane overflows. Lanes with |c x| &gt; 86
     * take u = 0 (the exact limits 1 and 0). NaN propagates through the arithmetic: no NaN test,
     * which C2 does not compile to vector code.
     */
    static int sigmoid(float[] a, int ao, float[] out, int oo, int n, float scale) {
        final FloatVector one = FloatVector.broadcast(FS, 1f),
                half = FloatVector.broadcast(FS, 0.5f);
        final FloatVector log2e = FloatVector.broadcast(FS, 1.44269504088896341f),
                rounder = FloatVector.broadcast(FS, 12582912f);
        final FloatVector mLn2Hi = FloatVector.broadcast(FS, -0.693359375f),
                mLn2Lo = FloatVector.broadcast(FS, 2.12194440e-4f);
        final FloatVector c720 = FloatVector.broadcast(FS, 1f / 720),
                c120 = FloatVector.broadcast(FS, 1f / 120);
        final FloatVector c24 = FloatVector.broadcast(FS, 1f / 24),
                c6 = FloatVector.broadcast(FS, 1f / 6);
        final FloatVector c5040 = FloatVector.broadcast(FS, 1f / 5040);
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector z = FloatVector.fromArray(FS, a, ao + i).mul(scale);
            FloatVector na = z.abs().neg();
            VectorMask<Float> tiny = na.compare(VectorOperators.LT, -86f);
            FloatVector exc = na.blend(-87.3f, tiny);
            FloatVector et = exc.fma(log2e, rounder);
            FloatVector ek = et.sub(ROUNDER);
            FloatVector er = ek.fma(mLn2Hi, exc);
            er = ek.fma(mLn2Lo, er);
            FloatVector eq =
                    er.fma(c5040, c720)
                            .fma(er, c120)
                            .fma(er, c24)
                            .fma(er, c6)
                            .fma(er, half)
                            .fma(er, one)
                            .fma(er, one);
            IntVector ebits =
                    et.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector u = eq.mul(ebits.reinterpretAsFloats()).blend(0f, tiny);
            FloatVector r = one.div(u.add(one));
            u.mul(r).blend(r, z.compare(VectorOperators.GE, 0f)).intoArray(out, oo + i);
        }
        return i;
    }

    /**
     * softplus_beta(x) = (max(z, 0) + log(1 + u)) / beta with z = beta x and u = e^-|z|, and log(1
     * + u) = 2 atanh(u / (2 + u)) by its series (u / (2 + u) &lt;= 1/3). Lanes with |z| &gt; 86
     * take u = 0, and lanes whose result would be subnormal give 0: subnormal operands made this
     * loop four times slower (a network with beta = 100 has many |z| above 40). One division per
     * lane; NaN propagates through the arithmetic.
     */
    static int softplus(float[] a, int ao, float[] out, int oo, int n, float beta) {
        final FloatVector one = FloatVector.broadcast(FS, 1f),
                half = FloatVector.broadcast(FS, 0.5f),
                two = FloatVector.broadcast(FS, 2f);
        final FloatVector log2e = FloatVector.broadcast(FS, 1.44269504088896341f),
                rounder = FloatVector.broadcast(FS, 12582912f);
        final FloatVector mLn2Hi = FloatVector.broadcast(FS, -0.693359375f),
                mLn2Lo = FloatVector.broadcast(FS, 2.12194440e-4f);
        final FloatVector c720 = FloatVector.broadcast(FS, 1f / 720),
                c120 = FloatVector.broadcast(FS, 1f / 120);
        final FloatVector c24 = FloatVector.broadcast(FS, 1f / 24),
                c6 = FloatVector.broadcast(FS, 1f / 6);
        final FloatVector c5040 = FloatVector.broadcast(FS, 1f / 5040);
        final FloatVector c13 = FloatVector.broadcast(FS, 1f / 13),
                c11 = FloatVector.broadcast(FS, 1f / 11);
        final FloatVector c9 = FloatVector.broadcast(FS, 1f / 9),
                c7 = FloatVector.broadcast(FS, 1f / 7);
        final FloatVector c5 = FloatVector.broadcast(FS, 1f / 5),
                c3 = FloatVector.broadcast(FS, 1f / 3);
        final FloatVector zero = FloatVector.zero(FS);
        final float tinyL = 0.5f * beta * Float.MIN_NORMAL;
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector z = FloatVector.fromArray(FS, a, ao + i).mul(beta);
            FloatVector na = z.abs().neg();
            VectorMask<Float> tiny = na.compare(VectorOperators.LT, -86f);
            FloatVector exc = na.blend(-87.3f, tiny);
            FloatVector et = exc.fma(log2e, rounder);
            FloatVector ek = et.sub(ROUNDER);
            FloatVector er = ek.fma(mLn2Hi, exc);
            er = ek.fma(mLn2Lo, er);
            FloatVector eq =
                    er.fma(c5040, c720)
                            .fma(er, c120)
                            .fma(er, c24)
                            .fma(er, c6)
                            .fma(er, half)
                            .fma(er, one)
                            .fma(er, one);
            IntVector ebits =
                    et.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector u = eq.mul(ebits.reinterpretAsFloats()).blend(0f, tiny);
            FloatVector s = u.div(u.add(two));
            // s below 2^-30 adds nothing to the series: clamped, s^2 cannot underflow into
            // subnormals.
            FloatVector sc = s.blend(9.3e-10f, s.compare(VectorOperators.LT, 9.3e-10f));
            FloatVector s2 = sc.mul(sc);
            FloatVector l =
                    s2.fma(c13, c11)
                            .fma(s2, c9)
                            .fma(s2, c7)
                            .fma(s2, c5)
                            .fma(s2, c3)
                            .fma(s2, one)
                            .mul(s);
            z.blend(zero, z.compare(VectorOperators.LT, 0f))
                    .add(l.add(l).blend(zero, l.compare(VectorOperators.LT, tinyL)))
                    .div(beta)
                    .intoArray(out, oo + i);
        }
        return i;
    }

    /**
     * softplus_beta(x) into {@code h} and its slope sigmoid(beta x) into {@code s}, sharing one
     * e^-|beta x|: the formulas of {@link #softplus} and {@link #sigmoid}, lane for lane the same
     * bits.
     */
    static int softplusWithSlope(
            float[] a, int ao, float[] h, float[] sl, int oo, int n, float beta) {
        final FloatVector one = FloatVector.broadcast(FS, 1f),
                half = FloatVector.broadcast(FS, 0.5f),
                two = FloatVector.broadcast(FS, 2f);
        final FloatVector log2e = FloatVector.broadcast(FS, 1.44269504088896341f),
                rounder = FloatVector.broadcast(FS, 12582912f);
        final FloatVector mLn2Hi = FloatVector.broadcast(FS, -0.693359375f),
                mLn2Lo = FloatVector.broadcast(FS, 2.12194440e-4f);
        final FloatVector c720 = FloatVector.broadcast(FS, 1f / 720),
                c120 = FloatVector.broadcast(FS, 1f / 120);
        final FloatVector c24 = FloatVector.broadcast(FS, 1f / 24),
                c6 = FloatVector.broadcast(FS, 1f / 6);
        final FloatVector c5040 = FloatVector.broadcast(FS, 1f / 5040);
        final FloatVector c13 = FloatVector.broadcast(FS, 1f / 13),
                c11 = FloatVector.broadcast(FS, 1f / 11);
        final FloatVector c9 = FloatVector.broadcast(FS, 1f / 9),
                c7 = FloatVector.broadcast(FS, 1f / 7);
        final FloatVector c5 = FloatVector.broadcast(FS, 1f / 5),
                c3 = FloatVector.broadcast(FS, 1f / 3);
        final FloatVector zero = FloatVector.zero(FS);
        final float tinyL = 0.5f * beta * Float.MIN_NORMAL;
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector z = FloatVector.fromArray(FS, a, ao + i).mul(beta);
            FloatVector na = z.abs().neg();
            VectorMask<Float> tiny = na.compare(VectorOperators.LT, -86f);
            FloatVector exc = na.blend(-87.3f, tiny);
            FloatVector et = exc.fma(log2e, rounder);
            FloatVector ek = et.sub(ROUNDER);
            FloatVector er = ek.fma(mLn2Hi, exc);
            er = ek.fma(mLn2Lo, er);
            FloatVector eq =
                    er.fma(c5040, c720)
                            .fma(er, c120)
                            .fma(er, c24)
                            .fma(er, c6)
                            .fma(er, half)
                            .fma(er, one)
                            .fma(er, one);
            IntVector ebits =
                    et.reinterpretAsInts().sub(0x4B400000 - 127).lanewise(VectorOperators.LSHL, 23);
            FloatVector u = eq.mul(ebits.reinterpretAsFloats()).blend(0f, tiny);
            VectorMask<Float> neg = z.compare(VectorOperators.LT, 0f);
            FloatVector r = one.div(u.add(one));
            r.blend(u.mul(r), neg).intoArray(sl, oo + i);
            FloatVector s = u.div(u.add(two));
            // s below 2^-30 adds nothing to the series: clamped, s^2 cannot underflow into
            // subnormals.
            FloatVector sc = s.blend(9.3e-10f, s.compare(VectorOperators.LT, 9.3e-10f));
            FloatVector s2 = sc.mul(sc);
            FloatVector l =
                    s2.fma(c13, c11)
                            .fma(s2, c9)
                            .fma(s2, c7)
                            .fma(s2, c5)
                            .fma(s2, c3)
                            .fma(s2, one)
                            .mul(s);
            z.blend(zero, neg)
                    .add(l.add(l).blend(zero, l.compare(VectorOperators.LT, tinyL)))
                    .div(beta)
                    .intoArray(h, oo + i);
        }
        return i;
    }

    /** log x = e ln2 + 2 atanh((m - 1)/(m + 1)), x = 2^e m, m in [sqrt(1/2), sqrt(2)). */
    static int log(float[] a, int ao, float[] out, int oo, int n) {
        final FloatVector one = FloatVector.broadcast(FS, 1f);
        final FloatVector c13 = FloatVector.broadcast(FS, 1f / 13),
                c11 = FloatVector.broadcast(FS, 1f / 11);
        final FloatVector c9 = FloatVector.broadcast(FS, 1f / 9),
                c7 = FloatVector.broadcast(FS, 1f / 7);
        final FloatVector c5 = FloatVector.broadcast(FS, 1f / 5),
                c3 = FloatVector.broadcast(FS, 1f / 3);
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            IntVector bits = x.reinterpretAsInts();
            IntVector ex = bits.lanewise(VectorOperators.ASHR, 23).and(0xff).sub(127);
            FloatVector m = bits.and(0x007fffff).or(0x3f800000).reinterpretAsFloats();
            VectorMask<Float> bigM = m.compare(VectorOperators.GT, 1.41421356f);
            m = m.blend(m.mul(0.5f), bigM);
            FloatVector ef =
                    ex.add(0x4B400000)
                            .reinterpretAsFloats()
                            .sub(ROUNDER)
                            .add(FloatVector.zero(FS).blend(1f, bigM));
            FloatVector s = m.sub(one).div(m.add(one));
            FloatVector as2 = s.mul(s);
            FloatVector l =
                    as2.fma(c13, c11)
                            .fma(as2, c9)
                            .fma(as2, c7)
                            .fma(as2, c5)
                            .fma(as2, c3)
                            .fma(as2, one)
                            .mul(s);
            FloatVector y = l.mul(2f).add(ef.mul(0.693359375f)).add(ef.mul(-2.12194440e-4f));
            y = y.blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
            y = y.blend(Float.NaN, x.compare(VectorOperators.LT, 0f));
            y =
                    y.blend(
                            Float.POSITIVE_INFINITY,
                            x.compare(VectorOperators.EQ, Float.POSITIVE_INFINITY));
            y =
                    y.blend(
                            -87.33655f,
                            x.compare(VectorOperators.GT, 0f)
                                    .and(x.compare(VectorOperators.LT, Float.MIN_NORMAL)));
            y.blend(x, x.test(VectorOperators.IS_NAN)).intoArray(out, oo + i);
        }
        return i;
    }

    /**
     * sin x (shift 0) or cos x = sin(x + pi/2) (shift 1, one more quadrant): quadrant from x 2/pi,
     * three-part Cody-Waite reduction, Taylor polynomials on |r| <= pi/4; lanes beyond 1e5 are left
     * to the scalar loop.
     */
    static int sinCos(float[] a, int ao, float[] out, int oo, int n, int shift) {
        final FloatVector one = FloatVector.broadcast(FS, 1f),
                half = FloatVector.broadcast(FS, 0.5f);
        final FloatVector rounder = FloatVector.broadcast(FS, 12582912f);
        final FloatVector c720 = FloatVector.broadcast(FS, 1f / 720),
                c120 = FloatVector.broadcast(FS, 1f / 120);
        final FloatVector c24 = FloatVector.broadcast(FS, 1f / 24),
                c6 = FloatVector.broadcast(FS, 1f / 6);
        final FloatVector c5040 = FloatVector.broadcast(FS, 1f / 5040);
        int i = 0;
        for (int bound = FS.loopBound(n); i < bound; i += FL) {
            FloatVector x = FloatVector.fromArray(FS, a, ao + i);
            if (x.abs().compare(VectorOperators.GT, 1e5f).anyTrue()) {
                return i;
            }
            FloatVector kt = x.fma(FloatVector.broadcast(FS, 0.636619772f), rounder);
            FloatVector k = kt.sub(ROUNDER);
            FloatVector r = k.fma(FloatVector.broadcast(FS, -1.5707962513f), x);
            r = k.fma(FloatVector.broadcast(FS, -7.5497894159e-08f), r);
            r = k.fma(FloatVector.broadcast(FS, -5.3903029534e-15f), r);
            FloatVector r2 = r.mul(r);
            FloatVector sv =
                    r2.fma(
                                    FloatVector.broadcast(FS, -1f / 39916800),
                                    FloatVector.broadcast(FS, 1f / 362880))
                            .fma(r2, c5040.neg())
                            .fma(r2, c120)
                            .fma(r2, c6.neg())
                            .fma(r2, one)
                            .mul(r);
            FloatVector cv =
                    r2.fma(
                                    FloatVector.broadcast(FS, -1f / 3628800),
                                    FloatVector.broadcast(FS, 1f / 40320))
                            .fma(r2, c720.neg())
                            .fma(r2, c24)
                            .fma(r2, half.neg())
                            .fma(r2, one);
            IntVector q = kt.reinterpretAsInts().sub(0x4B400000 - shift);
            VectorMask<Float> odd = q.and(1).compare(VectorOperators.NE, 0).cast(FS);
            VectorMask<Float> neg = q.and(2).compare(VectorOperators.NE, 0).cast(FS);
            FloatVector y = sv.blend(cv, odd);
            y = y.blend(y.neg(), neg);
            y.blend(x, x.test(VectorOperators.IS_NAN)).intoArray(out, oo + i);
        }
        return i;
    }

    /**
     * Sum of the lanes, left to right from 0: an order fixed everywhere (reduceLanes(ADD) may
     * reassociate). The lane numbers are constants for the usual vector lengths: with a loop over
     * {@code lane(i)}, C2 extracted every lane and then picked one per pass through a jump table,
     * and a 64-deep dot product on AVX-512 took about 20 ns, most of it in the sum.
     */
    static float sumLanes(FloatVector v) {
        switch (FL) {
            case 16:
                return sum8(v, 8, sum8(v, 0, 0f));
            case 8:
                return sum8(v, 0, 0f);
            case 4:
                return sum4(v, 0, 0f);
            default:
                float s = 0;
                for (int i = 0; i < FL; i++) {
                    s += v.lane(i);
                }
                return s;
        }
    }

    /** s + lane(from) + ... + lane(from + 7), left to right. */
    private static float sum8(FloatVector v, int from, float s) {
        s += v.lane(from);
        s += v.lane(from + 1);
        s += v.lane(from + 2);
        s += v.lane(from + 3);
        s += v.lane(from + 4);
        s += v.lane(from + 5);
        s += v.lane(from + 6);
        s += v.lane(from + 7);
        return s;
    }

    /** s + lane(from) + ... + lane(from + 3), left to right. */
    private static float sum4(FloatVector v, int from, float s) {
        s += v.lane(from);
        s += v.lane(from + 1);
        s += v.lane(from + 2);
        s += v.lane(from + 3);
        return s;
    }

    private static final int DL = jdk.incubator.vector.DoubleVector.SPECIES_PREFERRED.length();

    /** As {@link #sumLanes(FloatVector)}, for doubles. */
    static double sumLanes(jdk.incubator.vector.DoubleVector v) {
        double s = 0;
        switch (DL) {
            case 8:
                s += v.lane(0);
                s += v.lane(1);
                s += v.lane(2);
                s += v.lane(3);
                s += v.lane(4);
                s += v.lane(5);
                s += v.lane(6);
                s += v.lane(7);
                return s;
            case 4:
                s += v.lane(0);
                s += v.lane(1);
                s += v.lane(2);
                s += v.lane(3);
                return s;
            case 2:
                s += v.lane(0);
                s += v.lane(1);
                return s;
            default:
                for (int i = 0; i < DL; i++) {
                    s += v.lane(i);
                }
                return s;
        }
    }
}
