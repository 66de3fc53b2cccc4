package org.implicitlayers.core;

import static org.implicitlayers.core.TestBackends.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Gradients of gradients: the Deep Ritz pattern, Laplacians, Hessian-vector products, custom rules.
 */
class HigherOrderTest {
    /** u(x) = W3 tanh(W2 tanh(W1 x + b1) + b2) + b3 on a batch of 2-D points. */
    static Tensor mlp(Tensor x, Tensor[] p) {
        Tensor h = x.matmul(p[0], false, true).add(p[1]).tanh();
        h = Tensor.linear(h, p[2], p[3]).tanh();
        return h.matmul(p[4], false, true).add(p[5]);
    }

    static Tensor[] params(Rng rng, int width) {
        return new Tensor[] {
            Tensor.randn(rng, DType.FLOAT64, width, 2).mul(0.7),
                    Tensor.randn(rng, DType.FLOAT64, width).mul(0.1),
            Tensor.randn(rng, DType.FLOAT64, width, width).mul(0.5),
                    Tensor.randn(rng, DType.FLOAT64, width).mul(0.1),
            Tensor.randn(rng, DType.FLOAT64, 1, width).mul(0.5),
                    Tensor.randn(rng, DType.FLOAT64, 1).mul(0.1)
        };
    }

    @ParameterizedTest
    @MethodSource("org.implicitlayers.core.TestBackends#names")
    void deepRitzLossGradientMatchesFiniteDifferences(String backend) {
        TestBackends.on(
                TestBackends.byName(backend),
                () -> {
                    Rng rng = Rng.seeded(1);
                    Tensor x = Tensor.randn(rng, DType.FLOAT64, 5, 2);
                    Tensor[] p = params(rng, 4);
                    // loss(theta) = mean_i (0.5 |grad_x u(x_i)|^2 - f u(x_i)), gradient by double
                    // backward.
                    Function<Tensor[], Tensor> ritz =
                            ps -> {
                                Tensor xr = x.requiringGrad();
                                Tensor u = mlp(xr, ps);
                                Tensor du = Grad.of(u.sum(), xr, true);
                                return du.square()
                                        .sum(1)
                                        .mul(0.5)
                                        .sub(u.squeeze(1).mul(xr.select(1, 0).sin()))
                                        .mean();
                            };
                    GradCheck.assertGradient(ritz, p);
                });
    }

    @ParameterizedTest
    @MethodSource("org.implicitlayers.core.TestBackends#names")
    void laplacianByTwoBackwardPassesEqualsTheExactOne(String backend) {
        TestBackends.on(
                TestBackends.byName(backend),
                () -> {
                    // u = x^2 y^3 + sin(x) exp(y): Laplacian = 2 y^3 + 6 x^2 y - sin(x) e^y +
                    // sin(x) e^y = 2y^3 + 6x^2 y.
                    Tensor pts = Tensor.randn(Rng.seeded(2), DType.FLOAT64, 7, 2).requiringGrad();
                    Tensor xx = pts.select(1, 0), yy = pts.select(1, 1);
                    Tensor u = xx.square().mul(yy.pow(3)).add(xx.sin().mul(yy.exp()));
                    Tensor g = Grad.of(u.sum(), pts, true);
                    Tensor lap =
                            Grad.of(g.select(1, 0).sum(), pts, true)
                                    .select(1, 0)
                                    .add(Grad.of(g.select(1, 1).sum(), pts, true).select(1, 1));
                    double[] p = pts.toDoubleArray();
                    double[] exact = new double[7];
                    for (int i = 0; i < 7; i++) {
                        double x = p[2 * i], y = p[2 * i + 1];
                        exact[i] = 2 * y * y * y + 6 * x * x * y;
                    }
                    assertClose(exact, lap.toDoubleArray(), 1e-12, "Laplacian");
                });
    }

    @Test
    void hessianVectorProductOfAQuadraticFormIsTheSymmetrisedMatrixTimesV() {
        Rng rng = Rng.seeded(3);
        int n = 6;
        Tensor a = Tensor.randn(rng, DType.FLOAT64, n, n);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, n, 1).requiringGrad();
        Tensor v = Tensor.randn(rng, DType.FLOAT64, n, 1);
        // f = 0.5 x^T A x + sum(x^4)/4: H = (A + A^T)/2 + diag(3 x^2).
        Tensor f = x.matmul(a.matmul(x), true, false).mul(0.5).sum().add(x.pow(4).sum().mul(0.25));
        Tensor g = Grad.of(f, x, true);
        Tensor hv = Grad.of(g.mul(v).sum(), x, false);
        double[] av = a.toDoubleArray(), xv = x.toDoubleArray(), vv = v.toDoubleArray();
        double[] exact = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                exact[i] += 0.5 * (av[i * n + j] + av[j * n + i]) * vv[j];
            }
            exact[i] += 3 * xv[i] * xv[i] * vv[i];
        }
        assertClose(exact, hv.toDoubleArray(), 1e-12, "Hv");
    }

    @Test
    void thirdDerivativeOfTanh() {
        // With t = tanh x: t' = 1 - t^2, t'' = -2t(1 - t^2), t''' = (1 - t^2)(6t^2 - 2) = -6t^4 +
        // 8t^2 - 2.
        Tensor x = Tensor.of(new double[] {-1.3, -0.2, 0.4, 2.0}, 4).requiringGrad();
        Tensor d1 = Grad.of(x.tanh().sum(), x, true);
        Tensor d2 = Grad.of(d1.sum(), x, true);
        Tensor d3 = Grad.of(d2.sum(), x, false);
        double[] xs = x.toDoubleArray(), exact = new double[4];
        for (int i = 0; i < 4; i++) {
            double t = Math.tanh(xs[i]);
            exact[i] = -6 * t * t * t * t + 8 * t * t - 2;
        }
        assertClose(exact, d3.toDoubleArray(), 1e-12, "third derivative");
    }

    /** x^3 with a hand-written backward rule in differentiable ops. */
    static final class Cube extends CustomFunction {
        int forwardCalls;

        Cube() {
            super("cube");
        }

        @Override
        protected Tensor forward(Tensor[] in) {
            forwardCalls++;
            assertFalse(Grad.isEnabled(), "forward runs without recording");
            return in[0].mul(in[0]).mul(in[0]);
        }

        @Override
        protected Tensor[] backward(Tensor g, Tensor out, Tensor[] in, boolean[] needs) {
            return new Tensor[] {g.mul(in[0].square()).mul(3.0)};
        }
    }

    @Test
    void customFunctionGradientsToSecondOrder() {
        Tensor x = Tensor.randn(Rng.seeded(4), DType.FLOAT64, 3, 2);
        Cube cube = new Cube();
        Function<Tensor[], Tensor> f = xs -> cube.apply(xs[0]).sin();
        GradCheck.assertGradient(f, x);
        GradCheck.assertSecondOrder(f, x);
        Tensor y = cube.apply(x.requiringGrad());
        assertEquals("cube", y.op());
    }

    @Test
    void customFunctionWithWrongGradientShapeIsReported() {
        CustomFunction bad =
                new CustomFunction("bad") {
                    @Override
                    protected Tensor forward(Tensor[] in) {
                        return in[0].sum();
                    }

                    @Override
                    protected Tensor[] backward(
                            Tensor g, Tensor out, Tensor[] in, boolean[] needs) {
                        return new Tensor[] {g};
                    }
                };
        Tensor x = Tensor.ones(DType.FLOAT64, 3).requiringGrad();
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> bad.apply(x).backward());
        assertTrue(
                e.getMessage().contains("bad") && e.getMessage().contains("[3]"), e.getMessage());
    }

    @Test
    void gradientCheckDetectsAWrongRule() {
        CustomFunction wrong =
                new CustomFunction("wrong") {
                    @Override
                    protected Tensor forward(Tensor[] in) {
                        return in[0].square();
                    }

                    @Override
                    protected Tensor[] backward(
                            Tensor g, Tensor out, Tensor[] in, boolean[] needs) {
                        return new Tensor[] {g.mul(in[0]).mul(2.001)};
                    }
                };
        Tensor x = Tensor.randn(Rng.seeded(5), DType.FLOAT64, 4);
        assertThrows(
                GradCheck.Mismatch.class,
                () -> GradCheck.assertGradient(xs -> wrong.apply(xs[0]), x));
    }

    @Test
    void noGradScopeRecordsNothingAndBackwardAccumulates() {
        Tensor w = Tensor.of(new double[] {1, 2, 3}, 3).requiringGrad();
        try (Grad.Scope s = Grad.noGrad()) {
            Tensor y = w.mul(w).sum();
            assertFalse(y.requiresGrad());
            assertTrue(y.isLeaf());
        }
        assertTrue(Grad.isEnabled());
        w.mul(w).sum().backward();
        w.mul(w).sum().backward();
        assertClose(new double[] {4, 8, 12}, w.grad().toDoubleArray(), 0, "accumulated twice");
        assertFalse(w.grad().requiresGrad());
        w.zeroGrad();
        assertNull(w.grad());
        Tensor unused = Tensor.ones(DType.FLOAT64, 2).requiringGrad();
        assertClose(
                new double[] {0, 0},
                Grad.of(
                        new Tensor[] {w.sum()},
                        new Tensor[] {unused},
                        null,
                        Grad.Options.defaults().withAllowUnused(true))[0]
                        .toDoubleArray(),
                0,
                "unreachable input, allowed");
        assertThrows(IllegalArgumentException.class, () -> Grad.of(w.mul(2.0), w, false));
    }

    @Test
    void gradWithRespectToAnIntermediate() {
        Tensor x = Tensor.of(new double[] {0.5, -1.0}, 2).requiringGrad();
        Tensor h = x.exp();
        Tensor y = h.square().sum();
        Tensor[] g = Grad.of(y, new Tensor[] {h, x}, false);
        double[] hv = h.toDoubleArray();
        assertClose(new double[] {2 * hv[0], 2 * hv[1]}, g[0].toDoubleArray(), 1e-15, "dy/dh");
        assertClose(
                new double[] {2 * hv[0] * hv[0], 2 * hv[1] * hv[1]},
                g[1].toDoubleArray(),
                1e-14,
                "dy/dx");
    }
}
