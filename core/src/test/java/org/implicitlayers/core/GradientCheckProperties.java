package org.implicitlayers.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Every op's backward rule, and the backward of its backward, against central finite differences in
 * float64, on random shapes with broadcasting and on every backend.
 */
class GradientCheckProperties {
    /** One-operand ops; the flag says the input must be positive. */
    static final Map<String, Function<Tensor, Tensor>> UNARY = new LinkedHashMap<>();

    static final Map<String, Boolean> POSITIVE = new LinkedHashMap<>();

    static {
        unary("neg", Tensor::neg, false);
        unary("abs", Tensor::abs, false);
        unary("exp", Tensor::exp, false);
        unary("log", Tensor::log, true);
        unary("sqrt", Tensor::sqrt, true);
        unary("square", Tensor::square, false);
        unary("sin", Tensor::sin, false);
        unary("cos", Tensor::cos, false);
        unary("tanh", Tensor::tanh, false);
        unary("sigmoid", Tensor::sigmoid, false);
        unary("relu", Tensor::relu, false);
        unary("softplus", t -> t.softplus(2.5), false);
        unary("softplusSlope", t -> t.softplusSlope(2.5), false);
        unary(
                "softplusWithSlope",
                t -> {
                    Tensor[] hs = t.softplusWithSlope(2.5);
                    return hs[0].mul(hs[1].add(0.5));
                },
                false);
        unary("addcmul", t -> t.addcmul(t.sin(), t.square(), 0.7), false);
        unary(
                "softplusBackward",
                t -> Tensor.softplusBackward(t.sigmoid(), t.cos(), t.sin().mul(t), 2.5),
                false);
        unary("cubicRelu", Tensor::cubicRelu, false);
        unary("pow", t -> t.pow(2.7), true);
        unary("scale", t -> t.mul(-1.7).add(0.3), false);
        unary("clamp", t -> t.clamp(-0.6, 0.8), false);
        unary("sum", t -> t.sum(), false);
        unary("sumLastAxisKeep", t -> t.rank() == 0 ? t : t.sum(new int[] {-1}, true), false);
        unary("sumFirstAxis", t -> t.rank() == 0 ? t : t.sum(0), false);
        unary("mean", Tensor::mean, false);
        unary("max", Tensor::max, false);
        unary("minFirstAxis", t -> t.rank() == 0 ? t : t.min(0), false);
        unary("norm", Tensor::norm, false);
        unary("normLastAxis", t -> t.rank() == 0 ? t : t.norm(-1), false);
        unary("reshape", t -> t.reshape(-1), false);
        unary("permute", t -> t.rank() < 2 ? t : t.transpose(0, t.rank() - 1), false);
        unary(
                "broadcastTo",
                t -> t.broadcastTo(Shapes.broadcast("test", t.shape(), new int[] {2, 1, 1, 1})),
                false);
        unary("index", t -> t.rank() == 0 ? t : t.index(0, 0, t.shape(0) - 1, 0), false);
        unary("slice", t -> t.rank() == 0 ? t : t.slice(-1, 0, t.shape(-1), 2), false);
        unary("concat", t -> t.rank() == 0 ? t : Tensor.concat(0, t, t.square()), false);
        unary("stack", t -> Tensor.stack(0, t, t.sin()), false);
        unary("whereSelf", t -> Tensor.where(t.gt(0.0), t.square(), t.exp()), false);
        unary("selfProduct", t -> t.mul(t.tanh()).div(t.square().add(1.0)), false);
    }

    static void unary(String name, Function<Tensor, Tensor> f, boolean positive) {
        UNARY.put(name, f);
        POSITIVE.put(name, positive);
    }

    static final Map<String, java.util.function.BinaryOperator<Tensor>> BINARY =
            new LinkedHashMap<>();

    static {
        BINARY.put("add", Tensor::add);
        BINARY.put("sub", Tensor::sub);
        BINARY.put("mul", Tensor::mul);
        BINARY.put("div", (a, b) -> a.div(b.square().add(0.5)));
        BINARY.put("pow", (a, b) -> a.square().add(0.5).pow(b));
        BINARY.put("maximum", Tensor::maximum);
        BINARY.put("minimum", Tensor::minimum);
        BINARY.put("where", (a, b) -> Tensor.where(a.gt(b), a.mul(b), b.sin()));
    }

    @Provide
    Arbitrary<String> backends() {
        return Arbitraries.of(TestBackends.names());
    }

    @Provide
    Arbitrary<String> unaryNames() {
        return Arbitraries.of(UNARY.keySet());
    }

    @Provide
    Arbitrary<String> binaryNames() {
        return Arbitraries.of(BINARY.keySet());
    }

    @Provide
    Arbitrary<int[]> shapes() {
        return Arbitraries.integers().between(1, 3).array(int[].class).ofMinSize(0).ofMaxSize(3);
    }

    /**
     * A pair of shapes that broadcast: the second drops leading axes and sets some extents to 1.
     */
    @Provide
    Arbitrary<int[][]> shapePairs() {
        return Combinators.combine(
                        shapes(),
                        Arbitraries.integers().between(0, 3),
                        Arbitraries.integers().between(0, 7),
                        Arbitraries.of(true, false))
                .as(
                        (a, drop, ones, swap) -> {
                            int keep = Math.max(0, a.length - Math.min(drop, a.length));
                            int[] b = java.util.Arrays.copyOfRange(a, a.length - keep, a.length);
                            for (int i = 0; i < b.length; i++) {
                                if ((ones >> i & 1) == 1) {
                                    b[i] = 1;
                                }
                            }
                            return swap ? new int[][] {b, a} : new int[][] {a, b};
                        });
    }

    static Tensor input(int[] shape, long seed, boolean positive) {
        double[] v = TestBackends.randn(Rng.seeded(seed), Shapes.numel(shape));
        if (positive) {
            for (int i = 0; i < v.length; i++) {
                v[i] = Math.abs(v[i]) + 0.5;
            }
        }
        return Tensor.of(v, shape);
    }

    @Property(tries = 150)
    void unaryOpGradientsMatchFiniteDifferences(
            @ForAll("unaryNames") String op,
            @ForAll("shapes") int[] shape,
            @ForAll("backends") String backend,
            @ForAll long seed) {
        Function<Tensor, Tensor> f = UNARY.get(op);
        TestBackends.on(
                TestBackends.byName(backend),
                () -> {
                    Tensor x = input(shape, seed, POSITIVE.get(op));
                    Function<Tensor[], Tensor> g = xs -> f.apply(xs[0]);
                    GradCheck.assertGradient(g, x);
                    GradCheck.assertSecondOrder(g, x);
                });
    }

    @Property(tries = 100)
    void binaryOpGradientsMatchFiniteDifferencesWithBroadcasting(
            @ForAll("binaryNames") String op,
            @ForAll("shapePairs") int[][] shapes,
            @ForAll("backends") String backend,
            @ForAll long seed) {
        java.util.function.BinaryOperator<Tensor> f = BINARY.get(op);
        TestBackends.on(
                TestBackends.byName(backend),
                () -> {
                    Tensor a = input(shapes[0], seed, false);
                    Tensor b = input(shapes[1], seed + 1, false);
                    Function<Tensor[], Tensor> g = xs -> f.apply(xs[0], xs[1]);
                    GradCheck.assertGradient(g, a, b);
                    GradCheck.assertSecondOrder(g, a, b);
                });
    }

    @Property(tries = 40)
    void matmulGradientsMatchFiniteDifferences(
            @ForAll("backends") String backend,
            @ForAll boolean ta,
            @ForAll boolean tb,
            @ForAll boolean batched,
            @ForAll long seed) {
        int m = 3, k = 4, n = 2;
        int[] as = ta ? new int[] {k, m} : new int[] {m, k};
        int[] bs = tb ? new int[] {n, k} : new int[] {k, n};
        if (batched) {
            as = new int[] {2, as[0], as[1]};
            bs = new int[] {2, bs[0], bs[1]};
        }
        int[] fas = as, fbs = bs;
        TestBackends.on(
                TestBackends.byName(backend),
                () -> {
                    Tensor a = input(fas, seed, false), b = input(fbs, seed + 1, false);
                    // tanh makes the second derivative non-trivial in both operands.
                    Function<Tensor[], Tensor> g = xs -> xs[0].matmul(xs[1], ta, tb).tanh();
                    GradCheck.assertGradient(g, a, b);
                    GradCheck.assertSecondOrder(g, a, b);
                });
    }

    @Property(tries = 30)
    void linearGradientsMatchFiniteDifferences(
            @ForAll("backends") String backend, @ForAll boolean bias, @ForAll long seed) {
        TestBackends.on(
                TestBackends.byName(backend),
                () -> {
                    Tensor x = input(new int[] {3, 4}, seed, false),
                            w = input(new int[] {5, 4}, seed + 1, false);
                    Tensor b = input(new int[] {5}, seed + 2, false);
                    if (bias) {
                        Function<Tensor[], Tensor> g =
                                xs -> Tensor.linear(xs[0], xs[1], xs[2]).tanh();
                        GradCheck.assertGradient(g, x, w, b);
                        GradCheck.assertSecondOrder(g, x, w, b);
                    } else {
                        Function<Tensor[], Tensor> g =
                                xs -> Tensor.linear(xs[0], xs[1], null).sin();
                        GradCheck.assertGradient(g, x, w);
                        GradCheck.assertSecondOrder(g, x, w);
                    }
                });
    }
}
