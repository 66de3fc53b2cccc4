package org.implicitlayers.core.backend.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.DoubleUnaryOperator;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * The float32 vector kernels against {@code Math} in float64 over a sweep of float bit patterns
 * (every 61st float from 2^-40 to 100, both signs), in ulps of the float32 value of the truth: each
 * kernel within the bound its Javadoc states. The AVX2 test run ({@code -XX:UseAVX=2
 * -XX:MaxVectorSize=32}, x86 only) repeats the sweep on the 256-bit code.
 */
class TranscendentalAccuracyTest {
    private static final int LANES = FloatVector.SPECIES_PREFERRED.length();

    interface Kernel {
        int apply(float[] a, float[] out, int n);
    }

    /** Largest error in float32 ulps over the sweep, where it was, and the mean. */
    record Worst(double ulps, float at, double mean) {}

    private static float[] sweep(float from, float to) {
        return sweep(from, to, 61);
    }

    /** Every stride-th float from {@code from} to {@code to}, each with both signs. */
    private static float[] sweep(float from, float to, int stride) {
        int lo = Float.floatToIntBits(from), hi = Float.floatToIntBits(to);
        int count = (hi - lo) / stride + 1;
        int n = (2 * count + LANES - 1) / LANES * LANES;
        float[] xs = new float[n];
        for (int i = 0; i < n; i++) {
            float v = Float.intBitsToFloat(lo + (i / 2 % count) * stride);
            xs[i] = i % 2 == 0 ? v : -v;
        }
        return xs;
    }

    private static Worst worst(
            Kernel k, DoubleUnaryOperator truth, float[] xs, double smallestCounted) {
        float[] out = new float[xs.length];
        assertEquals(xs.length, k.apply(xs, out, xs.length), "the vector body covers the array");
        double worst = 0, sum = 0;
        float at = Float.NaN;
        int counted = 0;
        for (int i = 0; i < xs.length; i++) {
            double t = truth.applyAsDouble(xs[i]);
            if (Math.abs(t) < smallestCounted) {
                continue;
            }
            double e = Math.abs(out[i] - t) / Math.ulp((float) t);
            sum += e;
            counted++;
            if (!(e <= worst)) {
                worst = e;
                at = xs[i];
            }
        }
        return new Worst(worst, at, sum / counted);
    }

    private static void check(String name, Worst w, double bound) {
        System.out.printf(
                "%s (%d lanes): max %.2f ulp at %s, mean %.3f%n",
                name, LANES, w.ulps(), w.at(), w.mean());
        assertTrue(
                w.ulps() <= bound,
                name + ": " + w.ulps() + " ulps at x = " + w.at() + " (bound " + bound + ")");
    }

    @Test
    void tanhWithinSixUlps() {
        float[] xs = sweep(0x1p-40f, 100f);
        check(
                "tanh",
                worst((a, o, n) -> TranscendentalKernels.tanh(a, 0, o, 0, n), Math::tanh, xs, 0),
                6);
    }

    /**
     * The clamped and the sign form of tanh, whichever this machine takes, give the same bits from
     * the smallest subnormal to the largest float, for both signs, and on the special values.
     */
    @Test
    void tanhFormsAgreeBitForBit() {
        float[] xs = sweep(Float.MIN_VALUE, Float.MAX_VALUE, 2039);
        float[] special = {
            0f, -0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 9f
        };
        System.arraycopy(special, 0, xs, 0, special.length);
        float[] clamped = new float[xs.length], bySign = new float[xs.length];
        assertEquals(xs.length, TranscendentalKernels.tanhClamped(xs, 0, clamped, 0, xs.length));
        assertEquals(xs.length, TranscendentalKernels.tanhBySign(xs, 0, bySign, 0, xs.length));
        for (int i = 0; i < xs.length; i++) {
            int want = Float.floatToRawIntBits(clamped[i]),
                    got = Float.floatToRawIntBits(bySign[i]);
            if (want != got) {
                fail("tanh(" + xs[i] + "): clamped " + clamped[i] + ", by sign " + bySign[i]);
            }
        }
        // And the form in use is one of them, within its accuracy bound at a few points.
        for (int i = 0; i < special.length; i++) {
            if (!Float.isNaN(special[i])) {
                assertEquals(Math.tanh(special[i]), clamped[i], 1e-7, "tanh(" + special[i] + ")");
            }
        }
    }

    @Test
    void tanhSpecialValues() {
        float[] xs = new float[LANES * 2];
        float[] special = {
            0f,
            -0f,
            Float.NaN,
            Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY,
            9f,
            -9f,
            1e30f,
            -1e30f,
            Float.MIN_VALUE,
            -Float.MIN_VALUE,
            1e-20f,
            8.99f,
            20f
        };
        System.arraycopy(special, 0, xs, 0, Math.min(special.length, xs.length));
        float[] out = new float[xs.length];
        TranscendentalKernels.tanh(xs, 0, out, 0, xs.length);
        for (int i = 0; i < Math.min(special.length, xs.length); i++) {
            float x = xs[i];
            float want = (float) Math.tanh(x);
            if (Float.isNaN(x)) {
                assertTrue(Float.isNaN(out[i]), "tanh(NaN) is NaN");
            } else if (x == 0 || Math.abs(x) > 9.02f) {
                // Beyond 9.02 tanh rounds to +-1 in float32.
                assertEquals(
                        Float.floatToIntBits(want),
                        Float.floatToIntBits(out[i]),
                        "tanh(" + x + ")");
            } else {
                assertEquals(want, out[i], 6 * Math.ulp(want), "tanh(" + x + ")");
            }
        }
    }

    @Test
    void expSigmoidAndSoftplusWithinOneThreeAndFiveUlps() {
        float[] xs = sweep(0x1p-40f, 86f);
        check(
                "exp",
                worst((a, o, n) -> TranscendentalKernels.exp(a, 0, o, 0, n), Math::exp, xs, 0),
                1);
        check(
                "sigmoid",
                worst(
                        (a, o, n) -> TranscendentalKernels.sigmoid(a, 0, o, 0, n, 1f),
                        x -> 1 / (1 + Math.exp(-x)),
                        xs,
                        0),
                3);
        for (float beta : new float[] {1f, 100f}) {
            float[] ys = sweep(0x1p-40f, 86f / beta);
            // beta x is rounded to float first, as the kernel does (at beta 100 that rounding alone
            // moves e^(beta x) by up to 64 ulps); results below the smallest normal float are
            // flushed to zero by design.
            check(
                    "softplus beta " + beta,
                    worst(
                            (a, o, n) -> TranscendentalKernels.softplus(a, 0, o, 0, n, beta),
                            x -> Math.log1p(Math.exp((float) (beta * x))) / beta,
                            ys,
                            Float.MIN_NORMAL),
                    5);
        }
    }
}
