package org.implicitlayers.ode;

import java.util.Arrays;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.ButcherTableau;
import org.implicitlayers.ode.solver.ImplicitStages;
import org.implicitlayers.ode.solver.PiController;
import org.implicitlayers.ode.solver.RungeKutta;
import org.implicitlayers.ode.solver.StepSizeController;
import org.implicitlayers.ode.solver.Tableaus;

/**
 * The one entry point for solving {@code dy/dt = f(t, y)} on tensors: the method, the step-size
 * control, the output times and the way gradients are taken are options of one call.
 *
 * <pre>{@code
 * Tensor ts = Tensor.linspace(DType.FLOAT32, 0, 1, 10);
 * OdeSolve.Solution s = OdeSolve.solve((t, y) -> net.forward(y), y0, ts, params,
 *         OdeSolve.Options.defaults().withMethod("dopri5").withTolerances(1e-6, 1e-8).withGradient(Gradient.adjoint()));
 * Tensor ys = s.ys();                    // [10, ...y0.shape]; ys[0] = y0
 * }</pre>
 *
 * <p>Gradients reach y0, the parameters (for {@link Adjoint} and {@link Checkpointed}: those listed
 * in {@code params}; for {@link Direct}: any leaf f reads) and the output times when {@code ts}
 * requires grad ({@code dL/dt_i = <dL/dy_i, f(t_i, y_i)>} for i &gt; 0 and {@code dL/dt_0 =
 * -<a(t_0), f(t_0, y_0)>} with a the adjoint of the later outputs).
 */
public final class OdeSolve {
    private OdeSolve() {}

    /**
     * Options. Start from {@link #defaults()} and change what differs with the withers:
     * Dormand-Prince 5(4) with rtol 1e-7, atol 1e-9 (torchdiffeq's defaults), Hairer's PI
     * controller, the first step chosen automatically, at most 100,000 steps, direct gradients,
     * implicit stages solved by Newton-Krylov.
     *
     * @param method the Runge-Kutta method; default {@link Tableaus#DOPRI5}
     * @param tolerances the error tolerances of adaptive methods; default rtol 1e-7, atol 1e-9
     * @param controller the step-size controller of adaptive methods; default {@link
     *     PiController#defaults()}
     * @param firstStep the first step, in the time's units; NaN (the default) chooses it by
     *     Hairer's algorithm
     * @param step the step of fixed-step methods, in the time's units (the last step before each
     *     output is shortened); NaN (the default) for adaptive methods
     * @param maxSteps most steps (accepted and rejected) per solve; default 100,000
     * @param gradient how the solve is differentiated; default {@link Gradient#direct()}
     * @param implicitStages how the stages of implicit methods are solved; default {@link
     *     ImplicitStages#defaults()}
     */
    public record Options(
            ButcherTableau method,
            Tolerances tolerances,
            StepSizeController controller,
            double firstStep,
            double step,
            int maxSteps,
            Gradient gradient,
            ImplicitStages implicitStages) {
        public Options {
            if (method == null
                    || tolerances == null
                    || controller == null
                    || gradient == null
                    || implicitStages == null) {
                throw new IllegalArgumentException(
                        "OdeSolve.Options: method, tolerances, controller, gradient and implicitStages"
                                + " must be set");
            }
            if (!(step > 0) && !Double.isNaN(step)) {
                throw new IllegalArgumentException(
                        "OdeSolve.Options: step must be positive (or NaN for adaptive methods), got "
                                + step);
            }
            if (maxSteps <= 0) {
                throw new IllegalArgumentException(
                        "OdeSolve.Options: maxSteps must be positive, got " + maxSteps);
            }
        }

        /**
         * Checks that the settings fit together (every solve does this before it starts; the
         * withers do not, so that they can be applied in any order).
         *
         * @throws IllegalArgumentException for a fixed-step method without a step, or an adjoint
         *     whose backward method is implicit
         */
        public Options validate() {
            if (!method.adaptive() && !(step > 0)) {
                throw new IllegalArgumentException(
                        "OdeSolve.Options: method "
                                + method.name()
                                + " has no error estimate and needs a fixed step (withStep(h)); got "
                                + step);
            }
            if (gradient instanceof Adjoint adj) {
                ButcherTableau back = adj.methodFor(this);
                if (back.implicit()) {
                    throw new IllegalArgumentException(
                            "OdeSolve.Options: the adjoint solve needs an explicit method, got "
                                    + back.name()
                                    + "; with implicit methods use Gradient.checkpointed() or Gradient.direct() (stage"
                                    + " gradients by the implicit function theorem), or give the adjoint an explicit method"
                                    + " (Gradient.adjoint().withMethod(...))");
                }
                if (!back.adaptive() && !(step > 0)) {
                    throw new IllegalArgumentException(
                            "OdeSolve.Options: adjoint method "
                                    + back.name()
                                    + " needs a fixed step (withStep(h))");
                }
            }
            return this;
        }

        /** The defaults listed above. */
        public static Options defaults() {
            return new Options(
                    Tableaus.DOPRI5,
                    Tolerances.of(1e-7, 1e-9),
                    PiController.defaults(),
                    Double.NaN,
                    Double.NaN,
                    100_000,
                    Gradient.direct(),
                    ImplicitStages.defaults());
        }

        public Options withMethod(ButcherTableau m) {
            return new Options(
                    m, tolerances, controller, firstStep, step, maxSteps, gradient, implicitStages);
        }

        /**
         * By name: euler, midpoint, heun, rk4, rk38, bosh3, dopri5, tsit5, dopri8, backward-euler,
         * kvaerno3.
         */
        public Options withMethod(String name) {
            return withMethod(Tableaus.byName(name));
        }

        public Options withTolerances(Tolerances t) {
            return new Options(
                    method, t, controller, firstStep, step, maxSteps, gradient, implicitStages);
        }

        /** One relative and one absolute tolerance for every state component. */
        public Options withTolerances(double rtol, double atol) {
            return withTolerances(Tolerances.of(rtol, atol));
        }

        public Options withController(StepSizeController c) {
            return new Options(
                    method, tolerances, c, firstStep, step, maxSteps, gradient, implicitStages);
        }

        public Options withFirstStep(double h) {
            return new Options(
                    method, tolerances, controller, h, step, maxSteps, gradient, implicitStages);
        }

        /** The step of fixed-step methods. */
        public Options withStep(double h) {
            return new Options(
                    method,
                    tolerances,
                    controller,
                    firstStep,
                    h,
                    maxSteps,
                    gradient,
                    implicitStages);
        }

        public Options withMaxSteps(int n) {
            return new Options(
                    method, tolerances, controller, firstStep, step, n, gradient, implicitStages);
        }

        public Options withGradient(Gradient g) {
            return new Options(
                    method, tolerances, controller, firstStep, step, maxSteps, g, implicitStages);
        }

        public Options withImplicitStages(ImplicitStages s) {
            return new Options(
                    method, tolerances, controller, firstStep, step, maxSteps, gradient, s);
        }

        RungeKutta.Settings forward() {
            validate();
            return new RungeKutta.Settings(
                    method,
                    controller,
                    implicitStages,
                    tolerances.rtol(),
                    tolerances.atol(),
                    firstStep,
                    step,
                    maxSteps,
                    -1);
        }
    }

    /**
     * The solution at the output times.
     *
     * @param ys [T, ...y0.shape]: the state at each output time ({@code ys[0] = y0})
     * @param stats function evaluations and steps (backward counts fill in when the backward pass
     *     runs)
     */
    public record Solution(Tensor ys, SolveStats stats) {}

    /**
     * Solves the ODE and returns the states at the output times.
     *
     * @param f the dynamics
     * @param y0 initial state, any shape
     * @param ts output times [T], strictly increasing or decreasing; {@code ts[0]} is the initial
     *     time
     * @param params the tensors f reads that gradients should reach (adjoint and checkpointed
     *     modes; may be empty)
     * @param o options
     */
    public static Solution solve(Dynamics f, Tensor y0, Tensor ts, Tensor[] params, Options o) {
        o.validate();
        double[] times = checkTimes(ts);
        SolveStats stats = new SolveStats();
        boolean timeGrad = ts.requiresGrad() && Grad.isEnabled();
        Tensor y0In = y0;
        if (timeGrad) {
            // dy_i/dt0 = -(dy_i/dy0) f(t0, y0): shift y0 by -(t0 - stop(t0)) stop(f0), zero in
            // value, exact in gradient.
            Tensor f0 = evalDetached(f, times[0], y0);
            Tensor dt0 = ts.select(0, 0).sub(ts.select(0, 0).detach());
            y0In = y0.sub(dt0.mul(f0));
        }
        Tensor ys = o.gradient().solve(f, y0In, times, trainable(params), o, stats);
        if (timeGrad) {
            // dy_i/dt_i = f(t_i, y_i), first order: ys + (ts - stop(ts)) stop(F).
            Tensor[] fs = new Tensor[times.length];
            for (int i = 0; i < times.length; i++) {
                fs[i] = evalDetached(f, times[i], ys.select(0, i).detach());
            }
            int[] shape = new int[ys.rank()];
            Arrays.fill(shape, 1);
            shape[0] = times.length;
            Tensor dts = ts.sub(ts.detach()).reshape(shape);
            ys = ys.add(dts.mul(Tensor.stack(0, fs)));
        }
        return new Solution(ys, stats);
    }

    /**
     * A batch in which every sample has its own output times: sample b starts at {@code ts[0, b]}
     * from {@code y0[b]} and is reported at {@code ts[:, b]}, with its own step-size sequence (an
     * easy sample takes few steps whatever the others need). The samples are solved one after
     * another, each as a batch of one (f sees states of shape [1, ...]); gradients reach y0, the
     * parameters and the times as in {@link #solve(Dynamics, Tensor, Tensor, Tensor[], Options)}.
     *
     * @param y0 initial states [B, ...]
     * @param ts output times [T, B], each column strictly monotone
     * @return states [T, B, ...]; the statistics add up over the samples
     */
    public static Solution solveBatched(
            Dynamics f, Tensor y0, Tensor ts, Tensor[] params, Options o) {
        if (ts.rank() != 2 || y0.rank() < 1 || ts.shape(1) != y0.shape(0)) {
            throw new IllegalArgumentException(
                    "per-sample output times: expected ts of shape [T, B] with B = y0.shape[0] = "
                            + (y0.rank() < 1 ? "?" : y0.shape(0))
                            + ", got "
                            + Arrays.toString(ts.shape()));
        }
        int batch = y0.shape(0);
        Tensor[] parts = new Tensor[batch];
        SolveStats total = new SolveStats();
        SolveStats[] each = new SolveStats[batch];
        for (int b = 0; b < batch; b++) {
            Solution s = solve(f, y0.slice(0, b, b + 1), ts.select(1, b), params, o);
            parts[b] = s.ys();
            each[b] = s.stats();
        }
        total.addAll(each);
        return new Solution(Tensor.concat(1, parts), total);
    }

    /**
     * Solves without parameters to differentiate (direct gradients reach y0 and any leaf f reads).
     */
    public static Solution solve(Dynamics f, Tensor y0, Tensor ts, Options o) {
        return solve(f, y0, ts, new Tensor[0], o);
    }

    private static Tensor evalDetached(Dynamics f, double t, Tensor y) {
        try (Grad.Scope ignored = Grad.noGrad()) {
            return f.apply(t, y.detach());
        }
    }

    /** The parameters gradients can reach (a frozen one, not requiring grad, gets none). */
    private static Tensor[] trainable(Tensor[] params) {
        return java.util.Arrays.stream(params).filter(Tensor::requiresGrad).toArray(Tensor[]::new);
    }

    static double[] checkTimes(Tensor ts) {
        if (ts.rank() != 1 || ts.numel() < 1) {
            throw new IllegalArgumentException(
                    "ODE output times: expected a 1-D tensor of at least one time, got shape "
                            + Arrays.toString(ts.shape()));
        }
        double[] t = ts.toDoubleArray();
        for (int i = 0; i < t.length; i++) {
            if (!Double.isFinite(t[i])) {
                throw new IllegalArgumentException("ODE output times: ts[" + i + "] is " + t[i]);
            }
        }
        if (t.length > 1) {
            double dir = Math.signum(t[1] - t[0]);
            for (int i = 1; i < t.length; i++) {
                if (dir == 0 || Math.signum(t[i] - t[i - 1]) != dir) {
                    throw new IllegalArgumentException(
                            "ODE output times must be strictly increasing or strictly decreasing: ts["
                                    + (i - 1)
                                    + "] = "
                                    + t[i - 1]
                                    + ", ts["
                                    + i
                                    + "] = "
                                    + t[i]);
                }
            }
        }
        return t;
    }
}
