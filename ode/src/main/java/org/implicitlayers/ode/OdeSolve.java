package org.implicitlayers.ode;

import java.util.Arrays;
import org.implicitlayers.core.CustomFunction;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.ButcherTableau;
import org.implicitlayers.ode.solver.RungeKutta;
import org.implicitlayers.ode.solver.PiController;
import org.implicitlayers.ode.solver.Tableaus;

/**
 * The one entry point for solving {@code dy/dt = f(t, y)} on tensors: the method, the step-size
 * control, the output times and the way gradients are taken are options of one call.
 *
 * <pre>{@code
 * Tensor ts = Tensor.linspace(DType.FLOAT32, 0, 1, 10);
 * OdeSolve.Solution s = OdeSolve.solve((t, y) -> net.forward(y), y0, ts, params,
 *         OdeSolve.Options.builder().method("dopri5").tolerances(1e-6, 1e-8).gradient(Gradient.ADJOINT).build());
 * Tensor ys = s.ys();                    // [10, ...y0.shape]; ys[0] = y0
 * }</pre>
 *
 * <p>Gradients reach y0, the parameters (for {@link Gradient#ADJOINT} and
 * {@link Gradient#CHECKPOINTED}: those listed in {@code params}; for {@link Gradient#DIRECT}: any
 * leaf f reads) and the output times when {@code ts} requires grad
 * ({@code dL/dt_i = <dL/dy_i, f(t_i, y_i)>} for i &gt; 0 and
 * {@code dL/dt_0 = -<a(t_0), f(t_0, y_0)>} with a the adjoint of the later outputs).
 */
public final class OdeSolve {
    private OdeSolve() {
    }

    /**
     * Options. Build with {@link #builder()}; {@link #defaults()} is Dormand-Prince 5(4) with
     * rtol 1e-7, atol 1e-9 (torchdiffeq's defaults), Hairer's PI controller, at most 100,000
     * steps, direct gradients; the adjoint uses the same method and tolerances unless set.
     *
     * @param method         the Runge-Kutta method
     * @param rtol           relative tolerance: one value or one per state component
     * @param atol           absolute tolerance: one value or one per state component
     * @param controller     the step-size controller
     * @param firstStep      the first step; NaN chooses it automatically (Hairer's algorithm)
     * @param step           the step of fixed-step methods (NaN for adaptive ones)
     * @param maxSteps       most steps per solve
     * @param gradient       how the solve is differentiated
     * @param adjointMethod  the method of the backward (adjoint) solve
     * @param adjointRtol    relative tolerance of the adjoint solve
     * @param adjointAtol    absolute tolerance of the adjoint solve
     * @param seminorm       leave the parameter-gradient components out of the adjoint's error norm
     *                       (Kidger et al. 2021, "Hey, that's not an ODE"): fewer backward steps,
     *                       the integrals still accurate because they do not feed back into the state
     */
    public record Options(ButcherTableau method, double[] rtol, double[] atol, PiController controller, double firstStep,
                         double step, int maxSteps, Gradient gradient, ButcherTableau adjointMethod, double[] adjointRtol,
                         double[] adjointAtol, boolean seminorm) {
        public Options {
            if (method == null || controller == null || gradient == null || adjointMethod == null) {
                throw new IllegalArgumentException("OdeSolve.Options: method, controller, gradient and adjointMethod must be set");
            }
            if (!method.adaptive() && !(step > 0)) {
                throw new IllegalArgumentException("OdeSolve.Options: method " + method.name()
                        + " has no error estimate and needs a fixed step (builder().step(h)); got " + step);
            }
            if (!adjointMethod.adaptive() && !(step > 0)) {
                throw new IllegalArgumentException("OdeSolve.Options: adjoint method " + adjointMethod.name() + " needs a fixed step");
            }
            if (gradient == Gradient.ADJOINT && adjointMethod.implicit()) {
                throw new IllegalArgumentException("OdeSolve.Options: the adjoint solve needs an explicit method, got " + adjointMethod.name()
                        + "; with implicit methods use Gradient.CHECKPOINTED or DIRECT (stage gradients by the implicit function theorem),"
                        + " or set adjointMethod(...) to an explicit one");
            }
            if (maxSteps <= 0) {
                throw new IllegalArgumentException("OdeSolve.Options: maxSteps must be positive, got " + maxSteps);
            }
            rtol = rtol.clone();
            atol = atol.clone();
            adjointRtol = adjointRtol.clone();
            adjointAtol = adjointAtol.clone();
        }

        public static Options defaults() {
            return builder().build();
        }

        public static Builder builder() {
            return new Builder();
        }

        /** A builder starting from these options. */
        public Builder toBuilder() {
            Builder b = new Builder();
            b.method = method;
            b.rtol = rtol;
            b.atol = atol;
            b.controller = controller;
            b.firstStep = firstStep;
            b.step = step;
            b.maxSteps = maxSteps;
            b.gradient = gradient;
            b.adjointMethod = adjointMethod;
            b.adjointRtol = adjointRtol;
            b.adjointAtol = adjointAtol;
            b.seminorm = seminorm;
            return b;
        }

        RungeKutta.Settings forward() {
            return new RungeKutta.Settings(method, controller, rtol, atol, firstStep, step, maxSteps, -1);
        }
    }

    /** Assembles {@link Options}; every setter is optional. */
    public static final class Builder {
        private ButcherTableau method = Tableaus.DOPRI5;
        private double[] rtol = {1e-7};
        private double[] atol = {1e-9};
        private PiController controller = PiController.defaults();
        private double firstStep = Double.NaN;
        private double step = Double.NaN;
        private int maxSteps = 100_000;
        private Gradient gradient = Gradient.DIRECT;
        private ButcherTableau adjointMethod;
        private double[] adjointRtol;
        private double[] adjointAtol;
        private boolean seminorm;

        public Builder method(ButcherTableau m) {
            method = m;
            return this;
        }

        /** By name: euler, midpoint, heun, rk4, rk38, bosh3, dopri5, tsit5, dopri8, backward-euler, kvaerno3. */
        public Builder method(String name) {
            return method(Tableaus.byName(name));
        }

        /** Scalar tolerances (also for the adjoint unless set separately). */
        public Builder tolerances(double rtol, double atol) {
            return rtol(rtol).atol(atol);
        }

        /** One value, or one per state component. */
        public Builder rtol(double... r) {
            rtol = r.clone();
            return this;
        }

        /** One value, or one per state component. */
        public Builder atol(double... a) {
            atol = a.clone();
            return this;
        }

        public Builder controller(PiController c) {
            controller = c;
            return this;
        }

        public Builder firstStep(double h) {
            firstStep = h;
            return this;
        }

        /** The step of fixed-step methods. */
        public Builder step(double h) {
            step = h;
            return this;
        }

        public Builder maxSteps(int n) {
            maxSteps = n;
            return this;
        }

        public Builder gradient(Gradient g) {
            gradient = g;
            return this;
        }

        public Builder adjointMethod(ButcherTableau m) {
            adjointMethod = m;
            return this;
        }

        /** Scalar tolerances of the adjoint solve. */
        public Builder adjointTolerances(double rtol, double atol) {
            adjointRtol = new double[] {rtol};
            adjointAtol = new double[] {atol};
            return this;
        }

        public Builder seminorm(boolean on) {
            seminorm = on;
            return this;
        }

        public Options build() {
            return new Options(method, rtol, atol, controller, firstStep, step, maxSteps, gradient,
                    adjointMethod != null ? adjointMethod : method, adjointRtol != null ? adjointRtol : scalarOrFirst(rtol),
                    adjointAtol != null ? adjointAtol : scalarOrFirst(atol), seminorm);
        }

        // Per-component tolerances refer to the state; the augmented adjoint state is longer.
        private static double[] scalarOrFirst(double[] tol) {
            double m = Double.POSITIVE_INFINITY;
            for (double v : tol) {
                m = Math.min(m, v);
            }
            return new double[] {m};
        }
    }

    /**
     * The solution at the output times.
     *
     * @param ys    [T, ...y0.shape]: the state at each output time ({@code ys[0] = y0})
     * @param stats function evaluations and steps (backward counts fill in when the backward pass runs)
     */
    public record Solution(Tensor ys, SolveStats stats) {
    }

    /**
     * Solves the ODE and returns the states at the output times.
     *
     * @param f      the dynamics
     * @param y0     initial state, any shape
     * @param ts     output times [T], strictly increasing or decreasing; {@code ts[0]} is the initial time
     * @param params the tensors f reads that gradients should reach (adjoint and checkpointed modes; may be empty)
     * @param o      options
     */
    public static Solution solve(Dynamics f, Tensor y0, Tensor ts, Tensor[] params, Options o) {
        double[] times = checkTimes(ts);
        SolveStats stats = new SolveStats();
        boolean timeGrad = ts.requiresGrad() && Grad.isEnabled();
        Tensor y0In = y0;
        if (timeGrad) {
            // dy_i/dt0 = -(dy_i/dy0) f(t0, y0): shift y0 by -(t0 - stop(t0)) stop(f0), zero in value, exact in gradient.
            Tensor f0 = evalDetached(f, times[0], y0);
            Tensor dt0 = ts.select(0, 0).sub(ts.select(0, 0).detach());
            y0In = y0.sub(dt0.mul(f0));
        }
        Tensor ys = switch (o.gradient()) {
            case DIRECT -> direct(f, y0In, times, o, stats);
            case ADJOINT, CHECKPOINTED -> new SolveFunction(f, times, trainable(params), o, stats).apply(concat(y0In, trainable(params)));
        };
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
    public static Solution solveBatched(Dynamics f, Tensor y0, Tensor ts, Tensor[] params, Options o) {
        if (ts.rank() != 2 || y0.rank() < 1 || ts.shape(1) != y0.shape(0)) {
            throw new IllegalArgumentException("per-sample output times: expected ts of shape [T, B] with B = y0.shape[0] = "
                    + (y0.rank() < 1 ? "?" : y0.shape(0)) + ", got " + Arrays.toString(ts.shape()));
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

    /** Solves without parameters to differentiate (direct gradients reach y0 and any leaf f reads). */
    public static Solution solve(Dynamics f, Tensor y0, Tensor ts, Options o) {
        return solve(f, y0, ts, new Tensor[0], o);
    }

    private static Tensor direct(Dynamics f, Tensor y0, double[] times, Options o, SolveStats stats) {
        RungeKutta.Result r = RungeKutta.integrate(f, y0, times, o.forward(), false);
        stats.forward(r.nfe(), r.accepted(), r.rejected());
        return Tensor.stack(0, r.outputs());
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

    private static Tensor[] concat(Tensor y0, Tensor[] params) {
        Tensor[] in = new Tensor[params.length + 1];
        in[0] = y0;
        System.arraycopy(params, 0, in, 1, params.length);
        return in;
    }

    static double[] checkTimes(Tensor ts) {
        if (ts.rank() != 1 || ts.numel() < 1) {
            throw new IllegalArgumentException("ODE output times: expected a 1-D tensor of at least one time, got shape "
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
                    throw new IllegalArgumentException("ODE output times must be strictly increasing or strictly decreasing: ts["
                            + (i - 1) + "] = " + t[i - 1] + ", ts[" + i + "] = " + t[i]);
                }
            }
        }
        return t;
    }

    /** The solve as one node on the tape, with the adjoint or checkpointed backward rule. */
    private static final class SolveFunction extends CustomFunction {
        private final Dynamics f;
        private final double[] times;
        private final Tensor[] params;
        private final Options o;
        private final SolveStats stats;
        private RungeKutta.Result forward;

        SolveFunction(Dynamics f, double[] times, Tensor[] params, Options o, SolveStats stats) {
            super(o.gradient() == Gradient.ADJOINT ? "odeint_adjoint" : "odeint_checkpointed");
            this.f = f;
            this.times = times;
            this.params = params;
            this.o = o;
            this.stats = stats;
        }

        @Override
        protected Tensor forward(Tensor[] in) {
            forward = RungeKutta.integrate(f, in[0], times, o.forward(), o.gradient() == Gradient.CHECKPOINTED);
            stats.forward(forward.nfe(), forward.accepted(), forward.rejected());
            return Tensor.stack(0, forward.outputs());
        }

        @Override
        protected Tensor[] backward(Tensor g, Tensor out, Tensor[] in, boolean[] needs) {
            Tensor[] grads;
            try (Grad.Scope ignored = Grad.noGrad()) {
                grads = o.gradient() == Gradient.ADJOINT
                        ? Adjoint.backward(f, times, params, out.detach(), g.detach(), o, stats)
                        : Checkpointed.backward(f, times, params, forward, g.detach(), o.method(), stats);
            }
            for (int i = 0; i < grads.length; i++) {
                if (!needs[i]) {
                    grads[i] = null;
                }
            }
            return grads;
        }
    }
}
