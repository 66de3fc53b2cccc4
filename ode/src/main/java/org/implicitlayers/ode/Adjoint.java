package org.implicitlayers.ode;

import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.ButcherTableau;
import org.implicitlayers.ode.solver.RungeKutta;

/**
 * The continuous adjoint (Pontryagin; Chen, Rubanova, Bettencourt and Duvenaud 2018): with {@code
 * a(t) = dL/dy(t)}, the augmented state {@code z = [y, a, g]} obeys {@code dy/dt = f}, {@code da/dt
 * = -a^T df/dy}, {@code dg/dt = -a^T df/dtheta} and is integrated from the last output time back to
 * the first; at each output time a jumps by that output's gradient and y is reset to the forward
 * solution there. At the end, a = dL/dy0 and g = dL/dtheta. Each evaluation of the augmented
 * dynamics is one taped evaluation of f and one vector-Jacobian product; nothing outlives it, so
 * memory does not grow with the number of steps. Gradients reach y0 and the parameters listed in
 * the solve. Accurate to the tolerances; the state integrated backwards can drift on unstable
 * dynamics (it is reset to the forward values at each output time). Start from {@link
 * Gradient#adjoint()}.
 *
 * @param method the method of the backward solve, explicit; null (the default) uses the forward
 *     solve's
 * @param tolerances the tolerances of the backward solve; null (the default) uses the forward
 *     solve's (the smallest of each when they are given per component, since the augmented state is
 *     longer than the state)
 * @param seminorm leave the parameter-gradient components out of the backward solve's error norm
 *     (Kidger, Chen and Lyons 2021, "Hey, that's not an ODE"): fewer backward steps, the integrals
 *     still accurate because they do not feed back into the state; default false
 */
public record Adjoint(ButcherTableau method, Tolerances tolerances, boolean seminorm)
        implements Gradient {
    public Adjoint {
        if (method != null && method.implicit()) {
            throw new IllegalArgumentException(
                    "Adjoint gradient: the backward solve needs an explicit method, got "
                            + method.name()
                            + "; with implicit methods use Gradient.checkpointed() or Gradient.direct() (stage gradients by the implicit"
                            + " function theorem)");
        }
    }

    /** Dynamics may ignore the state or a parameter: their gradients are then zero. */
    static final Grad.Options UNUSED_ARE_ZERO = Grad.Options.defaults().withAllowUnused(true);

    /** The forward solve's method and tolerances, no seminorm. */
    public static Adjoint defaults() {
        return new Adjoint(null, null, false);
    }

    public Adjoint withMethod(ButcherTableau m) {
        return new Adjoint(m, tolerances, seminorm);
    }

    public Adjoint withTolerances(Tolerances t) {
        return new Adjoint(method, t, seminorm);
    }

    /** Scalar tolerances of the backward solve. */
    public Adjoint withTolerances(double rtol, double atol) {
        return withTolerances(Tolerances.of(rtol, atol));
    }

    public Adjoint withSeminorm(boolean on) {
        return new Adjoint(method, tolerances, on);
    }

    @Override
    public String name() {
        return "adjoint";
    }

    /** The backward solve's method given the forward one. */
    ButcherTableau methodFor(OdeSolve.Options o) {
        return method != null ? method : o.method();
    }

    @Override
    public Tensor solve(
            Dynamics f,
            Tensor y0,
            double[] times,
            Tensor[] params,
            OdeSolve.Options o,
            SolveStats stats) {
        return new SolveNode("odeint_adjoint") {
            @Override
            protected Tensor forward(Tensor[] in) {
                RungeKutta.Result r = RungeKutta.integrate(f, in[0], times, o.forward(), null);
                stats.forward(r.nfe(), r.accepted(), r.rejected());
                return Tensor.stack(0, r.outputs());
            }

            @Override
            Tensor[] pullBack(Tensor out, Tensor g) {
                return Adjoint.this.backward(f, times, params, out, g, o, stats);
            }
        }.apply(SolveNode.concat(y0, params));
    }

    private Tensor[] backward(
            Dynamics f,
            double[] times,
            Tensor[] params,
            Tensor ys,
            Tensor g,
            OdeSolve.Options o,
            SolveStats stats) {
        int T = times.length;
        int[] shape = ys.select(0, 0).shape();
        int n = ys.select(0, 0).numel();
        int[] sizes = new int[params.length];
        int total = 2 * n;
        for (int p = 0; p < params.length; p++) {
            sizes[p] = params[p].numel();
            total += sizes[p];
        }
        Tensor[] gradsOut = new Tensor[params.length + 1];
        Tensor a = g.select(0, T - 1).reshape(n);
        Tensor[] gp = new Tensor[params.length];
        for (int p = 0; p < params.length; p++) {
            gp[p] = Tensor.zeros(params[p].dtype(), sizes[p]);
        }
        Dynamics aug =
                (t, z) -> {
                    Tensor y = z.slice(0, 0, n).reshape(shape).detach().requiringGrad();
                    Tensor adj = z.slice(0, n, 2 * n).reshape(shape);
                    Tensor fy;
                    Tensor[] vjp;
                    try (Grad.Scope ignored = Grad.enableGrad()) {
                        fy = f.apply(t, y);
                    }
                    Tensor[] wrt = new Tensor[params.length + 1];
                    wrt[0] = y;
                    System.arraycopy(params, 0, wrt, 1, params.length);
                    vjp = Grad.of(new Tensor[] {fy}, wrt, new Tensor[] {adj}, UNUSED_ARE_ZERO);
                    Tensor[] parts = new Tensor[params.length + 2];
                    parts[0] = fy.detach().reshape(n);
                    for (int p = 0; p < vjp.length; p++) {
                        parts[p + 1] = vjp[p].neg().reshape(p == 0 ? n : sizes[p - 1]);
                    }
                    return Tensor.concat(0, parts);
                };
        Tolerances tol = tolerances != null ? tolerances : o.tolerances().tightest();
        RungeKutta.Settings s =
                new RungeKutta.Settings(
                        methodFor(o),
                        o.controller(),
                        o.implicitStages(),
                        tol.rtol(),
                        tol.atol(),
                        Double.NaN,
                        o.step(),
                        o.maxSteps(),
                        seminorm ? 2 * n : -1);
        double firstStep = Double.NaN;
        for (int i = T - 1; i >= 1; i--) {
            Tensor[] parts = new Tensor[params.length + 2];
            parts[0] = ys.select(0, i).reshape(n);
            parts[1] = a;
            System.arraycopy(gp, 0, parts, 2, params.length);
            Tensor z = Tensor.concat(0, parts);
            RungeKutta.Settings si =
                    new RungeKutta.Settings(
                            s.method(),
                            s.controller(),
                            s.stages(),
                            s.rtol(),
                            s.atol(),
                            firstStep,
                            s.fixedStep(),
                            s.maxSteps(),
                            s.normLength());
            RungeKutta.Result r;
            try {
                r = RungeKutta.integrate(aug, z, new double[] {times[i], times[i - 1]}, si, null);
            } catch (OdeSolveException e) {
                throw new OdeSolveException(
                        e.kind(),
                        e.time(),
                        e.component(),
                        "adjoint (backward) solve from t = "
                                + times[i]
                                + " to "
                                + times[i - 1]
                                + ": "
                                + e.getMessage()
                                + " (components: the first "
                                + n
                                + " are the state, the next "
                                + n
                                + " its adjoint, then the parameter gradients)");
            }
            stats.backward(r.nfe(), r.accepted() + r.rejected());
            firstStep = r.lastStep();
            Tensor zEnd = r.outputs()[1];
            a = zEnd.slice(0, n, 2 * n).add(g.select(0, i - 1).reshape(n));
            int off = 2 * n;
            for (int p = 0; p < params.length; p++) {
                gp[p] = zEnd.slice(0, off, off + sizes[p]);
                off += sizes[p];
            }
        }
        gradsOut[0] = a.reshape(shape);
        for (int p = 0; p < params.length; p++) {
            gradsOut[p + 1] = gp[p].reshape(params[p].shape());
        }
        return gradsOut;
    }
}
