package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.implicitlayers.ritz.domain.Ball;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.junit.jupiter.api.Test;

/**
 * The 3-D outputs: the exact solution where they say, NaN outside the domain, and the error as u -
 * exact.
 */
class SolutionSamplesTest {
    static RitzSolver ballSolver() {
        PoissonProblem p =
                new PoissonProblem(
                        "ball",
                        new Ball(new double[] {0.5, 0, 0}, 1),
                        null,
                        null,
                        ScalarField.constant(6),
                        List.of(BoundaryCondition.dirichlet(ScalarField.constant(0))),
                        ScalarField.formula("1 - (x - 0.5)^2 - y^2 - z^2", 3));
        return new RitzSolver(
                p,
                RitzOptions.defaults()
                        .withNetwork(
                                new RitzOptions.Network(
                                        RitzOptions.NetworkType.MLP, 4, 1, "tanh")));
    }

    @Test
    void volumeIsMaskedOutsideAndHoldsTheExactSolution() {
        RitzSolver s = ballSolver();
        SolutionSamples.Volume v = SolutionSamples.volume(s, 9);
        int inside = 0;
        for (int i = 0; i < 9; i++) {
            for (int j = 0; j < 9; j++) {
                for (int k = 0; k < 9; k++) {
                    double x = v.xs()[i] - 0.5,
                            y = v.ys()[j],
                            z = v.zs()[k],
                            r2 = x * x + y * y + z * z;
                    if (r2 < 1 - 1e-9) {
                        inside++;
                        assertEquals(1 - r2, v.exact()[i][j][k], 1e-12);
                        assertEquals(
                                v.u()[i][j][k] - v.exact()[i][j][k], v.error()[i][j][k], 1e-15);
                    } else if (r2 > 1 + 1e-9) {
                        assertTrue(
                                Double.isNaN(v.u()[i][j][k]) && Double.isNaN(v.error()[i][j][k]));
                    }
                }
            }
        }
        assertTrue(inside > 200, "points inside: " + inside);
    }

    @Test
    void slicesPassThroughTheCentreAndPointsLieInside() {
        RitzSolver s = ballSolver();
        SolutionGrid g = SolutionSamples.slice(s, 11, 0, 2); // the xz plane, y = 0
        assertEquals(1.0, g.exact()[5][5], 1e-12);
        double x = g.xs()[3] - 0.5, z = g.ys()[7];
        assertEquals(1 - x * x - z * z, g.exact()[3][7], 1e-12);
        SolutionSamples.Points p = SolutionSamples.atPoints(s, 100);
        for (int i = 0; i < 100; i++) {
            double[] q = p.points()[i];
            double r2 = (q[0] - 0.5) * (q[0] - 0.5) + q[1] * q[1] + q[2] * q[2];
            assertTrue(r2 <= 1);
            assertEquals(1 - r2, p.exact()[i], 1e-12);
            assertEquals(p.u()[i] - p.exact()[i], p.error()[i], 1e-15);
        }
    }
}
