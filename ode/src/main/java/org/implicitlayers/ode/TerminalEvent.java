package org.implicitlayers.ode;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.RungeKutta;

/**
 * Solves until a terminal event: the first time t* where the scalar condition g(t, y) changes sign
 * (hitting the ground, crossing a threshold). t* is found on the method's dense output (Illinois
 * regula falsi to rounding), and both t* and y(t*) are differentiable: with {@code G(t, p) = g(t,
 * y(t; p))}, the implicit function theorem gives {@code dt* / dp = -G_p / G_t}, {@code G_t = dg/dt
 * + dg/dy f(t*, y*)} (Chen, Amos and Nickel 2021, "Learning neural event functions"), and {@code
 * dy* / dp = dy / dp + f(t*, y*) dt* / dp}. The state gradient dy/dp at fixed t* comes from the
 * chosen gradient mode.
 */
public final class TerminalEvent {
    private TerminalEvent() {}

    /**
     * The event condition: a scalar tensor (shape [] or [1]) computed from t and y, differentiable
     * in y.
     */
    @FunctionalInterface
    public interface Condition {
        Tensor apply(double t, Tensor y);
    }

    /**
     * @param time t*, a scalar tensor ([]) on the tape (tMax when the event did not happen)
     * @param state y(t*), of y0's shape, on the tape
     * @param triggered whether the condition changed sign before tMax
     * @param stats the counts of the (second, differentiable) solve to t*
     */
    public record Result(Tensor time, Tensor state, boolean triggered, SolveStats stats) {}

    /**
     * @param f dynamics
     * @param y0 initial state
     * @param t0 initial time
     * @param tMax give up at this time (the result says the event did not trigger)
     * @param params the tensors f reads that gradients should reach
     * @param g the event condition
     * @param o solver options (the gradient mode applies to y(t*) at fixed t*)
     */
    public static Result solve(
            Dynamics f,
            Tensor y0,
            double t0,
            double tMax,
            Tensor[] params,
            Condition g,
            OdeSolve.Options o) {
        double[] span = {t0, tMax};
        RungeKutta.Result first;
        try (Grad.Scope ignored = Grad.noGrad()) {
            Tensor yd = y0.detach();
            double[] g0 = {value(g, t0, yd)};
            first =
                    RungeKutta.integrate(
                            f,
                            yd,
                            span,
                            o.forward(),
                            null,
                            (t, h, y, y1, dense) -> {
                                double ga = g0[0];
                                double gb = value(g, t + h, y1);
                                g0[0] = gb;
                                if (!(ga * gb < 0 || (gb == 0 && ga != 0))) {
                                    return Double.NaN;
                                }
                                return illinois(
                                        th -> value(g, t + th * h, dense.apply(th)), ga, gb, t, h);
                            });
        }
        boolean triggered = !Double.isNaN(first.stopTime());
        double tStar = triggered ? first.stopTime() : tMax;
        DType dt = y0.dtype();
        OdeSolve.Solution s =
                OdeSolve.solve(f, y0, Tensor.of(dt, new double[] {t0, tStar}, 2), params, o);
        Tensor yFixed = s.ys().select(0, 1);
        Tensor fStar;
        try (Grad.Scope ignored = Grad.noGrad()) {
            fStar = f.apply(tStar, yFixed.detach());
        }
        if (!triggered) {
            return new Result(Tensor.full(dt, tMax), yFixed, false, s.stats());
        }
        // G_t = dg/dt + <dg/dy, f>: dg/dy by reverse mode, the explicit time dependence by a
        // central difference.
        Tensor yd = yFixed.detach().requiringGrad();
        Tensor gy;
        try (Grad.Scope ignored = Grad.enableGrad()) {
            gy =
                    Grad.of(
                            new Tensor[] {g.apply(tStar, yd).sum()},
                            new Tensor[] {yd},
                            null,
                            Adjoint.UNUSED_ARE_ZERO)[0];
        }
        double dtStep = (dt == DType.FLOAT64 ? 1e-6 : 1e-3) * Math.max(1, Math.abs(tStar));
        double gt;
        try (Grad.Scope ignored = Grad.noGrad()) {
            gt =
                    (value(g, tStar + dtStep, yFixed.detach())
                                            - value(g, tStar - dtStep, yFixed.detach()))
                                    / (2 * dtStep)
                            + gy.mul(fStar).sum().item();
        }
        if (gt == 0 || !Double.isFinite(gt)) {
            throw new OdeSolveException(
                    OdeSolveException.Kind.NON_FINITE,
                    tStar,
                    -1,
                    "terminal event at t = "
                            + tStar
                            + ": the condition's rate of change d/dt g(t, y(t)) is "
                            + gt
                            + " there (a tangential crossing), so the event time"
                            + " has no derivative");
        }
        Tensor gTaped = g.apply(tStar, yFixed).sum();
        Tensor time = gTaped.sub(gTaped.detach()).mul(-1.0 / gt).add(tStar);
        Tensor state = yFixed.add(time.sub(time.detach()).mul(fStar));
        return new Result(time, state, true, s.stats());
    }

    private static double value(Condition g, double t, Tensor y) {
        Tensor v = g.apply(t, y);
        if (v.numel() != 1) {
            throw new IllegalArgumentException(
                    "terminal event: the condition must return one value, got shape "
                            + java.util.Arrays.toString(v.shape()));
        }
        return v.item();
    }

    /** The root of gOf(theta) in (0, 1] by the Illinois variant of regula falsi, as a time. */
    private static double illinois(
            java.util.function.DoubleUnaryOperator gOf, double ga, double gb, double t, double h) {
        double a = 0;
        double b = 1;
        int side = 0;
        for (int it = 0;
                it < 100 && Math.abs(b - a) * Math.abs(h) > 4 * Math.ulp(Math.abs(t) + Math.abs(h));
                it++) {
            double c = (a * gb - b * ga) / (gb - ga);
            double gc = gOf.applyAsDouble(c);
            if (gc == 0) {
                return t + c * h;
            }
            if (gc * gb < 0) {
                a = b;
                ga = gb;
                side = 0;
            } else {
                ga = side == -1 ? ga / 2 : ga;
                side = -1;
            }
            b = c;
            gb = gc;
        }
        return t + b * h;
    }
}
