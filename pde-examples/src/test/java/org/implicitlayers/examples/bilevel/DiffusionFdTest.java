package org.implicitlayers.examples.bilevel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The finite-difference forward solver against a closed-form solution. */
class DiffusionFdTest {
    // u = sin(pi x) sin(2 pi y) x, a = exp(0.3 cos(pi x) - 0.2 sin(pi y)); f = -div(a grad u) by
    // hand.
    private static double u(double x, double y) {
        return x * Math.sin(Math.PI * x) * Math.sin(2 * Math.PI * y);
    }

    private static double a(double x, double y) {
        return Math.exp(0.3 * Math.cos(Math.PI * x) - 0.2 * Math.sin(Math.PI * y));
    }

    private static double f(double x, double y) {
        double p = Math.PI;
        double sx = Math.sin(p * x),
                cx = Math.cos(p * x),
                s2 = Math.sin(2 * p * y),
                c2 = Math.cos(2 * p * y);
        double ux = (sx + x * p * cx) * s2;
        double uxx = (2 * p * cx - x * p * p * sx) * s2;
        double uy = x * sx * 2 * p * c2;
        double uyy = -x * sx * 4 * p * p * s2;
        double av = a(x, y);
        double ax = av * (-0.3 * p * Math.sin(p * x));
        double ay = av * (-0.2 * p * Math.cos(p * y));
        return -(ax * ux + ay * uy + av * (uxx + uyy));
    }

    private static double maxError(int n) {
        DiffusionFd.Solution s = DiffusionFd.solve(n, DiffusionFdTest::a, DiffusionFdTest::f);
        double e = 0;
        for (int i = 0; i <= n; i++) {
            for (int j = 0; j <= n; j++) {
                e = Math.max(e, Math.abs(s.u()[i][j] - u((double) i / n, (double) j / n)));
            }
        }
        return e;
    }

    @Test
    void convergesAtSecondOrderToTheClosedFormSolution() {
        double e16 = maxError(16), e32 = maxError(32), e64 = maxError(64);
        double r1 = e16 / e32, r2 = e32 / e64;
        assertTrue(
                r1 > 3.5 && r1 < 4.5 && r2 > 3.7 && r2 < 4.3,
                "error ratios "
                        + r1
                        + ", "
                        + r2
                        + " (errors "
                        + e16
                        + ", "
                        + e32
                        + ", "
                        + e64
                        + ")");
        assertTrue(e64 < 2e-3, "max error on the 64 grid " + e64);
    }

    @Test
    void interpolationIsExactAtNodesAndSecondOrderBetween() {
        DiffusionFd.Solution s = DiffusionFd.solve(64, DiffusionFdTest::a, DiffusionFdTest::f);
        assertEquals(s.u()[10][20], s.at(10 / 64.0, 20 / 64.0), 1e-15);
        double e = 0;
        for (double x = 0.013; x < 1; x += 0.097) {
            for (double y = 0.007; y < 1; y += 0.083) {
                e = Math.max(e, Math.abs(s.at(x, y) - u(x, y)));
            }
        }
        assertTrue(e < 5e-3, "interpolated max error " + e);
        assertThrows(IllegalArgumentException.class, () -> s.at(1.2, 0.5));
    }

    @Test
    void refusesANonPositiveCoefficient() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> DiffusionFd.solve(8, (x, y) -> x - 0.5, (x, y) -> 1));
        assertTrue(e.getMessage().contains("positive"), e.getMessage());
    }
}
