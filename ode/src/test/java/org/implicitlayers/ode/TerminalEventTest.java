package org.implicitlayers.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.Test;

class TerminalEventTest {
    /** A falling body with linear drag k: y = (height, velocity), y' = (v, -9.81 - k v). */
    private static Dynamics fall(Tensor k) {
        return (t, y) ->
                Tensor.concat(1, y.slice(1, 1, 2), y.slice(1, 1, 2).mul(k).neg().sub(9.81));
    }

    private static final TerminalEvent.Condition GROUND = (t, y) -> y.slice(1, 0, 1).sum();

    private static final OdeSolve.Options TIGHT =
            OdeSolve.Options.defaults().withTolerances(1e-12, 1e-12);

    @Test
    void eventTimeOfAFreeFallIsExact() {
        double h0 = 10;
        double v0 = 3;
        TerminalEvent.Result r =
                TerminalEvent.solve(
                        fall(Tensor.of(new double[] {0}, 1)),
                        Tensor.of(new double[] {h0, v0}, 1, 2),
                        0,
                        10,
                        new Tensor[0],
                        GROUND,
                        TIGHT);
        double exact = (v0 + Math.sqrt(v0 * v0 + 2 * 9.81 * h0)) / 9.81;
        assertTrue(r.triggered());
        assertEquals(exact, r.time().item(), 1e-10);
        assertEquals(0, r.state().get(0), 1e-9);
        assertEquals(v0 - 9.81 * exact, r.state().get(1), 1e-9);
    }

    @Test
    void noEventBeforeTheEndIsReported() {
        TerminalEvent.Result r =
                TerminalEvent.solve(
                        fall(Tensor.of(new double[] {0}, 1)),
                        Tensor.of(new double[] {1000, 0}, 1, 2),
                        0,
                        1,
                        new Tensor[0],
                        GROUND,
                        TIGHT);
        assertFalse(r.triggered());
        assertEquals(1, r.time().item(), 0);
    }

    /**
     * dt* / d(y0, k) and dy(t*) / d(y0, k) against central differences, with direct and adjoint
     * gradients for y(t*).
     */
    @Test
    void eventTimeAndStateAreDifferentiable() {
        for (Gradient g : new Gradient[] {Gradient.direct(), Gradient.adjoint()}) {
            OdeSolve.Options o = TIGHT.withGradient(g);
            Function<Tensor[], Tensor> f =
                    in -> {
                        TerminalEvent.Result r =
                                TerminalEvent.solve(
                                        fall(in[1]), in[0], 0, 10, new Tensor[] {in[1]}, GROUND, o);
                        return Tensor.concat(0, r.time().reshape(1), r.state().reshape(2));
                    };
            GradCheck.check(
                    f,
                    new GradCheck.Options(1e-5, 1e-7, 1e-5, 3),
                    Tensor.of(new double[] {10, 3}, 1, 2),
                    Tensor.of(new double[] {0.3}, 1));
        }
    }
}
