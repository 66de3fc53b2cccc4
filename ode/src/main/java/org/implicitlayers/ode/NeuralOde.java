package org.implicitlayers.ode;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;

/**
 * A neural ODE layer (Chen et al. 2018): y0 maps to the solution of {@code dy/dt = f(t, y)} at the
 * output times, with f a {@link Module} whose parameters are this layer's (named {@code
 * "field.*"}). The solver, tolerances and gradient mode come from {@link OdeSolve.Options}.
 *
 * <pre>{@code
 * NeuralOde node = new NeuralOde(Mlp.builder(2, 50, 2).activation(Activation.tanh()).build(rng),
 *         OdeSolve.Options.defaults().withGradient(Gradient.adjoint()));
 * Tensor ys = node.solve(y0, ts).ys();          // [T, batch, 2]
 * }</pre>
 */
public final class NeuralOde extends Module {
    /** A vector field that may depend on time: f(t, y) from a module's parameters. */
    @FunctionalInterface
    public interface Field {
        Tensor apply(Module m, double t, Tensor y);
    }

    private final Module field;
    private final Field f;
    private final OdeSolve.Options options;
    private SolveStats lastStats;

    /** Autonomous dynamics {@code f(t, y) = field.forward(y)}. */
    public NeuralOde(Module field, OdeSolve.Options options) {
        this(field, (m, t, y) -> m.forward(y), options);
    }

    /** Time-dependent dynamics computed by {@code f} from {@code field}'s parameters. */
    public NeuralOde(Module field, Field f, OdeSolve.Options options) {
        this.field = child("field", field);
        this.f = f;
        this.options = options.validate();
    }

    /** The state at t = 1 from y0 at t = 0 (the layer view). */
    @Override
    public Tensor forward(Tensor y0) {
        Tensor ys = solve(y0, Tensor.of(y0.dtype(), new double[] {0, 1}, 2)).ys();
        return ys.select(0, 1);
    }

    /**
     * The solution at each output time.
     *
     * @param y0 initial state, e.g. [batch, dim]
     * @param ts output times [T] (ts[0] is the initial time); may require grad
     * @return states [T, ...y0.shape] and the solver's counts
     */
    public OdeSolve.Solution solve(Tensor y0, Tensor ts) {
        return solve(y0, ts, options);
    }

    /**
     * As {@link #solve(Tensor, Tensor)} with other options (e.g. looser tolerances for evaluation).
     */
    public OdeSolve.Solution solve(Tensor y0, Tensor ts, OdeSolve.Options o) {
        Tensor[] params =
                field.parameters().values().stream().map(Parameter::value).toArray(Tensor[]::new);
        OdeSolve.Solution s = OdeSolve.solve((t, y) -> f.apply(field, t, y), y0, ts, params, o);
        lastStats = s.stats();
        return s;
    }

    /** The dynamics module. */
    public Module field() {
        return field;
    }

    public OdeSolve.Options options() {
        return options;
    }

    /** The counts of the last solve (backward counts fill in after its backward pass), or null. */
    public SolveStats lastStats() {
        return lastStats;
    }

    /** Convenience: output times {@code linspace(t0, t1, n)} of the given dtype. */
    public static Tensor times(DType dtype, double t0, double t1, int n) {
        return Tensor.linspace(dtype, t0, t1, n);
    }
}
