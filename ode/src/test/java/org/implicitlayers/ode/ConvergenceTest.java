package org.implicitlayers.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.ButcherTableau;
import org.implicitlayers.ode.solver.Tableaus;
import org.junit.jupiter.api.Test;

class ConvergenceTest {
    /**
     * y1' = y2 + cos 2t, y2' = -y1 (non-autonomous, so that each stage's time c_i h is exercised).
     */
    private static final Dynamics OSCILLATOR =
            (t, y) ->
                    y.matmul(Tensor.of(new double[] {0, -1, 1, 0}, 2, 2))
                            .add(Tensor.of(new double[] {Math.cos(2 * t), 0}, 1, 2));

    /**
     * The exact solution from y(0) = (1, 0): particular part ((2/3) sin 2t, (1/3) cos 2t) plus a
     * rotation.
     */
    private static double[] exact(double t) {
        double y1 = Math.cos(t) - Math.sin(t) / 3 + 2 * Math.sin(2 * t) / 3;
        double y2 = -Math.sin(t) - Math.cos(t) / 3 + Math.cos(2 * t) / 3;
        return new double[] {y1, y2};
    }

    private static double endError(ButcherTableau m, double h) {
        Tensor y0 = Tensor.of(new double[] {1, 0}, 1, 2);
        OdeSolve.Options o = OdeSolve.Options.defaults().withMethod(m).withStep(h);
        Tensor ys = OdeSolve.solve(OSCILLATOR, y0, Tensor.of(new double[] {0, 2}, 2), o).ys();
        double[] e = exact(2);
        return Math.hypot(ys.get(2) - e[0], ys.get(3) - e[1]);
    }

    @Test
    void exactSolutionSatisfiesTheEquation() {
        double t = 0.7;
        double d = 1e-6;
        double[] p = exact(t + d);
        double[] q = exact(t - d);
        double[] y = exact(t);
        assertEquals(y[1] + Math.cos(2 * t), (p[0] - q[0]) / (2 * d), 1e-8);
        assertEquals(-y[0], (p[1] - q[1]) / (2 * d), 1e-8);
        assertEquals(1, exact(0)[0], 1e-15);
        assertEquals(0, exact(0)[1], 1e-15);
    }

    @Test
    void fixedStepMethodsConvergeAtTheirOrder() {
        for (ButcherTableau m :
                new ButcherTableau[] {
                    Tableaus.EULER, Tableaus.MIDPOINT, Tableaus.HEUN, Tableaus.RK4, Tableaus.RK38
                }) {
            double h = m.order() >= 4 ? 0.05 : 0.01;
            double e1 = endError(m, h);
            double e2 = endError(m, h / 2);
            double observed = Math.log(e1 / e2) / Math.log(2);
            assertEquals(m.order(), observed, 0.15, m.name() + ": errors " + e1 + ", " + e2);
        }
    }

    @Test
    void embeddedMethodsRunWithAFixedStepAtTheirOrder() {
        // The adaptive methods' solution weights alone, forced to a fixed step via a tiny
        // maxFactor-free path: use huge tolerances.
        for (ButcherTableau m :
                new ButcherTableau[] {Tableaus.BOSH3, Tableaus.DOPRI5, Tableaus.TSIT5}) {
            double e1 = fixedAdaptive(m, 0.1);
            double e2 = fixedAdaptive(m, 0.05);
            double observed = Math.log(e1 / e2) / Math.log(2);
            assertEquals(m.order(), observed, 0.35, m.name() + ": errors " + e1 + ", " + e2);
        }
    }

    private static double fixedAdaptive(ButcherTableau m, double h) {
        // Tolerances so loose that every step is accepted, a first step of h and no growth: steps
        // of exactly h.
        OdeSolve.Options o =
                OdeSolve.Options.defaults()
                        .withMethod(m)
                        .withTolerances(1e6, 1e6)
                        .withFirstStep(h)
                        .withController(
                                org.implicitlayers.ode.solver.PiController.integral()
                                        .withMaxFactor(1.0000001));
        Tensor ys =
                OdeSolve.solve(
                                OSCILLATOR,
                                Tensor.of(new double[] {1, 0}, 1, 2),
                                Tensor.of(new double[] {0, 2}, 2),
                                o)
                        .ys();
        double[] e = exact(2);
        return Math.hypot(ys.get(2) - e[0], ys.get(3) - e[1]);
    }

    @Test
    void denseOutputIsAccurateBetweenSteps() {
        Tensor ts = Tensor.linspace(DType.FLOAT64, 0, 2, 41);
        for (ButcherTableau m :
                new ButcherTableau[] {Tableaus.DOPRI5, Tableaus.TSIT5, Tableaus.BOSH3}) {
            OdeSolve.Solution s =
                    OdeSolve.solve(
                            OSCILLATOR,
                            Tensor.of(new double[] {1, 0}, 1, 2),
                            ts,
                            OdeSolve.Options.defaults()
                                    .withMethod(m)
                                    .withTolerances(m == Tableaus.BOSH3 ? 1e-6 : 1e-8, 1e-10));
            assertTrue(
                    s.stats().acceptedSteps() < (m == Tableaus.BOSH3 ? 200 : 40),
                    m.name()
                            + " took "
                            + s.stats().acceptedSteps()
                            + " steps: outputs must not force steps");
            double worst = 0;
            for (int i = 0; i < 41; i++) {
                double[] e = exact(ts.get(i));
                worst =
                        Math.max(
                                worst,
                                Math.hypot(s.ys().get(2 * i) - e[0], s.ys().get(2 * i + 1) - e[1]));
            }
            assertTrue(
                    worst < (m == Tableaus.BOSH3 ? 1e-4 : 1e-6),
                    m.name() + ": dense output error " + worst);
        }
    }
}
