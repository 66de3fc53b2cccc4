package org.implicitlayers.implicit.convex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.layers.Projections;
import org.junit.jupiter.api.Test;

/**
 * Gradients of the layer against float64 central finite differences and against closed-form
 * Jacobians.
 */
class GradientsTest {
    static final GradCheck.Options FD = GradCheck.Options.defaults().withTolerances(1e-6, 1e-5);

    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(Rng.seeded(seed), DType.FLOAT64, shape);
    }

    @Test
    void sparsemaxGradientEqualsTheClosedFormJacobianAndFiniteDifferences() {
        int n = 6;
        Variable p = new Variable("p", n);
        Parameter z = new Parameter("z", n);
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.minimize(Expr.sumSquares(p.minus(z)), p.ge(0), p.sum().eq(1)));
        Tensor y = randn(1, 3, n).mul(2).requiringGrad();
        Tensor w = randn(2, 3, n);
        Tensor g = Grad.of(layer.solve(y).value(p).mul(w).sum(), y, false);
        Tensor gClosed = Grad.of(Projections.simplex(y).mul(w).sum(), y, false);
        assertArrayEquals(gClosed.toDoubleArray(), g.toDoubleArray(), 1e-7);
        GradCheck.check(in -> layer.solve(in[0]).value(p), FD, y.detach());
    }

    @Test
    void ballProjectionGradientInsideAndOutsideTheBall() {
        int n = 4;
        Variable x = new Variable("x", n);
        Parameter y = new Parameter("y", n);
        ConvexLayer layer =
                ConvexLayer.of(Problem.minimize(Expr.sumSquares(x.minus(y)), Expr.norm2(x).le(1)));
        // Sample 0 strictly inside the ball, sample 1 well outside.
        Tensor yv = Tensor.of(new double[][] {{0.1, -0.2, 0.3, 0.2}, {1.5, -0.7, 0.4, 2.0}});
        Tensor w = randn(3, 2, n);
        Tensor yr = yv.requiringGrad();
        Tensor g = Grad.of(layer.solve(yr).value(x).mul(w).sum(), yr, false);
        Tensor gClosed = Grad.of(Projections.ball(yr, 1).mul(w).sum(), yr, false);
        assertArrayEquals(gClosed.toDoubleArray(), g.toDoubleArray(), 1e-7);
        GradCheck.check(in -> layer.solve(in[0]).value(x), FD, yv);
    }

    /** A QP with every datum a parameter: 1/2 ||L x||^2 + q'x s.t. G x <= h, A x == b. */
    static ConvexLayer qp(int n, int m, int pe, Variable x) {
        Parameter l = new Parameter("L", n, n),
                q = new Parameter("q", n),
                g = new Parameter("G", m, n),
                h = new Parameter("h", m);
        Parameter a = new Parameter("A", pe, n), b = new Parameter("b", pe);
        Problem prob =
                Problem.minimize(
                        Expr.sumSquares(Expr.matmul(l, x)).times(0.5).plus(x.times(q).sum()),
                        Expr.matmul(g, x).le(h),
                        Expr.matmul(a, x).eq(b));
        return ConvexLayer.of(
                prob, List.of(l, q, g, h, a, b), List.of(x), ConvexLayer.Options.defaults());
    }

    @Test
    void qpGradientsWithRespectToEveryParameterMatchFiniteDifferences() {
        int n = 3, m = 4, pe = 1;
        Variable x = new Variable("x", n);
        ConvexLayer layer = qp(n, m, pe, x);
        Tensor l = randn(11, n, n).add(Tensor.eye(DType.FLOAT64, n).mul(2));
        Tensor q = randn(12, n), g = randn(13, m, n), a = randn(15, pe, n), b = randn(16, pe);
        // h: two constraints active at the solution, two slack (strict complementarity holds
        // generically).
        Tensor h = Tensor.of(new double[] {-0.3, 0.2, 5, 5}, m);
        ConvexLayer.Result r = layer.solve(l, q, g, h, a, b);
        double[] lam = r.dual(layer.problem().constraints().get(0))[0];
        assertTrue(
                lam[0] > 1e-4 || lam[1] > 1e-4,
                "some inequality is active: " + java.util.Arrays.toString(lam));
        GradCheck.check(in -> layer.solve(in).value(x), FD, l, q, g, h, a, b);
    }

    @Test
    void leastSquaresGradientWithRespectToTheMatrix() {
        int m = 6, n = 3;
        Variable x = new Variable("x", n);
        Parameter a = new Parameter("A", m, n), b = new Parameter("b", m);
        ConvexLayer layer =
                ConvexLayer.of(Problem.minimize(Expr.sumSquares(Expr.matmul(a, x).minus(b))));
        GradCheck.check(in -> layer.solve(in).value(x), FD, randn(21, 2, m, n), randn(22, 2, m));
    }

    @Test
    void softThresholdingGradientWithRespectToInputAndWeight() {
        int n = 5;
        Variable x = new Variable("x", n);
        Parameter y = new Parameter("y", n);
        Parameter lam = Parameter.nonneg("lambda");
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.minimize(
                                Expr.sumSquares(x.minus(y))
                                        .times(0.5)
                                        .plus(Expr.norm1(x).times(lam))));
        Tensor yv = Tensor.of(new double[] {1.2, -0.1, 0.35, -2.0, 0.05}, n),
                lv = Tensor.scalar(DType.FLOAT64, 0.3);
        GradCheck.check(in -> layer.solve(in).value(x), FD, yv, lv);
        // d x_i / d lambda = -sign(y_i) on the support, 0 off it.
        Tensor lr = lv.requiringGrad();
        double[] expected = {-1, 0, -1, 1, 0};
        for (int i = 0; i < n; i++) {
            Tensor gi = Grad.of(layer.solve(yv, lr).value(x).select(0, i), lr, false);
            assertEquals(expected[i], gi.item(), 1e-7, "d x_" + i + " / d lambda");
        }
    }

    /**
     * max 1'v s.t. M v <= b at a nondegenerate vertex: v = M^-1 b, so dv/db = M^-1 (an LP has a
     * well-defined derivative there).
     */
    @Test
    void linearProgramVertexMovesWithTheRightHandSide() {
        Variable v = new Variable("v", 2);
        Parameter b = new Parameter("b", 2);
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.maximize(
                                v.sum(),
                                Expr.matmul(new double[][] {{1, 2}, {3, 1}}, v).le(b),
                                v.ge(0)));
        Tensor bv = Tensor.of(new double[] {4, 6}, 2).requiringGrad();
        double[][] inv = {{-0.2, 0.4}, {0.6, -0.2}};
        for (int i = 0; i < 2; i++) {
            Tensor gi = Grad.of(layer.solve(bv).value(v).select(0, i), bv, false);
            assertArrayEquals(inv[i], gi.toDoubleArray(), 1e-7);
        }
        GradCheck.check(in -> layer.solve(in).value(v), FD, bv.detach());
    }

    /**
     * Projection onto [0, 1]: dx/dy is 1 inside, 0 outside. Away from the kink the gradient matches
     * finite differences on both sides of it; at the kink y = 1 the solution sits a tolerance to
     * one side and the gradient returned is one of the two one-sided derivatives.
     */
    @Test
    void activeSetChangeGivesTheOneSidedDerivativeAtTheKink() {
        Variable x = new Variable("x");
        Parameter y = new Parameter("y");
        ConvexLayer layer =
                ConvexLayer.of(Problem.minimize(Expr.sumSquares(x.minus(y)), x.ge(0), x.le(1)));
        double[][] cases = {{0.5, 1}, {0.999, 1}, {1.001, 0}, {1.7, 0}, {-0.3, 0}};
        for (double[] c : cases) {
            Tensor yv = Tensor.scalar(DType.FLOAT64, c[0]).requiringGrad();
            assertEquals(
                    c[1],
                    Grad.of(layer.solve(yv).value(x), yv, false).item(),
                    1e-7,
                    "at y = " + c[0]);
            GradCheck.check(
                    in -> layer.solve(in).value(x),
                    GradCheck.Options.defaults().withTolerances(1e-6, 1e-5),
                    yv.detach());
        }
        Tensor kink = Tensor.scalar(DType.FLOAT64, 1.0).requiringGrad();
        double g = Grad.of(layer.solve(kink).value(x), kink, false).item();
        assertTrue(
                Math.abs(g) < 1e-6 || Math.abs(g - 1) < 1e-6,
                "a one-sided derivative at the kink, got " + g);
    }

    /**
     * Sparsemax across a change of support: the gradient on either side is the closed-form Jacobian
     * of that side.
     */
    @Test
    void sparsemaxGradientAcrossASupportChange() {
        int n = 3;
        Variable p = new Variable("p", n);
        Parameter z = new Parameter("z", n);
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.minimize(Expr.sumSquares(p.minus(z)), p.ge(0), p.sum().eq(1)));
        // z = (1, 0.5, t): the third entry enters the support at t = 0.25 (threshold tau = 0.25
        // with support {0, 1}).
        for (double t : new double[] {0.2, 0.24, 0.26, 0.3}) {
            Tensor zv = Tensor.of(new double[] {1, 0.5, t}, n).requiringGrad();
            Tensor w = Tensor.of(new double[] {0.3, -1.1, 0.7}, n);
            Tensor g = Grad.of(layer.solve(zv).value(p).mul(w).sum(), zv, false);
            Tensor gClosed =
                    Grad.of(
                            Projections.simplex(zv.reshape(1, n)).reshape(n).mul(w).sum(),
                            zv,
                            false);
            assertArrayEquals(gClosed.toDoubleArray(), g.toDoubleArray(), 1e-7, "t = " + t);
        }
    }

    @Test
    void aParameterSharedByTheBatchGetsTheSumOfThePerSampleGradients() {
        int n = 3;
        Variable x = new Variable("x", n);
        Parameter y = new Parameter("y", n);
        Parameter c = new Parameter("c", n);
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.minimize(
                                Expr.sumSquares(x.minus(y)).plus(x.times(c).sum()), x.ge(0)));
        Tensor yv = randn(31, 4, n), cv = randn(32, n).requiringGrad();
        Tensor w = randn(33, 4, n);
        Tensor shared = Grad.of(layer.solve(yv, cv).value(x).mul(w).sum(), cv, false);
        Tensor perSample = cv.detach().unsqueeze(0).broadcastTo(4, n).mul(1.0);
        Tensor ps = perSample.requiringGrad();
        Tensor g = Grad.of(layer.solve(yv, ps).value(x).mul(w).sum(), ps, false);
        assertArrayEquals(g.sum(0).toDoubleArray(), shared.toDoubleArray(), 1e-10);
        GradCheck.check(in -> layer.solve(in).value(x), FD, yv, cv.detach());
    }
}
