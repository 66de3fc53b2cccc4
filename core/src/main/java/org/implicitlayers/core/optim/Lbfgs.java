package org.implicitlayers.core.optim;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;

/**
 * Limited-memory BFGS (Nocedal and Wright 2006, Algorithm 7.4 and 7.5) with a line search
 * satisfying the strong Wolfe conditions (Algorithms 3.5 and 3.6, cubic interpolation), on the
 * parameters flattened to one float64 vector.
 *
 * <p>It stops only for a reason it reports: the gradient is small, the loss or the step stopped
 * changing (relative tolerances, so float32 noise in a large loss does not stop it at once), the
 * iteration or evaluation budget is spent, or the line search failed even from the steepest descent
 * direction after the curvature memory was reset.
 */
public final class Lbfgs {
    /** Why {@link #minimize} returned. */
    public enum StopReason {
        /** max |g| fell to the gradient tolerance. */
        GRADIENT_SMALL,
        /** The loss changed by less than the change tolerance. */
        LOSS_UNCHANGED,
        /** The step became shorter than the change tolerance. */
        STEP_TINY,
        /** The iteration budget was spent. */
        MAX_ITERATIONS,
        /** The evaluation budget was spent. */
        MAX_EVALUATIONS,
        /** The time budget ({@link #withTimeBudget}) was spent. */
        TIME_BUDGET,
        /** No step satisfying the Wolfe conditions was found, even along steepest descent. */
        LINE_SEARCH_FAILED
    }

    /**
     * Options.
     *
     * @param maxIterations iterations (default 1000)
     * @param maxEvaluations loss evaluations (default 1.25 maxIterations)
     * @param gradTolerance stop when max |g| {@literal <=} this (default 1e-9)
     * @param changeTolerance stop when |f_k - f_k-1| {@literal <=} this * max(1, |f_k|), or max
     *     |step| {@literal <=} this (default 1e-12)
     * @param history curvature pairs kept (default 50)
     * @param c1 sufficient decrease constant (default 1e-4)
     * @param c2 curvature constant (default 0.9)
     */
    public record Options(
            int maxIterations,
            int maxEvaluations,
            double gradTolerance,
            double changeTolerance,
            int history,
            double c1,
            double c2) {
        /**
         * 1000 iterations, 1250 evaluations, tolerances 1e-9 and 1e-12, 50 pairs, c1 1e-4, c2 0.9.
         */
        public static Options defaults() {
            return new Options(1000, 1250, 1e-9, 1e-12, 50, 1e-4, 0.9);
        }

        /** With n iterations and 1.25 n evaluations. */
        public Options withMaxIterations(int n) {
            return new Options(
                    n, (int) Math.ceil(n * 1.25), gradTolerance, changeTolerance, history, c1, c2);
        }

        /** With other gradient and change tolerances. */
        public Options withTolerances(double grad, double change) {
            return new Options(maxIterations, maxEvaluations, grad, change, history, c1, c2);
        }
    }

    /** The outcome of a run. */
    public record Result(double loss, int iterations, int evaluations, StopReason reason) {}

    /**
     * The loss at the current parameter values; it must leave fresh gradients in the parameters.
     */
    @FunctionalInterface
    public interface Objective {
        /** Computes the loss and backpropagates it (after clearing the gradients). */
        Tensor evaluate();
    }

    private final Map<String, Parameter> params;
    private final Options options;
    private int evaluations;
    private long deadline = Long.MAX_VALUE;

    /**
     * Stops after the first iteration that ends past this many seconds from now (the parameters
     * hold its point).
     */
    public Lbfgs withTimeBudget(double seconds) {
        deadline = System.nanoTime() + (long) (seconds * 1e9);
        return this;
    }

    /** L-BFGS over named parameters. */
    public Lbfgs(Map<String, Parameter> params, Options options) {
        this.params = new java.util.LinkedHashMap<>(params);
        this.options = options;
    }

    private double[] values() {
        int n = 0;
        for (Parameter p : params.values()) {
            n += p.numel();
        }
        double[] x = new double[n];
        int o = 0;
        for (Parameter p : params.values()) {
            double[] v = p.value().toDoubleArray();
            System.arraycopy(v, 0, x, o, v.length);
            o += v.length;
        }
        return x;
    }

    private void setValues(double[] x) {
        int o = 0;
        for (Parameter p : params.values()) {
            double[] v = java.util.Arrays.copyOfRange(x, o, o + p.numel());
            p.set(Tensor.of(p.value().dtype(), v, p.shape()));
            o += v.length;
        }
    }

    /** Sets x, evaluates, returns the loss; the gradient goes into g. */
    private double evaluate(Objective f, double[] x, double[] g) {
        setValues(x);
        for (Parameter p : params.values()) {
            p.zeroGrad();
        }
        double loss = f.evaluate().item();
        evaluations++;
        int o = 0;
        for (Parameter p : params.values()) {
            Tensor gr = p.grad();
            if (gr == null) {
                java.util.Arrays.fill(g, o, o + p.numel(), 0.0);
            } else {
                double[] v = gr.toDoubleArray();
                System.arraycopy(v, 0, g, o, v.length);
            }
            o += p.numel();
        }
        return loss;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double maxAbs(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * Minimises the objective from the parameters' current values; they hold the minimiser
     * afterwards.
     */
    public Result minimize(Objective f) {
        Run run = start(f);
        while (run.stopped() == null) {
            run.iterate(f);
        }
        return run.result();
    }

    /**
     * Starts a minimisation from the parameters' current values (one evaluation of {@code f}), to
     * be continued one iteration at a time with {@link Run#iterate}: a training loop can then
     * checkpoint between iterations ({@link Run#state()}, {@link #resume}) and a resumed run takes
     * exactly the iterations of an uninterrupted one.
     */
    public Run start(Objective f) {
        evaluations = 0;
        double[] x = values();
        double[] g = new double[x.length];
        double loss = evaluate(f, x, g);
        Run run = new Run(x, g, loss, new ArrayDeque<>(), 0);
        if (maxAbs(g) <= options.gradTolerance()) {
            run.stopped = StopReason.GRADIENT_SMALL;
        }
        return run;
    }

    /**
     * Continues a minimisation from a state of {@link Run#state()}: the iterate, its loss and
     * gradient, the curvature pairs and the counters. Validated completely first (shapes against
     * this optimiser's parameters, finite values, whole non-negative counters); the parameters are
     * set to the saved iterate.
     *
     * @throws IllegalArgumentException naming the entry and what was expected
     */
    public Run resume(Map<String, Tensor> state) {
        int n = values().length;
        double[] x = vector(state, "x", n), g = vector(state, "g", n);
        double loss = scalar(state, "loss", false),
                iter = scalar(state, "iterations", true),
                evals = scalar(state, "evaluations", true);
        double stop = scalar(state, "stopped", true);
        if (stop > StopReason.values().length) {
            throw new IllegalArgumentException(
                    "L-BFGS state 'stopped' is "
                            + stop
                            + ", expected 0 to "
                            + StopReason.values().length);
        }
        Tensor s = state.get("s"), y = state.get("y"), rho = state.get("rho");
        ArrayDeque<double[][]> memory = new ArrayDeque<>();
        if (s != null || y != null || rho != null) {
            if (s == null
                    || y == null
                    || rho == null
                    || s.shape().length != 2
                    || s.shape()[1] != n
                    || !java.util.Arrays.equals(s.shape(), y.shape())
                    || rho.numel() != s.shape()[0]
                    || s.shape()[0] > options.history()) {
                throw new IllegalArgumentException(
                        "L-BFGS state 's', 'y', 'rho': expected [k, "
                                + n
                                + "], [k, "
                                + n
                                + "] and [k] with k <= "
                                + options.history());
            }
            double[] sv = s.toDoubleArray(), yv = y.toDoubleArray(), rv = rho.toDoubleArray();
            int k = s.shape()[0];
            for (int i = 0; i < k; i++) {
                double[] si = java.util.Arrays.copyOfRange(sv, i * n, (i + 1) * n),
                        yi = java.util.Arrays.copyOfRange(yv, i * n, (i + 1) * n);
                memory.addLast(
                        new double[][] {
                            finite("s", si),
                            finite("y", yi),
                            {finite("rho", new double[] {rv[i]})[0]}
                        });
            }
        }
        Run run = new Run(x, g, loss, memory, (int) iter);
        run.stopped = stop == 0 ? null : StopReason.values()[(int) stop - 1];
        evaluations = (int) evals;
        setValues(x);
        return run;
    }

    private static double[] finite(String name, double[] v) {
        for (double d : v) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException(
                        "L-BFGS state '" + name + "' contains NaN or Inf");
            }
        }
        return v;
    }

    private static double[] vector(Map<String, Tensor> state, String name, int n) {
        Tensor t = state.get(name);
        if (t == null || t.numel() != n) {
            throw new IllegalArgumentException(
                    "L-BFGS state '"
                            + name
                            + "': expected "
                            + n
                            + " values (one per parameter element), got "
                            + (t == null ? "none" : t.numel()));
        }
        return finite(name, t.toDoubleArray());
    }

    private static double scalar(Map<String, Tensor> state, String name, boolean count) {
        Tensor t = state.get(name);
        if (t == null || t.numel() != 1) {
            throw new IllegalArgumentException("L-BFGS state '" + name + "': expected one number");
        }
        double v = t.item();
        if (!Double.isFinite(v) || count && (v < 0 || v != Math.rint(v) || v > Integer.MAX_VALUE)) {
            throw new IllegalArgumentException(
                    "L-BFGS state '"
                            + name
                            + "' is "
                            + v
                            + ", expected "
                            + (count ? "a whole number >= 0" : "a finite number"));
        }
        return v;
    }

    /** A minimisation in progress (see {@link #start}). Not thread-safe. */
    public final class Run {
        private final double[] x;
        private double[] g;
        private double loss;
        private final ArrayDeque<double[][]> memory; // {s, y, 1/(y.s)}
        private int iter;
        private StopReason stopped;

        private Run(double[] x, double[] g, double loss, ArrayDeque<double[][]> memory, int iter) {
            this.x = x;
            this.g = g;
            this.loss = loss;
            this.memory = memory;
            this.iter = iter;
        }

        /** Why the minimisation stopped, or null while it goes on. */
        public StopReason stopped() {
            return stopped;
        }

        /** The loss at the current iterate. */
        public double loss() {
            return loss;
        }

        /** Iterations taken so far. */
        public int iterations() {
            return iter;
        }

        /** The outcome so far. */
        public Result result() {
            return new Result(loss, iter, evaluations, stopped);
        }

        /**
         * The complete state as float64 tensors: {@code x}, {@code g}, {@code loss}, the curvature
         * pairs {@code s}, {@code y} [k, n] and {@code rho} [k] (absent when k = 0), and the
         * counters {@code iterations}, {@code evaluations}, {@code stopped} (0: running, else the
         * reason's ordinal + 1).
         */
        public Map<String, Tensor> state() {
            Map<String, Tensor> m = new java.util.LinkedHashMap<>();
            int n = x.length;
            m.put("x", Tensor.of(x.clone(), n));
            m.put("g", Tensor.of(g.clone(), n));
            m.put("loss", Tensor.scalar(org.implicitlayers.core.DType.FLOAT64, loss));
            if (!memory.isEmpty()) {
                int k = memory.size(), i = 0;
                double[] sv = new double[k * n], yv = new double[k * n], rv = new double[k];
                for (double[][] sy : memory) {
                    System.arraycopy(sy[0], 0, sv, i * n, n);
                    System.arraycopy(sy[1], 0, yv, i * n, n);
                    rv[i++] = sy[2][0];
                }
                m.put("s", Tensor.of(sv, k, n));
                m.put("y", Tensor.of(yv, k, n));
                m.put("rho", Tensor.of(rv, k));
            }
            m.put("iterations", Tensor.scalar(org.implicitlayers.core.DType.FLOAT64, iter));
            m.put("evaluations", Tensor.scalar(org.implicitlayers.core.DType.FLOAT64, evaluations));
            m.put(
                    "stopped",
                    Tensor.scalar(
                            org.implicitlayers.core.DType.FLOAT64,
                            stopped == null ? 0 : stopped.ordinal() + 1));
            return m;
        }

        /**
         * One iteration (Algorithm 7.5): a direction from the curvature pairs, a strong Wolfe line
         * search along it, the new pair; the parameters hold the new iterate. Returns why the
         * minimisation stopped after it, or null to go on.
         */
        public StopReason iterate(Objective f) {
            if (stopped != null) {
                return stopped;
            }
            int n = x.length;
            boolean steepestOnly = false;
            while (true) {
                iter++;
                // Direction: two-loop recursion (Algorithm 7.4) with H0 = (s.y / y.y) I.
                double[] q = new double[n];
                for (int i = 0; i < n; i++) {
                    q[i] = -g[i];
                }
                if (!memory.isEmpty() && !steepestOnly) {
                    double[] alpha = new double[memory.size()];
                    int k = memory.size() - 1;
                    for (Iterator<double[][]> it = memory.descendingIterator(); it.hasNext(); k--) {
                        double[][] sy = it.next();
                        alpha[k] = sy[2][0] * dot(sy[0], q);
                        for (int i = 0; i < n; i++) {
                            q[i] -= alpha[k] * sy[1][i];
                        }
                    }
                    double[][] last = memory.peekLast();
                    double gamma = dot(last[0], last[1]) / dot(last[1], last[1]);
                    for (int i = 0; i < n; i++) {
                        q[i] *= gamma;
                    }
                    k = 0;
                    for (double[][] sy : memory) {
                        double beta = sy[2][0] * dot(sy[1], q);
                        for (int i = 0; i < n; i++) {
                            q[i] += (alpha[k] - beta) * sy[0][i];
                        }
                        k++;
                    }
                }
                double[] d = q;
                double gtd = dot(g, d);
                if (gtd >= 0) {
                    // Not a descent direction (inaccurate curvature): fall back to steepest
                    // descent.
                    memory.clear();
                    for (int i = 0; i < n; i++) {
                        d[i] = -g[i];
                    }
                    gtd = dot(g, d);
                }
                double t =
                        memory.isEmpty() ? Math.min(1.0, 1.0 / Math.max(1e-300, sumAbs(g))) : 1.0;
                double[] gNew = new double[n];
                double[] step = lineSearch(f, x, loss, g, d, gtd, t, gNew);
                if (step == null) {
                    if (!memory.isEmpty()) {
                        memory.clear();
                        steepestOnly = true;
                        iter--;
                        continue;
                    }
                    setValues(x);
                    return stopped = StopReason.LINE_SEARCH_FAILED;
                }
                double tOk = step[0], lossNew = step[1];
                double[] s = new double[n], y = new double[n];
                for (int i = 0; i < n; i++) {
                    s[i] = tOk * d[i];
                    y[i] = gNew[i] - g[i];
                    x[i] += s[i];
                }
                double ys = dot(y, s);
                if (ys > 1e-10 * Math.max(1e-300, dot(s, s))) {
                    if (memory.size() == options.history()) {
                        memory.pollFirst();
                    }
                    memory.addLast(new double[][] {s, y, {1.0 / ys}});
                }
                double previous = loss;
                loss = lossNew;
                g = gNew;
                setValues(x);
                if (maxAbs(g) <= options.gradTolerance()) {
                    return stopped = StopReason.GRADIENT_SMALL;
                }
                if (Math.abs(previous - loss)
                        <= options.changeTolerance() * Math.max(1.0, Math.abs(loss))) {
                    return stopped = StopReason.LOSS_UNCHANGED;
                }
                if (maxAbs(s) <= options.changeTolerance()) {
                    return stopped = StopReason.STEP_TINY;
                }
                if (iter >= options.maxIterations()) {
                    return stopped = StopReason.MAX_ITERATIONS;
                }
                if (evaluations >= options.maxEvaluations()) {
                    return stopped = StopReason.MAX_EVALUATIONS;
                }
                if (System.nanoTime() > deadline) {
                    return stopped = StopReason.TIME_BUDGET;
                }
                return null;
            }
        }
    }

    private static double sumAbs(double[] a) {
        double s = 0;
        for (double v : a) {
            s += Math.abs(v);
        }
        return s;
    }

    /**
     * Strong Wolfe line search along d from x (Nocedal and Wright, Algorithm 3.5). Returns {t, f(x
     * + t d)} with the gradient there in gOut, or null when no acceptable step was found.
     */
    private double[] lineSearch(
            Objective f,
            double[] x,
            double f0,
            double[] g0,
            double[] d,
            double gtd0,
            double t,
            double[] gOut) {
        int n = x.length;
        double[] xt = new double[n], gt = new double[n];
        double tPrev = 0, fPrev = f0, gtdPrev = gtd0;
        double[] gPrev = g0.clone();
        double c1 = options.c1(), c2 = options.c2();
        for (int it = 0; it < 25; it++) {
            double ft = eval(f, x, d, t, xt, gt);
            double gtd = dot(gt, d);
            if (ft > f0 + c1 * t * gtd0 || (it > 0 && ft >= fPrev)) {
                return zoom(f, x, d, f0, gtd0, tPrev, fPrev, gtdPrev, gPrev, t, ft, gtd, gOut);
            }
            if (Math.abs(gtd) <= -c2 * gtd0) {
                System.arraycopy(gt, 0, gOut, 0, n);
                return new double[] {t, ft};
            }
            if (gtd >= 0) {
                return zoom(f, x, d, f0, gtd0, t, ft, gtd, gt.clone(), tPrev, fPrev, gtdPrev, gOut);
            }
            double next =
                    cubicMinimum(tPrev, fPrev, gtdPrev, t, ft, gtd, t + 0.01 * (t - tPrev), 10 * t);
            tPrev = t;
            fPrev = ft;
            gtdPrev = gtd;
            gPrev = gt.clone();
            t = next;
            if (evaluations >= options.maxEvaluations()) {
                break;
            }
        }
        return null;
    }

    /** Algorithm 3.6: shrink [lo, hi] until a point satisfies the strong Wolfe conditions. */
    private double[] zoom(
            Objective f,
            double[] x,
            double[] d,
            double f0,
            double gtd0,
            double lo,
            double fLo,
            double gtdLo,
            double[] gLo,
            double hi,
            double fHi,
            double gtdHi,
            double[] gOut) {
        int n = x.length;
        double[] xt = new double[n], gt = new double[n];
        double c1 = options.c1(), c2 = options.c2();
        double dMax = maxAbs(d);
        for (int it = 0; it < 30; it++) {
            double a = Math.min(lo, hi), b = Math.max(lo, hi);
            double t = cubicMinimum(lo, fLo, gtdLo, hi, fHi, gtdHi, a, b);
            // Keep away from the ends, where progress stalls (as in minFunc / PyTorch).
            double margin = 0.1 * (b - a);
            if (Math.min(b - t, t - a) < margin) {
                t = Math.abs(t - a) < Math.abs(t - b) ? a + margin : b - margin;
            }
            double ft = eval(f, x, d, t, xt, gt);
            double gtd = dot(gt, d);
            if (ft > f0 + c1 * t * gtd0 || ft >= fLo) {
                hi = t;
                fHi = ft;
                gtdHi = gtd;
            } else {
                if (Math.abs(gtd) <= -c2 * gtd0) {
                    System.arraycopy(gt, 0, gOut, 0, n);
                    return new double[] {t, ft};
                }
                if (gtd * (hi - lo) >= 0) {
                    hi = lo;
                    fHi = fLo;
                    gtdHi = gtdLo;
                }
                lo = t;
                fLo = ft;
                gtdLo = gtd;
                gLo = gt.clone();
            }
            if (Math.abs(hi - lo) * dMax < options.changeTolerance()
                    || evaluations >= options.maxEvaluations()) {
                break;
            }
        }
        // The interval collapsed: accept the best point if it decreased the loss sufficiently.
        if (lo > 0 && fLo <= f0 + c1 * lo * gtd0) {
            System.arraycopy(gLo, 0, gOut, 0, n);
            return new double[] {lo, fLo};
        }
        return null;
    }

    private double eval(Objective f, double[] x, double[] d, double t, double[] xt, double[] gt) {
        for (int i = 0; i < x.length; i++) {
            xt[i] = x[i] + t * d[i];
        }
        return evaluate(f, xt, gt);
    }

    /**
     * Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2) (Nocedal and Wright, eq. 3.59),
     * clamped to [lo, hi]; the midpoint when the cubic has no minimiser there.
     */
    static double cubicMinimum(
            double x1,
            double f1,
            double g1,
            double x2,
            double f2,
            double g2,
            double lo,
            double hi) {
        double a = Math.min(lo, hi), b = Math.max(lo, hi);
        double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
        double disc = d1 * d1 - g1 * g2;
        if (disc >= 0 && x1 != x2) {
            double d2 = Math.signum(x2 - x1) * Math.sqrt(disc);
            double t = x2 - (x2 - x1) * (g2 + d2 - d1) / (g2 - g1 + 2 * d2);
            if (Double.isFinite(t)) {
                return Math.min(Math.max(t, a), b);
            }
        }
        return 0.5 * (a + b);
    }
}
