package org.implicitlayers.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.hipparchus.ode.nonstiff.ButcherArrayProvider;
import org.hipparchus.ode.nonstiff.ClassicalRungeKuttaIntegrator;
import org.hipparchus.ode.nonstiff.DormandPrince54Integrator;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import org.hipparchus.ode.nonstiff.EulerIntegrator;
import org.hipparchus.ode.nonstiff.MidpointIntegrator;
import org.hipparchus.ode.nonstiff.ThreeEighthesIntegrator;
import org.implicitlayers.ode.solver.ButcherTableau;
import org.implicitlayers.ode.solver.DenseOutput;
import org.implicitlayers.ode.solver.Tableaus;
import org.junit.jupiter.api.Test;

class TableausTest {
    /**
     * Our tableau's c (without the leading 0), a rows (without the empty first) and b equal
     * Hipparchus' for the first {@code stages} stages.
     */
    private static void assertSameAs(ButcherArrayProvider h, ButcherTableau t, int stages) {
        double[] c = h.getC();
        double[][] a = h.getA();
        for (int i = 1; i < stages; i++) {
            assertEquals(c[i - 1], t.c()[i], 1e-15, t.name() + " c" + i);
            for (int j = 0; j < i; j++) {
                double hv = j < a[i - 1].length ? a[i - 1][j] : 0;
                assertEquals(
                        hv,
                        t.a()[i][j],
                        1e-14 * Math.max(1, Math.abs(hv)),
                        t.name() + " a" + i + j);
            }
        }
        for (int i = 0; i < stages; i++) {
            assertEquals(h.getB()[i], t.b()[i], 1e-15, t.name() + " b" + i);
        }
    }

    @Test
    void tableausEqualHipparchus() {
        assertSameAs(new EulerIntegrator(0.1), Tableaus.EULER, 1);
        assertSameAs(new MidpointIntegrator(0.1), Tableaus.MIDPOINT, 2);
        assertSameAs(new ClassicalRungeKuttaIntegrator(0.1), Tableaus.RK4, 4);
        assertSameAs(new ThreeEighthesIntegrator(0.1), Tableaus.RK38, 4);
        assertSameAs(new DormandPrince54Integrator(1e-6, 1, 1e-6, 1e-6), Tableaus.DOPRI5, 7);
        assertSameAs(new DormandPrince853Integrator(1e-6, 1, 1e-6, 1e-6), Tableaus.DOPRI8, 12);
    }

    /**
     * sum b c^(q-1) = 1/q for q up to min(order, 5): the quadrature conditions of each method's
     * order.
     */
    @Test
    void everyMethodSatisfiesItsQuadratureConditions() {
        for (ButcherTableau t : Tableaus.all()) {
            for (int q = 1; q <= Math.min(t.order(), 5); q++) {
                double s = 0;
                for (int i = 0; i < t.stages(); i++) {
                    s += t.b()[i] * Math.pow(t.c()[i], q - 1);
                }
                assertEquals(1.0 / q, s, 1e-13, t.name() + " condition of order " + q);
            }
            if (t.adaptive()) {
                double se = 0;
                for (double v : t.e()) {
                    se += v;
                }
                assertEquals(
                        0,
                        se,
                        1e-13,
                        t.name() + ": the embedded method must also be consistent (sum e = 0)");
            }
        }
    }

    @Test
    void denseOutputsMatchTheStepAtBothEnds() {
        for (ButcherTableau t : Tableaus.all()) {
            assertArrayEquals(
                    new double[t.fsal() ? t.stages() : t.stages() + 1],
                    t.dense().weights(0, t.b()),
                    1e-15,
                    t.name());
            double[] w1 = t.dense().weights(1, t.b());
            for (int j = 0; j < t.stages(); j++) {
                assertEquals(t.b()[j], w1[j], 1e-14, t.name() + " weight " + j + " at theta = 1");
            }
        }
        assertTrue(
                Tableaus.DOPRI5.fsal()
                        && Tableaus.BOSH3.fsal()
                        && Tableaus.TSIT5.fsal()
                        && Tableaus.DOPRI8.fsal());
        assertEquals(4, DenseOutput.hermite(false).weights(0.5, Tableaus.RK4.b()).length - 1);
    }
}
