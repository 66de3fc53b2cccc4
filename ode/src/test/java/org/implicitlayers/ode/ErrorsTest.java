package org.implicitlayers.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.Tableaus;
import org.junit.jupiter.api.Test;

/** Failed solves say where and what to do. */
class ErrorsTest {
    private static final Tensor TS = Tensor.of(new double[] {0, 2}, 2);

    @Test
    void stepSizeUnderflowNamesTimeStepComponentAndSuggestsAStiffSolver() {
        // y' = (y1^2, 0): y1 = 1 / (1 - t) blows up at t = 1.
        Dynamics f = (t, y) -> Tensor.concat(1, y.slice(1, 0, 1).square(), y.slice(1, 1, 2).mul(0));
        OdeSolveException e =
                assertThrows(
                        OdeSolveException.class,
                        () ->
                                OdeSolve.solve(
                                        f,
                                        Tensor.of(new double[] {1, 1}, 1, 2),
                                        TS,
                                        OdeSolve.Options.defaults()));
        assertTrue(
                e.kind() == OdeSolveException.Kind.STEP_SIZE_UNDERFLOW
                        || e.kind() == OdeSolveException.Kind.NON_FINITE,
                e.getMessage());
        assertEquals(1.0, e.time(), 1e-3, e.getMessage());
        assertTrue(e.getMessage().matches("(?s).*t = (0\\.99|1\\.000).*"), e.getMessage());
        assertEquals(0, e.component(), e.getMessage());
        if (e.kind() == OdeSolveException.Kind.STEP_SIZE_UNDERFLOW) {
            assertTrue(
                    e.getMessage().contains("stiff solver")
                            && e.getMessage().contains("component 0"),
                    e.getMessage());
        }
    }

    @Test
    void nanInTheDynamicsNamesTimeAndComponent() {
        Dynamics f =
                (t, y) -> t < 0.5 ? y.neg() : y.mul(Tensor.of(new double[] {1, Double.NaN}, 1, 2));
        OdeSolveException e =
                assertThrows(
                        OdeSolveException.class,
                        () ->
                                OdeSolve.solve(
                                        f,
                                        Tensor.of(new double[] {1, 1}, 1, 2),
                                        TS,
                                        OdeSolve.Options.defaults()
                                                .withMethod("rk4")
                                                .withStep(0.1)));
        assertEquals(OdeSolveException.Kind.NON_FINITE, e.kind());
        assertEquals(1, e.component());
        assertTrue(
                e.getMessage().contains("component 1") && e.getMessage().contains("NaN"),
                e.getMessage());
        assertTrue(e.time() >= 0.5 && e.time() <= 0.7, e.getMessage());
    }

    @Test
    void exceedingMaxStepsSaysHowFarItGot() {
        OdeSolveException e =
                assertThrows(
                        OdeSolveException.class,
                        () ->
                                OdeSolve.solve(
                                        (t, y) -> y.neg(),
                                        Tensor.of(new double[] {1}, 1),
                                        Tensor.of(new double[] {0, 100}, 2),
                                        OdeSolve.Options.defaults()
                                                .withMethod(Tableaus.DOPRI5)
                                                .withMaxSteps(5)));
        assertEquals(OdeSolveException.Kind.MAX_STEPS, e.kind());
        assertTrue(
                e.getMessage().contains("% of the way from 0.0 to 100.0")
                        && e.getMessage().contains("maxSteps"),
                e.getMessage());
    }

    @Test
    void badOutputTimesAndShapesAreNamed() {
        IllegalArgumentException order =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                OdeSolve.solve(
                                        (t, y) -> y,
                                        Tensor.of(new double[] {1}, 1),
                                        Tensor.of(new double[] {0, 1, 1}, 3),
                                        OdeSolve.Options.defaults()));
        assertTrue(order.getMessage().contains("ts[1] = 1.0, ts[2] = 1.0"), order.getMessage());
        IllegalArgumentException shape =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                OdeSolve.solve(
                                        (t, y) -> y.sum(),
                                        Tensor.of(new double[] {1, 2}, 2),
                                        TS,
                                        OdeSolve.Options.defaults()));
        assertTrue(shape.getMessage().contains("must have the state's shape"), shape.getMessage());
        IllegalArgumentException fixed =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                OdeSolve.solve(
                                        (t, y) -> y,
                                        Tensor.of(new double[] {1}, 1),
                                        TS,
                                        OdeSolve.Options.defaults().withMethod("rk4")));
        assertTrue(fixed.getMessage().contains("withStep(h)"), fixed.getMessage());
        IllegalArgumentException tol =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                OdeSolve.solve(
                                        (t, y) -> y,
                                        Tensor.of(new double[] {1, 2, 3}, 3),
                                        TS,
                                        OdeSolve.Options.defaults()
                                                .withTolerances(
                                                        new Tolerances(
                                                                new double[] {1e-7},
                                                                new double[] {1e-6, 1e-6}))));
        assertTrue(tol.getMessage().contains("atol has 2 values"), tol.getMessage());
    }
}
