package org.implicitlayers.core.backend.jvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        int lo = Float.floatToIntBits(from), hi = Float.floatToIntBits(to);
        int stride = 61, count = (hi - lo) / stride + 1;
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
