package org.implicitlayers.ritz.problem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.Test;

/** Formulas evaluate on all points at once, differentiate, and report typos with their position. */
class ExpressionTest {
    @Test
    void formulasEvaluateOnAllPointsAndDifferentiate() {
        Tensor x = Tensor.of(new double[] {0.3, -0.4, -1.2, 0.5, 0.1, 2.0}, 3, 2).requiringGrad();
        Expression e =
                Expression.parse(
                        "2*pi^2*sin(pi*x)*sin(pi*y) + r^3 - atan2(y, x) + max(x, y) - e^x", 2);
        Tensor v = e.evaluate(x);
        Tensor g = Grad.of(v.sum(), x, false);
        double[] p = x.toDoubleArray();
        for (int k = 0; k < 3; k++) {
            double a = p[2 * k], b = p[2 * k + 1], r = Math.hypot(a, b);
            double expected =
                    2 * Math.PI * Math.PI * Math.sin(Math.PI * a) * Math.sin(Math.PI * b)
                            + r * r * r
                            - Math.atan2(b, a)
                            + Math.max(a, b)
                            - Math.exp(a);
            assertEquals(expected, v.get(k), 1e-12);
            double dx =
                    2 * Math.pow(Math.PI, 3) * Math.cos(Math.PI * a) * Math.sin(Math.PI * b)
                            + 3 * r * a
                            + b / (r * r)
                            + (a > b ? 1 : 0)
                            - Math.exp(a);
            double dy =
                    2 * Math.pow(Math.PI, 3) * Math.sin(Math.PI * a) * Math.cos(Math.PI * b)
                            + 3 * r * b
                            - a / (r * r)
                            + (b > a ? 1 : 0);
            assertEquals(dx, g.get(2 * k), 1e-10, "d/dx at " + k);
            assertEquals(dy, g.get(2 * k + 1), 1e-10, "d/dy at " + k);
        }
        assertEquals(
                3.0,
                Expression.parse("x1 + x10", 10)
                        .evaluate(Tensor.ones(DType.FLOAT64, 1, 10).mul(1.5))
                        .item(),
                0);
    }

    @Test
    void aTypoIsReportedWithItsPositionAndTheExpectedNames() {
        IllegalArgumentException unknown =
                assertThrows(
                        IllegalArgumentException.class, () -> Expression.parse("sin(pi*q)", 2));
        assertTrue(
                unknown.getMessage().contains("'q'")
                        && unknown.getMessage().contains("[e, pi, r, theta, x, x1, x2, y]"),
                unknown.getMessage());
        IllegalArgumentException bad =
                assertThrows(IllegalArgumentException.class, () -> Expression.parse("sin(pi*x", 2));
        assertTrue(
                bad.getMessage()
                        .contains("at position 8 expected ')' to close the '(' at position 3"),
                bad.getMessage());
        IllegalArgumentException extra =
                assertThrows(
                        IllegalArgumentException.class, () -> Expression.parse("sin(pi*x))", 2));
        assertTrue(
                extra.getMessage().contains("at position 9 expected an opening '('"),
                extra.getMessage());
        IllegalArgumentException op =
                assertThrows(IllegalArgumentException.class, () -> Expression.parse("x + * y", 2));
        assertTrue(
                op.getMessage().contains("at position 4 expected an operand after '+'"),
                op.getMessage());
        IllegalArgumentException juxtaposed =
                assertThrows(IllegalArgumentException.class, () -> Expression.parse("x y", 2));
        assertTrue(
                juxtaposed.getMessage().contains("at position 2 expected an operator"),
                juxtaposed.getMessage());
    }
}
