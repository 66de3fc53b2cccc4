package org.implicitlayers.implicit.convex;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Every misuse gets a message that names what is wrong; infeasible and unbounded samples are
 * reported, never returned as numbers.
 */
class ErrorsTest {
    final Variable x = new Variable("x", 3);
    final Variable t = new Variable("t");

    static void assertMessage(Throwable e, String... parts) {
        for (String p : parts) {
            assertTrue(
                    e.getMessage().contains(p),
                    "message '" + e.getMessage() + "' should contain '" + p + "'");
        }
    }

    @Test
    void nonConvexObjectiveNamesTheOffendingTerm() {
        DcpException e =
                assertThrows(
                        DcpException.class,
                        () -> Problem.minimize(Expr.norm2(x).minus(Expr.norm1(x))));
        assertMessage(e, "not DCP", "norm2(x) - norm1(x)", "convex", "concave");
        e = assertThrows(DcpException.class, () -> Problem.maximize(Expr.norm2(x)));
        assertMessage(e, "maximise needs a concave objective", "norm2(x) is convex");
        e =
                assertThrows(
                        DcpException.class,
                        () -> Problem.minimize(Expr.sumSquares(Expr.abs(x).minus(1))));
        assertMessage(e, "sumSquares(abs(x) - 1)", "argument abs(x) - 1", "convex");
    }

    @Test
    void nonConvexConstraintsNameTheConstraintAndSide() {
        DcpException e =
                assertThrows(DcpException.class, () -> Problem.minimize(t, Expr.norm2(x).ge(1)));
        assertMessage(e, "constraint 0", "concave right side", "norm2(x) is convex");
        e = assertThrows(DcpException.class, () -> Problem.minimize(t, Expr.norm1(x).eq(t)));
        assertMessage(e, "equality", "norm1(x) is convex");
        e =
                assertThrows(
                        DcpException.class,
                        () -> Problem.minimize(t, Constraint.soc(t, Expr.abs(x))));
        assertMessage(e, "second-order cone", "abs(x) is convex");
    }

    @Test
    void parameterProductsMustKeepTheProblemAffineInTheParameters() {
        Parameter p = new Parameter("p", 3),
                q = new Parameter("q", 3),
                lam = new Parameter("lambda");
        DcpException e =
                assertThrows(
                        DcpException.class,
                        () -> Problem.minimize(Expr.sumSquares(x.minus(p).times(q))));
        assertMessage(e, "two parameter-dependent factors", "q");
        e = assertThrows(DcpException.class, () -> Problem.minimize(Expr.norm1(x).times(lam)));
        assertMessage(e, "lambda of unknown sign", "Parameter.nonneg");
    }

    @Test
    void quadFormRefusesAMatrixThatIsNotPositiveSemidefinite() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Expr.quadForm(x, new double[][] {{1, 0, 0}, {0, -2, 0}, {0, 0, 1}}));
        assertMessage(e, "positive semidefinite", "-2");
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Expr.quadForm(x, new double[][] {{1, 2, 0}, {0, 1, 0}, {0, 0, 1}}));
        assertMessage(e, "not symmetric");
    }

    @Test
    void sizeMismatchesAreRefusedWhenTheExpressionIsBuilt() {
        Variable y = new Variable("y", 2);
        assertMessage(
                assertThrows(IllegalArgumentException.class, () -> x.plus(y)),
                "plus",
                "sizes 3",
                "2 (y)");
        assertMessage(
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Expr.matmul(new double[][] {{1, 2}}, x)),
                "matmul",
                "[1 x 2]",
                "size 3");
        assertMessage(
                assertThrows(IllegalArgumentException.class, () -> x.get(3)), "index 3", "size 3");
        assertMessage(
                assertThrows(IllegalArgumentException.class, () -> Problem.minimize(x)),
                "objective must be a scalar");
    }

    @Test
    void parameterValuesOfTheWrongShapeOrSignAreRefusedByName() {
        Parameter y = new Parameter("y", 3);
        Parameter lam = Parameter.nonneg("lambda");
        ConvexLayer layer =
                ConvexLayer.of(
                        Problem.minimize(
                                Expr.sumSquares(x.minus(y)).plus(Expr.norm1(x).times(lam))));
        Tensor l = Tensor.scalar(DType.FLOAT64, 0.1);
        assertMessage(
                assertThrows(
                        IllegalArgumentException.class,
                        () -> layer.solve(Tensor.zeros(DType.FLOAT64, 2, 4), l)),
                "parameter y",
                "[3]",
                "[2, 4]");
        assertMessage(
                assertThrows(
                        IllegalArgumentException.class,
                        () -> layer.solve(Tensor.zeros(DType.FLOAT64, 3))),
                "2 parameter values");
        assertMessage(
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                layer.solve(
                                        Tensor.zeros(DType.FLOAT64, 3),
                                        Tensor.scalar(DType.FLOAT64, -1))),
                "lambda",
                "nonnegative",
                "-1");
        Parameter z = new Parameter("z", 3);
        ConvexLayer two =
                ConvexLayer.of(
                        Problem.minimize(Expr.sumSquares(x.minus(y)).plus(x.times(z).sum())));
        assertMessage(
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                two.solve(
                                        Tensor.zeros(DType.FLOAT64, 2, 3),
                                        Tensor.zeros(DType.FLOAT64, 4, 3))),
                "parameter z",
                "batch size 4",
                "2");
        assertMessage(
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                ConvexLayer.of(
                                        two.problem(),
                                        List.of(y),
                                        List.of(x),
                                        ConvexLayer.Options.defaults())),
                "parameter z");
    }

    @Test
    void infeasibleAndUnboundedProblemsAreReported() {
        ConvexLayer infeasible = ConvexLayer.of(Problem.minimize(x.sum(), x.ge(1), x.get(0).le(0)));
        assertMessage(
                assertThrows(ConvexLayer.SolveFailedException.class, infeasible::solve),
                "infeasible");
        ConvexLayer socInfeasible =
                ConvexLayer.of(Problem.minimize(x.sum(), Expr.norm2(x).le(1), x.ge(2)));
        assertEquals(
                ConeSolver.Status.INFEASIBLE,
                assertThrows(ConvexLayer.SolveFailedException.class, socInfeasible::solve)
                        .statuses()
                        .get(0));
        ConvexLayer unbounded = ConvexLayer.of(Problem.minimize(x.sum(), x.le(1)));
        ConvexLayer.SolveFailedException e =
                assertThrows(ConvexLayer.SolveFailedException.class, unbounded::solve);
        assertMessage(e, "unbounded");
        assertEquals(ConeSolver.Status.UNBOUNDED, e.statuses().get(0));
    }

    @Test
    void oneBadSampleOfABatchIsNamedOrMarked() {
        Parameter b = new Parameter("b");
        Problem prob = Problem.minimize(Expr.sumSquares(t.minus(1)), t.le(b), t.ge(0));
        Tensor bs = Tensor.of(new double[] {2, -1, 0.5}, 3);
        ConvexLayer raise = ConvexLayer.of(prob);
        assertMessage(
                assertThrows(ConvexLayer.SolveFailedException.class, () -> raise.solve(bs)),
                "sample 1: infeasible");
        ConvexLayer.Result r =
                raise.withOptions(
                                ConvexLayer.Options.defaults()
                                        .withOnFailure(ConvexLayer.OnFailure.NAN))
                        .solve(bs);
        assertEquals(
                List.of(
                        ConeSolver.Status.OPTIMAL,
                        ConeSolver.Status.INFEASIBLE,
                        ConeSolver.Status.OPTIMAL),
                r.status());
        double[] v = r.value(t).toDoubleArray();
        assertEquals(1, v[0], 1e-8);
        assertTrue(Double.isNaN(v[1]));
        assertEquals(0.5, v[2], 1e-8);
    }
}
