package org.implicitlayers.ode.solver;

import java.util.Arrays;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.Dynamics;
import org.implicitlayers.ode.OdeSolveException;

/**
 * The one explicit Runge-Kutta stepper: any {@link ButcherTableau}, adaptive steps from its
 * embedded estimate and a {@link StepSizeController}, or fixed steps; output at requested times
 * from the method's dense output. Works on tensors of any shape: when recording is on and the state
 * or the dynamics' parameters require grad, every stage and combination lands on the tape (the
 * "direct" gradient); step sizes are plain numbers and are not differentiated.
 */
public final class RungeKutta {
    private RungeKutta() {}

    /**
     * How to integrate.
     *
     * @param method the tableau
     * @param controller step-size controller (adaptive methods)
     * @param stages how the stages of implicit methods are solved
     * @param rtol relative tolerance, one value or one per state component
     * @param atol absolute tolerance, one value or one per state component
     * @param firstStep first step size (adaptive methods); NaN chooses it by Hairer's algorithm
     * @param fixedStep step size of fixed-step methods (the last step before each end is
     *     shortened); NaN for adaptive ones
     * @param maxSteps most steps (accepted and rejected) before giving up
     * @param normLength the error norm covers the first {@code normLength} components only (the
     *     rest are integrated but do not limit the step); -1 for all
     */
    public record Settings(
            ButcherTableau method,
            StepSizeController controller,
            ImplicitStages stages,
            double[] rtol,
            double[] atol,
            double firstStep,
            double fixedStep,
            int maxSteps,
            int normLength) {
        public Settings {
            if (method == null || controller == null || stages == null) {
                throw new IllegalArgumentException(
                        "RungeKutta.Settings: method, controller and stages must be set");
            }
            if (!method.adaptive() && !(fixedStep > 0)) {
                throw new IllegalArgumentException(
                        "method "
                                + method.name()
                                + " has a fixed step: set a positive step size (got "
                                + fixedStep
                                + ")");
            }
            if (maxSteps <= 0) {
                throw new IllegalArgumentException("maxSteps must be positive, got " + maxSteps);
            }
            for (double v : rtol) {
                if (!(v >= 0)) {
                    throw new IllegalArgumentException("rtol must be >= 0, got " + v);
                }
            }
            for (double v : atol) {
                if (!(v >= 0)) {
                    throw new IllegalArgumentException("atol must be >= 0, got " + v);
                }
            }
        }
    }

    /** Sees each accepted step as it is taken (to keep checkpoints for a later replay). */
    @FunctionalInterface
    public interface StepObserver {
        /**
         * @param index the step's index, from 0
         * @param t its start time
         * @param h its size
         * @param y its start state (detached)
         */
        void accepted(int index, double t, double h, Tensor y);
    }

    /**
     * The outcome of a solve.
     *
     * @param outputs the state at each requested time (the first is y0 itself)
     * @param nfe evaluations of f
     * @param accepted accepted steps
     * @param rejected rejected steps
     * @param lastStep the step size the controller proposed last (a good first step for a
     *     continuation)
     * @param outputStep index of the accepted step each output lies in (-1: the initial state)
     * @param outputTheta position of each output in its step, in (0, 1]
     * @param stopTime where a stop condition ended the solve early, or NaN
     */
    public record Result(
            Tensor[] outputs,
            int nfe,
            int accepted,
            int rejected,
            double lastStep,
            int[] outputStep,
            double[] outputTheta,
            double stopTime) {}

    /**
     * Integrates from {@code times[0]} through every later time (strictly increasing or strictly
     * decreasing), returning the state at each.
     *
     * @param observer sees each accepted step (null for none)
     */
    public static Result integrate(
            Dynamics f, Tensor y0, double[] times, Settings s, StepObserver observer) {
        return integrate(f, y0, times, s, observer, null);
    }

    /** Finds where, inside an accepted step, the solve should stop (a terminal event). */
    @FunctionalInterface
    public interface StopCondition {
        /**
         * @param t the step's start
         * @param h its size
         * @param y the state at t
         * @param y1 the state at t + h
         * @param dense theta in [0, 1] to the state at t + theta h
         * @return the stopping time in (t, t + h], or NaN to go on
         */
        double locate(
                double t,
                double h,
                Tensor y,
                Tensor y1,
                java.util.function.DoubleFunction<Tensor> dense);
    }

    /**
     * As {@link #integrate(Dynamics, Tensor, double[], Settings, StepObserver)}, stopping early
     * where {@code stop} says: the result's {@code stopTime} is then that time and later outputs
     * are null.
     */
    public static Result integrate(
            Dynamics f,
            Tensor y0,
            double[] times,
            Settings s,
            StepObserver observer,
            StopCondition stop) {
        ButcherTableau m = s.method();
        int n = y0.numel();
        checkTolerance("rtol", s.rtol(), n);
        checkTolerance("atol", s.atol(), n);
        int normLength = s.normLength() < 0 ? n : Math.min(s.normLength(), n);
        Tensor[] outputs = new Tensor[times.length];
        int[] outStep = new int[times.length];
        double[] outTheta = new double[times.length];
        outputs[0] = y0;
        outStep[0] = -1;
        outTheta[0] = 0;
        double t0 = times[0];
        double tEnd = times[times.length - 1];
        if (times.length == 1) {
            return new Result(outputs, 0, 0, 0, Double.NaN, outStep, outTheta, Double.NaN);
        }
        double dir = Math.signum(tEnd - t0);
        int[] nfe = {0};
        Tensor y = y0;
        double[] yd = y0.toDoubleArray();
        checkFinite(yd, t0, "the initial state");
        Tensor f0 = eval(f, t0, y, nfe);
        double h;
        if (!m.adaptive()) {
            h = dir * s.fixedStep();
        } else if (Double.isNaN(s.firstStep())) {
            h =
                    dir
                            * InitialStep.hairer(
                                    f,
                                    t0,
                                    y,
                                    f0,
                                    m.errorOrder() + 1,
                                    s.rtol(),
                                    s.atol(),
                                    normLength,
                                    dir,
                                    Math.abs(tEnd - t0),
                                    nfe);
        } else {
            h = dir * Math.abs(s.firstStep());
        }
        double t = t0;
        int next = 1;
        int accepted = 0;
        int rejected = 0;
        double errPrev = 1e-4;
        boolean fsal = m.fsal();
        double[] bh = new double[m.stages()];
        while (next < times.length) {
            if (accepted + rejected >= s.maxSteps()) {
                throw new OdeSolveException(
                        OdeSolveException.Kind.MAX_STEPS,
                        t,
                        -1,
                        String.format(
                                "ODE solve stopped after %d steps (%d accepted, %d rejected) at t = %.6g, %.1f%% of the way from %s to %s;"
                                        + " raise maxSteps, loosen the tolerances, or use a stiff solver if the problem is stiff",
                                accepted + rejected,
                                accepted,
                                rejected,
                                t,
                                100 * (t - t0) / (tEnd - t0),
                                t0,
                                tEnd));
            }
            // A last step within a rounding margin of h is taken as the last (fixed steps
            // accumulate t += h).
            boolean last = dir * (t + h - tEnd) >= -1e-10 * Math.abs(h);
            double hStep = last ? tEnd - t : h;
            if (Math.abs(hStep) <= 16 * Math.ulp(Math.abs(t))
                    || Math.abs(hStep) < Double.MIN_NORMAL) {
                throw underflow(t, hStep, f, y, m, s, nfe);
            }
            Tensor[] k;
            try {
                k = stages(f, m, s.stages(), t, y, f0, hStep, nfe);
            } catch (ImplicitStage.NotConverged e) {
                if (!m.adaptive()) {
                    throw new OdeSolveException(
                            OdeSolveException.Kind.NEWTON_FAILURE,
                            t,
                            -1,
                            e.getMessage()
                                    + "; take a smaller fixed step or use an adaptive method (kvaerno3)");
                }
                rejected++;
                h = hStep * 0.25;
                continue;
            }
            for (int j = 0; j < bh.length; j++) {
                bh[j] = hStep * m.b()[j];
            }
            Tensor y1 = Lincomb.of(y, bh, k);
            double[] y1d = y1.toDoubleArray();
            double err = 0;
            if (m.adaptive()) {
                err = errorRatio(m, hStep, k, yd, y1d, s.rtol(), s.atol(), normLength, null);
                if (!(err <= 1)) {
                    rejected++;
                    h = hStep * s.controller().factor(err, errPrev, m.errorOrder());
                    continue;
                }
            }
            checkFinite(y1d, t + hStep, "the state");
            accepted++;
            double tNew = last ? tEnd : t + hStep;
            Tensor f1 = fsal ? k[k.length - 1] : null;
            if (observer != null) {
                observer.accepted(accepted - 1, t, hStep, y.detach());
            }
            if (stop != null) {
                Tensor[] kk = k;
                Tensor yy = y;
                Tensor[] f1box = {f1};
                double tStop =
                        stop.locate(
                                t,
                                hStep,
                                y,
                                y1,
                                theta -> {
                                    if (theta == 1.0) {
                                        return y1;
                                    }
                                    if (f1box[0] == null) {
                                        f1box[0] = eval(f, tNew, y1, nfe);
                                    }
                                    return dense(m, hStep, yy, kk, f1box[0], theta);
                                });
                f1 = f1box[0];
                if (!Double.isNaN(tStop)) {
                    return new Result(
                            outputs,
                            nfe[0],
                            accepted,
                            rejected,
                            Math.abs(h),
                            outStep,
                            outTheta,
                            tStop);
                }
            }
            while (next < times.length && dir * (times[next] - tNew) <= 0) {
                double theta = (times[next] - t) / hStep;
                outStep[next] = accepted - 1;
                outTheta[next] = theta;
                if (times[next] == tNew) {
                    outputs[next] = y1;
                } else {
                    if (f1 == null) {
                        f1 = eval(f, tNew, y1, nfe);
                    }
                    outputs[next] = dense(m, hStep, y, k, f1, theta);
                }
                next++;
            }
            if (m.adaptive()) {
                h = hStep * s.controller().factor(err, errPrev, m.errorOrder());
                errPrev = Math.max(err, 1e-4);
                if (last && Math.abs(h) < Math.abs(hStep)) {
                    h = hStep;
                }
            }
            t = tNew;
            y = y1;
            yd = y1d;
            if (next < times.length) {
                f0 = f1 != null ? f1 : eval(f, t, y, nfe);
                checkFinite(f0.toDoubleArray(), t, "dy/dt");
            }
        }
        return new Result(
                outputs, nfe[0], accepted, rejected, Math.abs(h), outStep, outTheta, Double.NaN);
    }

    /**
     * The stages k_1..k_s of a step from (t, y) with first stage f0 (the array has room for f(t +
     * h, y1) when the method is not FSAL).
     */
    public static Tensor[] stages(
            Dynamics f,
            ButcherTableau m,
            ImplicitStages solvers,
            double t,
            Tensor y,
            Tensor f0,
            double h,
            int[] nfe) {
        int st = m.stages();
        Tensor[] k = new Tensor[m.fsal() ? st : st + 1];
        k[0] = f0;
        double[] ha = new double[st];
        for (int i = 1; i < st; i++) {
            double[] ai = m.a()[i];
            for (int j = 0; j < i; j++) {
                ha[j] = h * ai[j];
            }
            Tensor yi = Lincomb.of(y, Arrays.copyOf(ha, i), k);
            double gamma = m.diag() == null ? 0 : m.diag()[i];
            k[i] =
                    gamma == 0
                            ? eval(f, t + m.c()[i] * h, yi, nfe)
                            : ImplicitStage.solve(f, t + m.c()[i] * h, yi, h * gamma, solvers, nfe);
        }
        return k;
    }

    /** The step's end state y + h sum b_i k_i. */
    public static Tensor advance(ButcherTableau m, double h, Tensor y, Tensor[] k) {
        double[] bh = new double[m.stages()];
        for (int j = 0; j < bh.length; j++) {
            bh[j] = h * m.b()[j];
        }
        return Lincomb.of(y, bh, k);
    }

    /** The dense output at {@code theta} in (0, 1) of a step with stages k and end slope f1. */
    public static Tensor dense(
            ButcherTableau m, double h, Tensor y, Tensor[] k, Tensor f1, double theta) {
        double[] w = m.dense().weights(theta, m.b());
        Tensor[] kk = k;
        if (!m.fsal()) {
            kk = Arrays.copyOf(k, m.stages() + 1);
            kk[m.stages()] = f1;
        }
        for (int j = 0; j < w.length; j++) {
            w[j] *= h;
        }
        return Lincomb.of(y, w, kk);
    }

    static Tensor eval(Dynamics f, double t, Tensor y, int[] nfe) {
        nfe[0]++;
        Tensor d = f.apply(t, y);
        if (!Arrays.equals(d.shape(), y.shape()) || d.dtype() != y.dtype()) {
            throw new IllegalArgumentException(
                    "dynamics at t = "
                            + t
                            + " returned "
                            + d.dtype()
                            + Arrays.toString(d.shape())
                            + " for a state of "
                            + y.dtype()
                            + Arrays.toString(y.shape())
                            + "; dy/dt must have the state's shape and dtype");
        }
        return d;
    }

    /**
     * RMS over the first normLength components of the error estimate scaled by atol + rtol max(|y|,
     * |y1|); fills worst[0] with the largest component.
     */
    static double errorRatio(
            ButcherTableau m,
            double h,
            Tensor[] k,
            double[] y,
            double[] y1,
            double[] rtol,
            double[] atol,
            int normLength,
            int[] worst) {
        int n = y.length;
        double[] e5 = new double[n];
        double[] e3 = m.e3() == null ? null : new double[n];
        for (int j = 0; j < m.stages(); j++) {
            double c5 = m.e()[j];
            double c3 = e3 == null ? 0 : m.e3()[j];
            if (c5 == 0 && c3 == 0) {
                continue;
            }
            double[] kj = k[j].toDoubleArray();
            for (int i = 0; i < n; i++) {
                e5[i] += c5 * kj[i];
                if (e3 != null) {
                    e3[i] += c3 * kj[i];
                }
            }
        }
        double s5 = 0;
        double s3 = 0;
        double big = -1;
        for (int i = 0; i < normLength; i++) {
            double sc =
                    atol[atol.length == 1 ? 0 : i]
                            + rtol[rtol.length == 1 ? 0 : i]
                                    * Math.max(Math.abs(y[i]), Math.abs(y1[i]));
            double r = e5[i] / sc;
            s5 += r * r;
            if (e3 != null) {
                double r3 = e3[i] / sc;
                s3 += r3 * r3;
            }
            if (worst != null && !(Math.abs(r) <= big)) {
                big = Math.abs(r);
                worst[0] = i;
            }
        }
        s5 /= normLength;
        if (e3 == null) {
            return Math.abs(h) * Math.sqrt(s5);
        }
        s3 /= normLength;
        // Hairer's DOP853: err = |h| err5^2 / sqrt(err5^2 + 0.01 err3^2)
        double deno = s5 + 0.01 * s3;
        return deno > 0 ? Math.abs(h) * s5 / Math.sqrt(deno) : 0;
    }

    private static OdeSolveException underflow(
            double t, double h, Dynamics f, Tensor y, ButcherTableau m, Settings s, int[] nfe) {
        String where = "";
        int comp = -1;
        if (m.adaptive()) {
            // The error estimate of a step of the last tried size says which component forced the
            // steps down.
            double hTry = Math.abs(h) > 0 ? h : Math.ulp(Math.abs(t));
            Tensor[] k;
            try {
                k = stages(f, m, s.stages(), t, y, eval(f, t, y, nfe), hTry, nfe);
            } catch (ImplicitStage.NotConverged e) {
                return new OdeSolveException(
                        OdeSolveException.Kind.NEWTON_FAILURE,
                        t,
                        -1,
                        String.format(
                                "ODE step size underflow at t = %.17g: h = %.3g; %s",
                                t, h, e.getMessage()));
            }
            Tensor y1 = advance(m, hTry, y, k);
            int[] worst = {-1};
            double[] y1d = y1.toDoubleArray();
            for (int i = 0; i < y1d.length; i++) {
                if (!Double.isFinite(y1d[i])) {
                    return new OdeSolveException(
                            OdeSolveException.Kind.NON_FINITE,
                            t,
                            i,
                            String.format(
                                    "ODE solve: the state becomes %s in component %d (flat index) for every step tried from t = %.17g,"
                                            + " down to h = %.3g; the dynamics are not finite near this state",
                                    y1d[i], i, t, h));
                }
            }
            errorRatio(m, hTry, k, y.toDoubleArray(), y1d, s.rtol(), s.atol(), y.numel(), worst);
            comp = worst[0];
            if (comp >= 0) {
                where =
                        ", the largest error estimate is in state component "
                                + comp
                                + " (flat index; value "
                                + y.get(comp)
                                + ")";
            }
        }
        return new OdeSolveException(
                OdeSolveException.Kind.STEP_SIZE_UNDERFLOW,
                t,
                comp,
                String.format(
                        "ODE step size underflow at t = %.17g: h = %.3g%s. The problem is likely stiff (try a stiff solver: backward Euler or"
                                + " an ESDIRK method) or the solution blows up near this time; looser tolerances may also help",
                        t, h, where));
    }

    private static void checkFinite(double[] v, double t, String what) {
        for (int i = 0; i < v.length; i++) {
            if (!Double.isFinite(v[i])) {
                throw new OdeSolveException(
                        OdeSolveException.Kind.NON_FINITE,
                        t,
                        i,
                        String.format(
                                "%s is %s at t = %.17g in component %d (flat index); check the dynamics and the initial state there",
                                what, v[i], t, i));
            }
        }
    }

    private static void checkTolerance(String name, double[] tol, int n) {
        if (tol.length != 1 && tol.length != n) {
            throw new IllegalArgumentException(
                    name
                            + " has "
                            + tol.length
                            + " values; expected 1 or one per state component ("
                            + n
                            + ")");
        }
    }
}
