package org.implicitlayers.ode;

import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.RungeKutta;

/**
 * Backpropagation through the solver's operations (the discrete gradient of the computed solution);
 * gradients reach y0 and every leaf f reads. Memory grows with the number of steps: the tape holds
 * every stage.
 */
public record Direct() implements Gradient {
    @Override
    public String name() {
        return "direct";
    }

    @Override
    public Tensor solve(
            Dynamics f,
            Tensor y0,
            double[] times,
            Tensor[] params,
            OdeSolve.Options o,
            SolveStats stats) {
        RungeKutta.Result r = RungeKutta.integrate(f, y0, times, o.forward(), null);
        stats.forward(r.nfe(), r.accepted(), r.rejected());
        return Tensor.stack(0, r.outputs());
    }
}
