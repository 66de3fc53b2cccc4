package org.implicitlayers.ode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.hipparchus.ode.ODEIntegrator;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince54Integrator;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import org.hipparchus.ode.nonstiff.EmbeddedRungeKuttaIntegrator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.ButcherTableau;
import org.implicitlayers.ode.solver.Tableaus;
import org.junit.jupiter.api.Test;

/**
 * The adaptive methods against Hipparchus' Dormand-Prince 8(5,3) at tight tolerance on non-stiff
 * problems with known behaviour.
 */
class HipparchusReferenceTest {
    record Problem(String name, double[] y0, double tEnd, UnaryOperator<double[]> rhs) {}

    private static Problem kepler(double e) {
        // Unit-mass two-body orbit from perihelion: q = (1 - e, 0), p = (0, sqrt((1 + e) / (1 -
        // e))); two periods.
        return new Problem(
                "kepler e=" + e,
                new double[] {1 - e, 0, 0, Math.sqrt((1 + e) / (1 - e))},
                4 * Math.PI,
                y -> {
                    double r3 = Math.pow(y[0] * y[0] + y[1] * y[1], 1.5);
                    return new double[] {y[2], y[3], -y[0] / r3, -y[1] / r3};
                });
    }

    static final Problem[] PROBLEMS = {
        new Problem(
                "lotka-volterra",
                new double[] {1, 1},
                15,
                y -> new double[] {1.5 * y[0] - y[0] * y[1], -3 * y[1] + y[0] * y[1]}),
        kepler(0.1),
        kepler(0.5),
        kepler(0.9),
        new Problem(
                "van der pol mu=1",
                new double[] {2, 0},
                10,
                y -> new double[] {y[1], (1 - y[0] * y[0]) * y[1] - y[0]}),
    };

    private static double[] hipparchus(Problem p, ODEIntegrator in, int[] evals) {
        OrdinaryDifferentialEquation ode =
                new OrdinaryDifferentialEquation() {
                    public int getDimension() {
                        return p.y0().length;
                    }

                    public double[] computeDerivatives(double t, double[] y) {
                        return p.rhs().apply(y);
                    }
                };
        ODEState end = in.integrate(ode, new ODEState(0, p.y0().clone()), p.tEnd());
        if (evals != null) {
            evals[0] = in.getEvaluations();
        }
        return end.getPrimaryState();
    }

    /** The problem's right-hand side on a tensor state [1, n], element by element. */
    private static Dynamics dynamics(Problem p) {
        return (t, y) -> Tensor.of(p.rhs().apply(y.toDoubleArray()), y.shape());
    }

    private static double relError(double[] a, double[] ref) {
        double s = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - ref[i]) * (a[i] - ref[i]);
            n += ref[i] * ref[i];
        }
        return Math.sqrt(s / Math.max(n, 1e-300));
    }

    @Test
    void endPointsAgreeWithHipparchusWithinTolerance() {
        double tol = 1e-9;
        for (Problem p : PROBLEMS) {
            double[] ref =
                    hipparchus(p, new DormandPrince853Integrator(1e-12, 100, 1e-14, 1e-14), null);
            // What a production fifth-order code achieves at the same tolerance: the global error
            // scale of this problem.
            double hip54 =
                    relError(
                            hipparchus(
                                    p, new DormandPrince54Integrator(1e-12, 100, tol, tol), null),
                            ref);
            for (ButcherTableau m :
                    new ButcherTableau[] {
                        Tableaus.BOSH3, Tableaus.DOPRI5, Tableaus.TSIT5, Tableaus.DOPRI8
                    }) {
                double mtol = tol;
                OdeSolve.Solution s =
                        OdeSolve.solve(
                                dynamics(p),
                                Tensor.of(p.y0(), 1, p.y0().length),
                                Tensor.of(new double[] {0, p.tEnd()}, 2),
                                OdeSolve.Options.defaults()
                                        .withMethod(m)
                                        .withTolerances(mtol, mtol));
                double[] y = s.ys().select(0, 1).toDoubleArray();
                double err = relError(y, ref);
                // Global error: the local tolerance times the growth of errors along the solution
                // (eccentric orbits amplify
                // most); within 200 tol, or within 10 times what Hipparchus' Dormand-Prince 5(4)
                // reaches at the same tolerance.
                double allowed = Math.max(200 * mtol, 10 * hip54);
                assertTrue(
                        err < allowed,
                        p.name()
                                + " "
                                + m.name()
                                + ": relative end-point error "
                                + err
                                + " > "
                                + allowed);
            }
        }
    }

    private static void assertComparableSteps(
            ButcherTableau m, EmbeddedRungeKuttaIntegrator hip, double tol) {
        for (Problem p : PROBLEMS) {
            int[] evals = {0};
            hipparchus(p, hip, evals);
            OdeSolve.Solution s =
                    OdeSolve.solve(
                            dynamics(p),
                            Tensor.of(p.y0(), 1, p.y0().length),
                            Tensor.of(new double[] {0, p.tEnd()}, 2),
                            OdeSolve.Options.defaults().withMethod(m).withTolerances(tol, tol));
            double ratio = (double) s.stats().nfeForward() / evals[0];
            assertTrue(
                    ratio > 0.5 && ratio < 1.5,
                    p.name()
                            + " "
                            + m.name()
                            + ": "
                            + s.stats().nfeForward()
                            + " evaluations against Hipparchus' "
                            + evals[0]);
        }
    }

    @Test
    void stepCountsAreComparableToHipparchusForTheSameMethodAndTolerance() {
        assertComparableSteps(
                Tableaus.DOPRI5, new DormandPrince54Integrator(1e-10, 100, 1e-8, 1e-8), 1e-8);
        assertComparableSteps(
                Tableaus.DOPRI8, new DormandPrince853Integrator(1e-10, 100, 1e-10, 1e-10), 1e-10);
    }
}
