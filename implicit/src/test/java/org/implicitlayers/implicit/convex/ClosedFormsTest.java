package org.implicitlayers.implicit.convex;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.QRDecomposition;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.layers.Projections;
import org.junit.jupiter.api.Test;

/**
 * Problems with closed-form solutions, solved through the modelling layer, the cone compiler and
 * the interior-point method.
 */
class ClosedFormsTest {
    static Tensor randn(long seed, int... shape) {
        return Tensor.randn(Rng.seeded(seed), DType.FLOAT64, shape);
    }

    static ConvexLayer projection(int n, java.util.function.Function<Variable, Constraint[]> set) {
        Variable x = new Variable("x", n);
        Parameter y = new Parameter("y", n);
        return ConvexLayer.of(Problem.minimize(Expr.sumSquares(x.minus(y)), set.apply(x)));
    }

    /**
     * Sparsemax (Martins and Astudillo 2016) is the Euclidean projection onto the probability
     * simplex.
     */
    @Property(tries = 25)
    void sparsemaxIsTheSimplexProjection(
            @ForAll @IntRange(min = 1, max = 12) int n,
            @ForAll @IntRange(min = 0, max = 1000) int seed) {
        Variable p = new Variable("p", n);
        Parameter z = new Parameter("z", n);
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.minimize(Expr.sumSquares(p.minus(z)), p.ge(0), p.sum().eq(1)));
        Tensor y = randn(seed, 4, n).mul(1 + seed % 5);
        assertArrayEquals(
                Projections.simplex(y).toDoubleArray(),
                layer.solve(y).value(p).toDoubleArray(),
                1e-7);
    }

    @Property(tries = 25)
    void l2BallProjectionThroughASecondOrderCone(
            @ForAll @IntRange(min = 1, max = 10) int n,
            @ForAll @IntRange(min = 0, max = 1000) int seed) {
        ConvexLayer layer = projection(n, x -> new Constraint[] {Expr.norm2(x).le(1.5)});
        Tensor y = randn(seed, 3, n).mul(seed % 3);
        assertArrayEquals(
                Projections.ball(y, 1.5).toDoubleArray(),
                layer.solve(y).value(layer.problem().variables().get(0)).toDoubleArray(),
                1e-7);
    }

    @Test
    void explicitConeConstraintIsTheSameBall() {
        int n = 4;
        Variable x = new Variable("x", n);
        Variable t = new Variable("t");
        Parameter y = new Parameter("y", n);
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.minimize(Expr.norm2(x.minus(y)), Constraint.soc(t, x), t.le(2)));
        Tensor yv = randn(3, 5, n).mul(2);
        assertArrayEquals(
                Projections.ball(yv, 2).toDoubleArray(),
                layer.solve(yv).value(x).toDoubleArray(),
                1e-7);
    }

    @Test
    void boxProjectionIsAClamp() {
        ConvexLayer layer =
                projection(
                        6,
                        x ->
                                new Constraint[] {
                                    x.ge(-0.5), x.le(Expr.constant(0.2, 0.4, 0.6, 0.8, 1.0, 1.2))
                                });
        Tensor y = randn(4, 8, 6).mul(2);
        double[] got = layer.solve(y).value(layer.problem().variables().get(0)).toDoubleArray(),
                in = y.toDoubleArray();
        double[] hi = {0.2, 0.4, 0.6, 0.8, 1.0, 1.2};
        for (int i = 0; i < in.length; i++) {
            assertEquals(Math.max(-0.5, Math.min(hi[i % 6], in[i])), got[i], 1e-7, "entry " + i);
        }
    }

    @Test
    void leastSquaresWithAParameterMatrixMatchesQr() {
        int m = 9, n = 4;
        Variable x = new Variable("x", n);
        Parameter a = new Parameter("A", m, n);
        Parameter b = new Parameter("b", m);
        ConvexLayer layer =
                ConvexLayer.of(Problem.minimize(Expr.sumSquares(Expr.matmul(a, x).minus(b))));
        for (int seed = 0; seed < 5; seed++) {
            Tensor av = randn(10 + seed, m, n), bv = randn(20 + seed, m);
            double[] expected =
                    new QRDecomposition(new Array2DRowRealMatrix(av.toDoubleArray2d()))
                            .getSolver()
                            .solve(new ArrayRealVector(bv.toDoubleArray()))
                            .toArray();
            assertArrayEquals(expected, layer.solve(av, bv).value(x).toDoubleArray(), 1e-7);
        }
    }

    @Test
    void norm1ProximalOperatorIsSoftThresholding() {
        int n = 7;
        Variable x = new Variable("x", n);
        Parameter y = new Parameter("y", n);
        Parameter lam = Parameter.nonneg("lambda");
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.minimize(
                                Expr.sumSquares(x.minus(y))
                                        .times(0.5)
                                        .plus(Expr.norm1(x).times(lam))));
        Tensor yv = randn(5, 3, n).mul(2), lv = Tensor.scalar(DType.FLOAT64, 0.7);
        double[] got = layer.solve(yv, lv).value(x).toDoubleArray(), in = yv.toDoubleArray();
        for (int i = 0; i < in.length; i++) {
            assertEquals(Math.signum(in[i]) * Math.max(Math.abs(in[i]) - 0.7, 0), got[i], 1e-7);
        }
    }

    @Test
    void posPenaltyProximalOperator() {
        int n = 9;
        Variable x = new Variable("x", n);
        Parameter y = new Parameter("y", n);
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.minimize(
                                Expr.sumSquares(x.minus(y))
                                        .times(0.5)
                                        .plus(Expr.pos(x).sum().times(0.5))));
        Tensor yv = randn(6, 4, n);
        double[] got = layer.solve(yv).value(x).toDoubleArray(), in = yv.toDoubleArray();
        for (int i = 0; i < in.length; i++) {
            double e = in[i] > 0.5 ? in[i] - 0.5 : in[i] >= 0 ? 0 : in[i];
            assertEquals(e, got[i], 1e-7);
        }
    }

    /**
     * prox of lambda ||.||_inf is y minus the projection of y onto the l1 ball of radius lambda
     * (Moreau).
     */
    @Test
    void normInfProximalOperatorByMoreauDecomposition() {
        int n = 6;
        double lam = 0.8;
        Variable x = new Variable("x", n);
        Parameter y = new Parameter("y", n);
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.minimize(
                                Expr.sumSquares(x.minus(y))
                                        .times(0.5)
                                        .plus(Expr.normInf(x).times(lam))));
        Tensor yv = randn(7, 5, n);
        double[] got = layer.solve(yv).value(x).toDoubleArray(), in = yv.toDoubleArray();
        for (int s = 0; s < 5; s++) {
            double[] ys = Arrays.copyOfRange(in, s * n, (s + 1) * n);
            double l1 = Arrays.stream(ys).map(Math::abs).sum();
            double[] proj = ys.clone();
            if (l1 > lam) {
                double[] abs = Arrays.stream(ys).map(v -> Math.abs(v) / lam).toArray();
                double[] onSimplex = Projections.simplex(Tensor.of(abs, 1, n)).toDoubleArray();
                for (int i = 0; i < n; i++) {
                    proj[i] = Math.signum(ys[i]) * lam * onSimplex[i];
                }
            }
            for (int i = 0; i < n; i++) {
                assertEquals(ys[i] - proj[i], got[s * n + i], 1e-7, "sample " + s + " entry " + i);
            }
        }
    }

    /** argmin_t sum_i |t - y_i| is the median for an odd count. */
    @Test
    void sumOfAbsoluteDeviationsIsMinimisedByTheMedian() {
        int n = 7;
        Variable t = new Variable("t");
        Parameter y = new Parameter("y", n);
        ConvexLayer layer = ConvexLayer.of(Problem.minimize(Expr.abs(t.minus(y)).sum()));
        Tensor yv = randn(8, 4, n);
        double[] got = layer.solve(yv).value(t).toDoubleArray(), in = yv.toDoubleArray();
        for (int s = 0; s < 4; s++) {
            double[] ys = Arrays.copyOfRange(in, s * n, (s + 1) * n);
            Arrays.sort(ys);
            assertEquals(ys[n / 2], got[s], 1e-7);
        }
    }

    @Test
    void quadFormMinimiserSolvesTheLinearSystem() {
        double[][] p = {{4, 1, 0}, {1, 3, 0.5}, {0, 0.5, 2}};
        Variable x = new Variable("x", 3);
        Parameter q = new Parameter("q", 3);
        ConvexLayer layer =
                ConvexLayer.of(Problem.minimize(Expr.quadForm(x, p).plus(x.times(q).sum())));
        Tensor qv = randn(9, 3);
        double[] expected =
                new QRDecomposition(new Array2DRowRealMatrix(p))
                        .getSolver()
                        .solve(new ArrayRealVector(qv.toDoubleArray()).mapMultiply(-0.5))
                        .toArray();
        ConvexLayer.Result r = layer.solve(qv);
        assertArrayEquals(expected, r.value(x).toDoubleArray(), 1e-7);
        assertEquals(1, r.value(x).rank(), "an unbatched call gives unbatched values");
    }

    @Test
    void maximiseTheSmallestShareAndTheLargestOne() {
        int n = 5;
        Variable x = new Variable("x", n);
        ConvexLayer maxMin = ConvexLayer.of(Problem.maximize(Expr.min(x), x.sum().eq(1)));
        assertEquals(0.2, maxMin.solve().objective()[0], 1e-8);
        assertArrayEquals(
                new double[] {0.2, 0.2, 0.2, 0.2, 0.2},
                maxMin.solve().value(x).toDoubleArray(),
                1e-7);
        ConvexLayer minMax = ConvexLayer.of(Problem.minimize(Expr.max(x), x.sum().eq(1), x.ge(0)));
        assertEquals(0.2, minMax.solve().objective()[0], 1e-8);
    }

    /**
     * min x s.t. x >= 1: the multiplier of the active inequality is 1 (nonnegative, as in CVXPY);
     * of x == 2 with objective x it is -1.
     */
    @Test
    void dualValuesFollowTheLagrangianSignConvention() {
        Variable x = new Variable("x");
        Constraint c = x.ge(1);
        ConvexLayer.Result r = ConvexLayer.of(Problem.minimize(x, c)).solve();
        assertEquals(1, r.value(x).item(), 1e-8);
        assertEquals(1, r.dual(c)[0][0], 1e-7);
        Constraint e = x.eq(2);
        ConvexLayer.Result r2 = ConvexLayer.of(Problem.minimize(x.times(3), e)).solve();
        assertEquals(2, r2.value(x).item(), 1e-8);
        assertEquals(6, r2.objective()[0], 1e-8);
        assertEquals(-3, r2.dual(e)[0][0], 1e-7);
    }

    /**
     * A small LP with a unique vertex solution found by hand: max x + y s.t. x + 2y <= 4, 3x + y <=
     * 6, x, y >= 0 -> (1.6, 1.2).
     */
    @Test
    void linearProgramReachesItsVertex() {
        Variable v = new Variable("v", 2);
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.maximize(
                                v.sum(),
                                Expr.matmul(new double[][] {{1, 2}, {3, 1}}, v)
                                        .le(Expr.constant(4, 6)),
                                v.ge(0)));
        ConvexLayer.Result r = layer.solve();
        assertArrayEquals(new double[] {1.6, 1.2}, r.value(v).toDoubleArray(), 1e-8);
        assertEquals(2.8, r.objective()[0], 1e-8);
    }
}
