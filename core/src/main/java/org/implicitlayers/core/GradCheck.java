package org.implicitlayers.core;

import java.util.function.Function;

/**
 * Gradient checks against central finite differences, in float64. Used by the tests of every module
 * for every operation and every custom backward rule.
 *
 * <p>The function's output is contracted with a fixed random tensor r, L(x) = sum(r * f(x)), so one
 * check covers the full Jacobian in a random direction per output. The analytic gradient of L is
 * compared with (L(x + h e_i) - L(x - h e_i)) / 2h for every input element i.
 *
 * <p>{@link #secondOrder} checks the gradient of the gradient: it differentiates x -> sum_k sum(w_k
 * * dL/dx_k), built with {@code createGraph}, in the same way.
 */
public final class GradCheck {
    /** Options: step h, tolerances and the seed of the random contraction. */
    public record Options(double step, double atol, double rtol, long seed) {
        /** Step 1e-6, atol 1e-7, rtol 1e-5, seed 12345. */
        public static Options defaults() {
            return new Options(1e-6, 1e-7, 1e-5, 12345L);
        }

        /** With other absolute and relative tolerances. */
        public Options withTolerances(double atol, double rtol) {
            return new Options(step, atol, rtol, seed);
        }
    }

    /** Thrown by {@link #assertGradient} when a check fails; says which input and element. */
    public static final class Mismatch extends AssertionError {
        Mismatch(String message) {
            super(message);
        }
    }

    private GradCheck() {}

    /**
     * Checks first derivatives; throws {@link Mismatch} naming the worst element if any disagrees.
     */
    public static double assertGradient(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(f, Options.defaults(), inputs);
    }

    /** Checks second derivatives (gradient of a random projection of the gradient). */
    public static double assertSecondOrder(Function<Tensor[], Tensor> f, Tensor... inputs) {
        return check(
                secondOrder(f, inputs, Options.defaults().seed() + 1), Options.defaults(), inputs);
    }

    /**
     * x -> sum_k sum(w_k * dL/dx_k) with L = sum(r * f(x)) and fixed random r, w: its gradient is a
     * Hessian-vector product of L, so checking it checks every rule's own backward.
     */
    public static Function<Tensor[], Tensor> secondOrder(
            Function<Tensor[], Tensor> f, Tensor[] like, long seed) {
        Rng rng = Rng.seeded(seed);
        Tensor[] w = new Tensor[like.length];
        for (int k = 0; k < like.length; k++) {
            w[k] = Tensor.randn(rng, DType.FLOAT64, like[k].shape());
        }
        return xs -> {
            Tensor y = f.apply(xs);
            Tensor r = Tensor.randn(Rng.seeded(seed + 7), DType.FLOAT64, y.shape());
            Tensor l = y.mul(r).sum();
            Tensor[] g = Grad.of(new Tensor[] {l}, xs, null, true);
            Tensor s = null;
            for (int k = 0; k < g.length; k++) {
                Tensor term = g[k].mul(w[k]).sum();
                s = s == null ? term : s.add(term);
            }
            return s;
        };
    }

    /**
     * Compares the analytic and numeric gradients of sum(r * f(x)); inputs must be float64. Throws
     * {@link Mismatch} on failure; returns the largest relative error otherwise.
     */
    public static double check(Function<Tensor[], Tensor> f, Options opt, Tensor... inputs) {
        Tensor[] xs = new Tensor[inputs.length];
        for (int k = 0; k < inputs.length; k++) {
            if (inputs[k].dtype() != DType.FLOAT64) {
                throw new IllegalArgumentException(
                        "GradCheck: input "
                                + k
                                + " is "
                                + inputs[k].dtype()
                                + "; checks run in float64");
            }
            xs[k] = inputs[k].detach().requiringGrad();
        }
        Tensor y0 = f.apply(xs);
        Tensor r = Tensor.randn(Rng.seeded(opt.seed()), DType.FLOAT64, y0.shape()).to(y0.backend());
        // Unused inputs (and outputs constant in every input, such as the gradient of a linear map)
        // have zero analytic gradients, which the finite differences then confirm or refute.
        Tensor[] analytic =
                Grad.of(
                        new Tensor[] {y0.mul(r).sum()},
                        xs,
                        null,
                        Grad.Options.defaults().withAllowUnused(true));
        double worstRel = 0;
        for (int k = 0; k < xs.length; k++) {
            double[] base = xs[k].toDoubleArray();
            double[] ga = analytic[k].toDoubleArray();
            for (int i = 0; i < base.length; i++) {
                double h = opt.step() * Math.max(1.0, Math.abs(base[i]));
                double lp = evaluate(f, xs, k, base, i, base[i] + h, r);
                double lm = evaluate(f, xs, k, base, i, base[i] - h, r);
                double num = (lp - lm) / (2 * h);
                double err = Math.abs(num - ga[i]);
                double rel = err / Math.max(1e-12, Math.max(Math.abs(num), Math.abs(ga[i])));
                if (err > opt.atol() + opt.rtol() * Math.abs(num)) {
                    throw new Mismatch(
                            String.format(
                                    "gradient mismatch at input %d element %d of shape %s: analytic %.12g,"
                                            + " finite differences %.12g (abs error %.3g)",
                                    k, i, Shapes.str(xs[k].shape()), ga[i], num, err));
                }
                if (err > opt.atol()) {
                    worstRel = Math.max(worstRel, rel);
                }
            }
        }
        return worstRel;
    }

    private static double evaluate(
            Function<Tensor[], Tensor> f,
            Tensor[] xs,
            int k,
            double[] base,
            int i,
            double v,
            Tensor r) {
        double[] p = base.clone();
        p[i] = v;
        Tensor[] args = xs.clone();
        args[k] = Tensor.of(DType.FLOAT64, p, xs[k].shape()).to(xs[k].backend()).requiringGrad();
        try (Grad.Scope ignored = Grad.enableGrad()) {
            // Second-order checks differentiate inside f, so recording stays on.
            return f.apply(args).mul(r).sum().item();
        }
    }
}
