package org.implicitlayers.core.optim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;

/**
 * Energy natural gradient descent (Müller and Zeinhofer, "Achieving high accuracy with PINNs via
 * energy natural gradient descent", ICML 2023): a Gauss-Newton method in function space. At the
 * parameters theta, the objective supplies the gradient g of its loss and a factor A [m, P] of the
 * Gram matrix G = A^T A of the model's tangent space in the energy inner product (for the Ritz
 * energy, G_ij = a(d_i u, d_j u); for a least-squares loss such as the PINN residual, J^T J with J
 * the Jacobian of the weighted residuals). The step solves the damped system (G + eps I) d = g by
 * Cholesky, eps = the current relative damping times the mean of G's diagonal (raised tenfold while
 * the factorisation fails or d is no descent direction), then searches the grid eta = 1, 1/2, 1/4,
 * ... for the step size, as the paper does: theta - eta d with the lowest loss on the same points,
 * stopping once the loss rises again past a decrease. A step that lowers the loss at no eta leaves
 * theta unchanged. The relative damping starts at {@link Options#damping()} and adapts as in
 * Levenberg-Marquardt: divided by 10 after a step of size 1/2 or more (not below the option),
 * multiplied by 10 after one of 1/16 or less and by 100 after none.
 *
 * <p>Everything is float64: the Gram matrix of a network is ill-conditioned (eigenvalues spread
 * over many orders of magnitude), and its small eigenvalues carry the directions that take the
 * error from 1e-3 to 1e-6.
 *
 * <p>Two forms of the same step, chosen by the shapes. With at least as many rows m as parameters
 * P, the P x P system above (the Gram matrix costs m P^2 multiply-adds, its Cholesky factor P^3 /
 * 3). With fewer rows than parameters, the Woodbury form in sample space (Müller and Zeinhofer
 * 2025, "Improving energy natural gradient descent through Woodbury, momentum, and randomization"):
 * (A^T A + eps I)^-1 = (I - A^T (A A^T + eps I)^-1 A) / eps, so only the m x m kernel A A^T (m^2 P,
 * then m^3 / 3) is factorised. For a least-squares loss, whose gradient is A^T rho ({@link
 * Linearisation#residual()}), the push-through identity gives d = A^T (A A^T + eps I)^-1 rho with
 * no division by eps; otherwise d = (g - A^T (A A^T + eps I)^-1 A g) / eps. The damping eps is the
 * same in both forms (relative to trace(A^T A) / P = trace(A A^T) / P), so both give one step up to
 * rounding.
 *
 * <p>A self-contained stage: it knows its parameters and options, takes an {@link Objective} at
 * each {@link #step}, and its whole state ({@link #stateDict()}: the step count, the last step size
 * and the current damping) goes into checkpoints; the parameters themselves are the model's.
 */
public final class Engd {
    /**
     * Options. Defaults: damping 1e-10 (relative to the mean diagonal of G), 20 step sizes 2^0 ..
     * 2^-19.
     *
     * @param damping eps / mean(diag G), positive
     * @param lineSearch number of step sizes tried, 1, 1/2, ..., 2^-(lineSearch-1); at least 1
     */
    public record Options(double damping, int lineSearch) {
        public Options {
            if (!(damping > 0) || !Double.isFinite(damping)) {
                throw new IllegalArgumentException(
                        "engd damping: expected a positive number, got " + damping);
            }
            if (lineSearch < 1 || lineSearch > 60) {
                throw new IllegalArgumentException(
                        "engd line search: expected 1 to 60 step sizes, got " + lineSearch);
            }
        }

        public static Options defaults() {
            return new Options(1e-10, 20);
        }

        public Options withDamping(double eps) {
            return new Options(eps, lineSearch);
        }
    }

    /**
     * The loss being minimised, on points held fixed between one {@link #linearise()} and the
     * {@link #loss()} calls of the line search that follows it.
     */
    public interface Objective {
        /**
         * At the current parameters: the loss, its gradient and the Gram factor (see {@link
         * Linearisation}).
         */
        Linearisation linearise();

        /** The loss at the current parameters, on the points of the last {@link #linearise()}. */
        double loss();
    }

    /**
     * The objective's local model.
     *
     * @param loss the loss at the current parameters
     * @param gradient dL/dtheta [P], the parameters flattened in the order of the optimiser's map,
     *     each row-major
     * @param factor A [rows, P] row-major, with G = A^T A
     * @param rows the number of rows of A
     * @param residual for a least-squares loss L = |rho|^2 / 2 whose gradient is A^T rho: rho
     *     [rows], else null. With it the sample-space step needs no division by the damping (see
     *     {@link Engd})
     */
    public record Linearisation(
            double loss, double[] gradient, double[] factor, int rows, double[] residual) {
        public Linearisation {
            if (rows < 0 || factor.length != (long) rows * gradient.length) {
                throw new IllegalArgumentException(
                        "engd: a factor of "
                                + rows
                                + " rows for "
                                + gradient.length
                                + " parameters needs "
                                + (long) rows * gradient.length
                                + " values, got "
                                + factor.length);
            }
            if (residual != null && residual.length != rows) {
                throw new IllegalArgumentException(
                        "engd: a residual of "
                                + residual.length
                                + " values for a factor of "
                                + rows
                                + " rows");
            }
        }

        /** Without a residual (a loss that is not, or not known to be, least squares). */
        public Linearisation(double loss, double[] gradient, double[] factor, int rows) {
            this(loss, gradient, factor, rows, null);
        }
    }

    /**
     * One step's outcome.
     *
     * @param lossBefore the loss at the start
     * @param loss the loss after the step (equal to lossBefore when no step size lowered it)
     * @param stepSize the step size taken, 0 when none
     * @param damping the absolute damping eps used
     */
    public record Step(double lossBefore, double loss, double stepSize, double damping) {}

    private final Map<String, Parameter> params;
    private final Options options;
    private final int size;
    private long steps;
    private double lastStepSize = Double.NaN;
    private double damping;

    /** An optimiser over {@code params} (updated in place, in map order). */
    public Engd(Map<String, Parameter> params, Options options) {
        this.params = new LinkedHashMap<>(params);
        this.options = options;
        long n = 0;
        for (Parameter p : params.values()) {
            n += p.numel();
        }
        if (n > 20_000) {
            throw new IllegalArgumentException(
                    "engd: "
                            + n
                            + " parameters; the dense Gram matrix needs P^2 doubles and P^3 / 3 "
                            + "operations per step: use a network below 20,000 parameters (a few thousand is practical)");
        }
        this.size = (int) n;
        this.damping = options.damping();
    }

    /** The number of parameters P. */
    public int size() {
        return size;
    }

    public Options options() {
        return options;
    }

    /** Steps taken (restored with the state). */
    public long steps() {
        return steps;
    }

    /** The parameters flattened in map order [P]. */
    public double[] flatParameters() {
        double[] theta = new double[size];
        int off = 0;
        for (Parameter p : params.values()) {
            double[] v = p.value().toDoubleArray();
            System.arraycopy(v, 0, theta, off, v.length);
            off += v.length;
        }
        return theta;
    }

    /** Sets the parameters from a flat vector [P] in map order. */
    public void setFlatParameters(double[] theta) {
        if (theta.length != size) {
            throw new IllegalArgumentException(
                    "engd: expected " + size + " parameter values, got " + theta.length);
        }
        int off = 0;
        for (Parameter p : params.values()) {
            double[] v = Arrays.copyOfRange(theta, off, off + p.numel());
            p.set(Tensor.of(p.value().dtype(), v, p.shape()));
            off += v.length;
        }
    }

    /** One natural-gradient step with line search (see the class comment). */
    public Step step(Objective f) {
        Linearisation lin = f.linearise();
        if (lin.gradient().length != size) {
            throw new IllegalArgumentException(
                    "engd: the objective's gradient has "
                            + lin.gradient().length
                            + " entries for "
                            + size
                            + " parameters");
        }
        boolean sampleSpace = sampleSpace(lin.rows(), size);
        double[] kernel = sampleSpace ? kernel(lin) : gram(lin);
        int n = sampleSpace ? lin.rows() : size;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            mean += kernel[i * n + i];
        }
        mean = mean > 0 ? mean / size : 1;
        double[] sg = lin.gradient();
        if (!(dot2(sg, 0, sg, size) > 0)) {
            steps++;
            lastStepSize = 0;
            return new Step(
                    lin.loss(), lin.loss(), 0, damping * mean); // a stationary point: nothing to do
        }
        double eps = damping * mean;
        double[] d = null;
        for (int tries = 0; d == null; tries++) {
            d = sampleSpace ? woodbury(lin, kernel, eps) : solve(kernel, size, eps, sg);
            // A solve that is not a descent direction (g . d <= 0) is rounding noise: more damping.
            if (d != null && !(dot2(d, 0, sg, size) > 0)) {
                d = null;
            }
            if (d == null) {
                if (tries > 16) {
                    throw new IllegalStateException(
                            "engd: no descent direction even with damping " + eps);
                }
                eps *= 10;
            }
        }
        steps++;
        double[] theta = flatParameters();
        double before = lin.loss();
        double best = before, bestEta = 0, eta = 1, previous = Double.POSITIVE_INFINITY;
        double[] trial = new double[size];
        for (int k = 0; k < options.lineSearch(); k++, eta *= 0.5) {
            for (int i = 0; i < size; i++) {
                trial[i] = theta[i] - eta * d[i];
            }
            setFlatParameters(trial);
            double l = f.loss();
            if (l < best) {
                best = l;
                bestEta = eta;
            } else if (bestEta > 0 && l > previous) {
                break; // past the minimum along the grid
            }
            previous = Double.isNaN(l) ? Double.POSITIVE_INFINITY : l;
        }
        for (int i = 0; i < size; i++) {
            trial[i] = theta[i] - bestEta * d[i];
        }
        setFlatParameters(trial);
        lastStepSize = bestEta;
        // Levenberg-Marquardt: less damping after a full step, more after a short one or none.
        // (Without it, steps from the first, large residuals follow near-null directions of G,
        // along
        // which the loss is curved by the residual's own second derivatives, and no step size
        // helps.)
        double used = eps / mean;
        damping =
                bestEta >= 0.5
                        ? Math.max(options.damping(), used / 10)
                        : bestEta == 0
                                ? Math.min(used * 100, 1e3)
                                : bestEta < 1.0 / 16 ? Math.min(used * 10, 1e3) : used;
        return new Step(before, best, bestEta, eps);
    }

    /** True when the step is solved in sample space: fewer rows than parameters. */
    public static boolean sampleSpace(int rows, int parameters) {
        return rows > 0 && rows < parameters;
    }

    /**
     * The step direction d = (A^T A + eps I)^-1 g of a linearisation, in the form {@code
     * sampleSpace} asks for (both give the same d up to rounding); null when the factorisation
     * fails.
     */
    public static double[] direction(Linearisation lin, double eps, boolean sampleSpace) {
        int p = lin.gradient().length;
        if (sampleSpace) {
            return woodbury(lin, kernel(lin), eps);
        }
        Tensor a = Tensor.of(DType.FLOAT64, lin.factor(), lin.rows(), p);
        double[] g = lin.rows() == 0 ? new double[p * p] : a.matmul(a, true, false).toDoubleArray();
        return solve(g, p, eps, lin.gradient());
    }

    /** K = A A^T [m, m] row-major. */
    private static double[] kernel(Linearisation lin) {
        int p = lin.gradient().length;
        Tensor a = Tensor.of(DType.FLOAT64, lin.factor(), lin.rows(), p);
        return a.matmul(a, false, true).toDoubleArray();
    }

    /**
     * The sample-space step from K = A A^T (see the class comment); null when the factorisation
     * fails.
     */
    private static double[] woodbury(Linearisation lin, double[] kernel, double eps) {
        int m = lin.rows(), p = lin.gradient().length;
        Tensor a = Tensor.of(DType.FLOAT64, lin.factor(), m, p);
        if (lin.residual() != null) {
            double[] y = solve(kernel, m, eps, lin.residual());
            return y == null
                    ? null
                    : a.matmul(Tensor.of(DType.FLOAT64, y, m, 1), true, false).toDoubleArray();
        }
        double[] g = lin.gradient();
        double[] ag = a.matmul(Tensor.of(DType.FLOAT64, g, p, 1)).toDoubleArray();
        double[] y = solve(kernel, m, eps, ag);
        if (y == null) {
            return null;
        }
        double[] aty = a.matmul(Tensor.of(DType.FLOAT64, y, m, 1), true, false).toDoubleArray();
        double[] d = new double[p];
        for (int i = 0; i < p; i++) {
            d[i] = (g[i] - aty[i]) / eps;
        }
        return d;
    }

    /** G = A^T A [P, P] row-major, by one float64 matrix product. */
    private double[] gram(Linearisation lin) {
        if (lin.rows() == 0) {
            return new double[size * size];
        }
        Tensor a = Tensor.of(DType.FLOAT64, lin.factor(), lin.rows(), size);
        return a.matmul(a, true, false).toDoubleArray();
    }

    /**
     * Solves (G + eps I) x = b by Cholesky; null when a pivot is not positive (the caller raises
     * eps). G [n, n] row-major, symmetric; left unchanged.
     */
    static double[] solve(double[] g, int n, double eps, double[] b) {
        double[] l = new double[n * n];
        for (int j = 0; j < n; j++) {
            int rj = j * n;
            for (int i = j; i < n; i++) {
                int ri = i * n;
                double s = g[ri + j] + (i == j ? eps : 0) - dot(l, ri, rj, j);
                if (i == j) {
                    if (!(s > 0)) {
                        return null;
                    }
                    l[rj + j] = Math.sqrt(s);
                } else {
                    l[ri + j] = s / l[rj + j];
                }
            }
        }
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = (b[i] - dot2(l, i * n, y, i)) / l[i * n + i];
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = y[i];
            for (int k = i + 1; k < n; k++) {
                s -= l[k * n + i] * x[k];
            }
            x[i] = s / l[i * n + i];
        }
        return x;
    }

    /** sum_{k < len} l[a + k] l[b + k], four partial sums. */
    private static double dot(double[] l, int a, int b, int len) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += l[a + k] * l[b + k];
            s1 += l[a + k + 1] * l[b + k + 1];
            s2 += l[a + k + 2] * l[b + k + 2];
            s3 += l[a + k + 3] * l[b + k + 3];
        }
        for (; k < len; k++) {
            s0 += l[a + k] * l[b + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static double dot2(double[] l, int a, double[] y, int len) {
        double s = 0;
        for (int k = 0; k < len; k++) {
            s += l[a + k] * y[k];
        }
        return s;
    }

    /**
     * The state: "steps", "last_step_size" (NaN before the first step) and the current relative
     * "damping".
     */
    public Map<String, Tensor> stateDict() {
        Map<String, Tensor> m = new LinkedHashMap<>();
        m.put("steps", Tensor.scalar(DType.FLOAT64, steps));
        m.put("last_step_size", Tensor.scalar(DType.FLOAT64, lastStepSize));
        m.put("damping", Tensor.scalar(DType.FLOAT64, damping));
        return m;
    }

    /** The step size of the last step (NaN before the first). */
    public double lastStepSize() {
        return lastStepSize;
    }

    /** Restores {@link #stateDict()}; validated before anything changes (errors name the entry). */
    public void loadStateDict(Map<String, Tensor> s) {
        List<String> unknown = new ArrayList<>(s.keySet());
        unknown.removeAll(List.of("steps", "last_step_size", "damping"));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(
                    "engd state: unknown entries "
                            + unknown
                            + ", expected steps, last_step_size and damping");
        }
        Tensor st = s.get("steps"), ls = s.get("last_step_size"), dm = s.get("damping");
        if (st == null
                || ls == null
                || dm == null
                || st.numel() != 1
                || ls.numel() != 1
                || dm.numel() != 1) {
            throw new IllegalArgumentException(
                    "engd state: expected scalars 'steps', 'last_step_size' and 'damping'");
        }
        if (!(dm.item() > 0) || !Double.isFinite(dm.item())) {
            throw new IllegalArgumentException(
                    "engd state 'damping' is " + dm.item() + ", expected a positive number");
        }
        double v = st.item();
        if (!(v >= 0) || v != Math.rint(v)) {
            throw new IllegalArgumentException(
                    "engd state 'steps' is " + v + ", expected a whole number >= 0");
        }
        steps = (long) v;
        lastStepSize = ls.item();
        damping = dm.item();
    }
}
