package org.implicitlayers.core;

import static org.implicitlayers.core.TestBackends.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.backend.Backend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every elementwise op against a formula written here with java.lang.Math, on every backend and
 * dtype, over lengths that exercise both the vector body and the scalar tail.
 */
class ElementwiseOpsTest {
    record Unary(
            String name, UnaryOperator<Tensor> op, DoubleUnaryOperator truth, boolean positive) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Unary> unaries() {
        double beta = 3.0;
        return List.of(
                new Unary("neg", Tensor::neg, x -> -x, false),
                new Unary("abs", Tensor::abs, Math::abs, false),
                new Unary("exp", Tensor::exp, Math::exp, false),
                new Unary("log", Tensor::log, Math::log, true),
                new Unary("sqrt", Tensor::sqrt, Math::sqrt, true),
                new Unary("square", Tensor::square, x -> x * x, false),
                new Unary("sin", Tensor::sin, Math::sin, false),
                new Unary("cos", Tensor::cos, Math::cos, false),
                new Unary("tanh", Tensor::tanh, Math::tanh, false),
                new Unary("sigmoid", Tensor::sigmoid, x -> Math.exp(x) / (1 + Math.exp(x)), false),
                new Unary("relu", Tensor::relu, x -> x < 0 ? 0 : x, false),
                new Unary(
                        "softplus",
                        t -> t.softplus(beta),
                        x -> Math.log(1 + Math.exp(beta * x)) / beta,
                        false),
                new Unary(
                        "softplusSlope",
                        t -> t.softplusSlope(beta),
                        x -> 1 / (1 + Math.exp(-beta * x)),
                        false),
                new Unary(
                        "softplusWithSlope[0]",
                        t -> t.softplusWithSlope(beta)[0],
                        x -> Math.log(1 + Math.exp(beta * x)) / beta,
                        false),
                new Unary(
                        "softplusWithSlope[1]",
                        t -> t.softplusWithSlope(beta)[1],
                        x -> 1 / (1 + Math.exp(-beta * x)),
                        false),
                new Unary(
                        "addcmul",
                        t -> t.addcmul(t.square(), t.sin(), 0.7),
                        x -> x + 0.7 * x * x * Math.sin(x),
                        false),
                new Unary(
                        "softplusBackward",
                        t -> Tensor.softplusBackward(t.sigmoid(), t.cos(), t.sin(), beta),
                        x -> {
                            double s = 1 / (1 + Math.exp(-x));
                            return s * (Math.cos(x) + beta * (1 - s) * Math.sin(x));
                        },
                        false),
                new Unary("cubicRelu", Tensor::cubicRelu, x -> x < 0 ? 0 : x * x * x, false),
                new Unary("pow2.5", t -> t.pow(2.5), x -> Math.pow(x, 2.5), true),
                new Unary("pow3", t -> t.pow(3), x -> x * x * x, false),
                new Unary("sign", Tensor::sign, Math::signum, false),
                new Unary("mul", t -> t.mul(-1.5), x -> -1.5 * x, false),
                new Unary("add", t -> t.add(0.25), x -> x + 0.25, false),
                new Unary(
                        "clamp",
                        t -> t.clamp(-0.5, 0.7),
                        x -> x < -0.5 ? -0.5 : x > 0.7 ? 0.7 : x,
                        false));
    }

    static List<Arguments> unaryCases() {
        List<Arguments> out = new ArrayList<>();
        for (String b : TestBackends.names()) {
            for (Unary u : unaries()) {
                out.add(Arguments.of(b, u));
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("unaryCases")
    void unaryOpMatchesMathFormula(String backend, Unary u) {
        Backend be = TestBackends.byName(backend);
        for (int n : new int[] {1, 7, 16, 37, 1000}) {
            Rng rng = Rng.seeded(n);
            double[] x = new double[n];
            for (int i = 0; i < n; i++) {
                double v = 3 * rng.nextGaussian();
                x[i] = u.positive() ? Math.abs(v) + 0.1 : v;
            }
            for (DType dt : DType.values()) {
                double[] got =
                        TestBackends.on(
                                be, () -> u.op().apply(Tensor.of(dt, x, n)).toDoubleArray());
                double[] expected = new double[n];
                for (int i = 0; i < n; i++) {
                    expected[i] =
                            u.truth().applyAsDouble(dt == DType.FLOAT32 ? (float) x[i] : x[i]);
                }
                assertClose(
                        expected,
                        got,
                        dt == DType.FLOAT32 ? 3e-6 : 1e-14,
                        backend + " " + u + " " + dt + " n=" + n);
            }
        }
    }

    @Test
    void softplusDoesNotOverflowForLargeInputs() {
        for (Backend b : TestBackends.all()) {
            double[] got =
                    TestBackends.on(
                            b,
                            () ->
                                    Tensor.of(new double[] {800, -800}, 2)
                                            .softplus(100)
                                            .toDoubleArray());
            assertClose(new double[] {800, 0}, got, 1e-12, b.name());
        }
    }

    /**
     * Relative accuracy of float32 softplus and its slope with beta = 100 for |beta x| up to 85
     * (e^-|z| down to 1e-37), wherever the result is a normal float.
     */
    @Test
    void softplusAndSlopeAreRelativelyAccurateForLargeSharpness() {
        int n = 4001;
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -0.85 + 1.7 * i / (n - 1);
        }
        // The JVM kernels only: ND4J's softplus, log(1 + e^z), is accurate in absolute terms alone
        // far left of 0.
        for (Backend b : List.of(Backends.jvm())) {
            double[][] got =
                    TestBackends.on(
                            b,
                            () -> {
                                Tensor t = Tensor.of(DType.FLOAT32, x, n);
                                Tensor[] pair = t.softplusWithSlope(100);
                                return new double[][] {
                                    t.softplus(100).toDoubleArray(),
                                    pair[0].toDoubleArray(),
                                    t.softplusSlope(100).toDoubleArray(),
                                    pair[1].toDoubleArray()
                                };
                            });
            for (int i = 0; i < n; i++) {
                double z = 100.0 * (float) x[i];
                double sp = (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z)))) / 100;
                double sg = z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
                // z = 100 x rounds in float32 (relative 6e-8), and d log(softplus)/dz is up to 1:
                // 85 * 6e-8 absolute in z.
                // Below the smallest normal float32 a result may be flushed to 0.
                double tol = 1e-5;
                for (int k = 0; k < 2; k++) {
                    assertTrue(
                            Math.abs(got[k][i] - sp) <= Math.max(tol * sp, Float.MIN_NORMAL),
                            b.name()
                                    + " softplus("
                                    + x[i]
                                    + ") = "
                                    + got[k][i]
                                    + ", expected "
                                    + sp);
                    assertTrue(
                            Math.abs(got[2 + k][i] - sg) <= Math.max(tol * sg, Float.MIN_NORMAL),
                            b.name()
                                    + " slope("
                                    + x[i]
                                    + ") = "
                                    + got[2 + k][i]
                                    + ", expected "
                                    + sg);
                }
            }
        }
    }

    record Binary(
            String name,
            java.util.function.BinaryOperator<Tensor> op,
            DoubleBinaryOperator truth,
            boolean positive) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Binary> binaries() {
        return List.of(
                new Binary("add", Tensor::add, Double::sum, false),
                new Binary("sub", Tensor::sub, (a, b) -> a - b, false),
                new Binary("mul", Tensor::mul, (a, b) -> a * b, false),
                new Binary("div", Tensor::div, (a, b) -> a / b, true),
                new Binary("pow", Tensor::pow, Math::pow, true),
                new Binary("maximum", Tensor::maximum, Math::max, false),
                new Binary("minimum", Tensor::minimum, Math::min, false),
                new Binary("gt", Tensor::gt, (a, b) -> a > b ? 1 : 0, false),
                new Binary("ge", Tensor::ge, (a, b) -> a >= b ? 1 : 0, false),
                new Binary("lt", Tensor::lt, (a, b) -> a < b ? 1 : 0, false),
                new Binary("le", Tensor::le, (a, b) -> a <= b ? 1 : 0, false),
                new Binary("eq", Tensor::eq, (a, b) -> a == b ? 1 : 0, false));
    }

    static final int[][][] SHAPE_PAIRS = {
        {{37}, {37}},
        {{4, 5}, {5}},
        {{4, 1}, {1, 5}},
        {{3, 1, 6}, {2, 1}},
        {{}, {2, 3}},
        {{2, 3, 4}, {2, 1, 4}},
        {{17, 33}, {17, 1}}
    };

    static List<Arguments> binaryCases() {
        List<Arguments> out = new ArrayList<>();
        for (String b : TestBackends.names()) {
            for (Binary op : binaries()) {
                out.add(Arguments.of(b, op));
            }
        }
        return out;
    }

    /** Independent broadcasting: the output index mapped back to each operand by hand. */
    static double[] broadcastReference(
            DoubleBinaryOperator f, double[] a, int[] as, double[] b, int[] bs, int[] os) {
        int n = Shapes.numel(os);
        double[] out = new double[n];
        int[] idx = new int[os.length];
        for (int flat = 0; flat < n; flat++) {
            int rem = flat;
            for (int d = os.length - 1; d >= 0; d--) {
                idx[d] = rem % os[d];
                rem /= os[d];
            }
            out[flat] = f.applyAsDouble(a[offset(idx, as)], b[offset(idx, bs)]);
        }
        return out;
    }

    private static int offset(int[] idx, int[] shape) {
        int off = 0, lead = idx.length - shape.length;
        for (int d = 0; d < shape.length; d++) {
            off = off * shape[d] + (shape[d] == 1 ? 0 : idx[d + lead]);
        }
        return off;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("binaryCases")
    void binaryOpBroadcastsLikeNumPy(String backend, Binary op) {
        Backend be = TestBackends.byName(backend);
        Rng rng = Rng.seeded(11);
        for (int[][] pair : SHAPE_PAIRS) {
            int[] as = pair[0], bs = pair[1];
            int[] os = Shapes.broadcast("test", as, bs);
            double[] a = TestBackends.randn(rng, Shapes.numel(as)),
                    b = TestBackends.randn(rng, Shapes.numel(bs));
            if (op.positive()) {
                for (int i = 0; i < a.length; i++) {
                    a[i] = Math.abs(a[i]) + 0.1;
                }
                for (int i = 0; i < b.length; i++) {
                    b[i] = Math.abs(b[i]) + 0.1;
                }
            }
            // Plant equal values so that ge/le/eq see ties.
            if (a.length == b.length) {
                a[0] = b[0];
            }
            double[] expected = broadcastReference(op.truth(), a, as, b, bs, os);
            for (DType dt : DType.values()) {
                Tensor out =
                        TestBackends.on(
                                be,
                                () -> op.op().apply(Tensor.of(dt, a, as), Tensor.of(dt, b, bs)));
                assertArrayEquals(os, out.shape(), "result shape");
                double[] exp =
                        dt == DType.FLOAT64
                                ? expected
                                : broadcastReference(
                                        (x, y) -> op.truth().applyAsDouble((float) x, (float) y),
                                        a,
                                        as,
                                        b,
                                        bs,
                                        os);
                assertClose(
                        exp,
                        out.toDoubleArray(),
                        dt == DType.FLOAT32 ? 3e-6 : 1e-14,
                        backend
                                + " "
                                + op
                                + " "
                                + Shapes.str(as)
                                + " "
                                + Shapes.str(bs)
                                + " "
                                + dt);
            }
        }
    }

    @Test
    void incompatibleShapesNameTheOpAndBothShapes() {
        Tensor a = Tensor.zeros(DType.FLOAT32, 3, 4);
        Tensor b = Tensor.zeros(DType.FLOAT32, 5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(
                e.getMessage().contains("add")
                        && e.getMessage().contains("[3, 4]")
                        && e.getMessage().contains("[5]"),
                e.getMessage());
        IllegalArgumentException m =
                assertThrows(IllegalArgumentException.class, () -> a.matmul(a));
        assertTrue(
                m.getMessage().contains("matmul") && m.getMessage().contains("[3, 4]"),
                m.getMessage());
        IllegalArgumentException d =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> a.add(Tensor.zeros(DType.FLOAT64, 3, 4)));
        assertTrue(
                d.getMessage().contains("float32") && d.getMessage().contains("float64"),
                d.getMessage());
    }

    @ParameterizedTest
    @MethodSource("org.implicitlayers.core.TestBackends#names")
    void whereSelectsPerElementWithBroadcasting(String backend) {
        double[] got =
                TestBackends.on(
                        TestBackends.byName(backend),
                        () -> {
                            Tensor x = Tensor.of(new double[] {-2, -1, 0, 1, 2, 3}, 2, 3);
                            Tensor y = Tensor.of(new double[] {10, 20, 30}, 3);
                            return Tensor.where(x.gt(0.0), x, y).toDoubleArray();
                        });
        assertClose(new double[] {10, 20, 30, 1, 2, 3}, got, 0, backend);
    }
}
