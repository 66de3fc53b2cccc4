package org.implicitlayers.examples.bilevel;

import java.util.function.Supplier;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.ConjugateGradient;

/**
 * The gradient of an outer objective F(w*(theta), theta) whose inner variables w* minimise an
 * inner objective E(w, theta), by the implicit function theorem applied to the stationarity
 * condition grad_w E(w*, theta) = 0:
 * <pre>
 *   dF/dtheta = dF/dtheta|_w - (d^2 E / dtheta dw)^T v,   (H + lambda I) v = dF/dw,   H = d^2 E / dw^2,
 * </pre>
 * with v found by conjugate gradients on Hessian-vector products taken by double backward (the
 * Hessian is never formed), and the mixed term as one more vector-Jacobian product of grad_w E.
 * lambda &gt;= 0 damps the directions in which the inner objective is flat or not yet convex (a
 * network's Ritz energy away from an exact minimiser); with lambda = 0 and w* an exact minimiser of
 * a strictly convex inner problem this is the exact gradient.
 */
public final class Hypergradient {
    private Hypergradient() {
    }

    /**
     * @param damping lambda &gt;= 0, added to the inner Hessian
     * @param solver  conjugate gradients for the adjoint system
     */
    public record Options(double damping, ConjugateGradient solver) {
        public Options {
            if (!(damping >= 0) || !Double.isFinite(damping)) {
                throw new IllegalArgumentException("Hypergradient: damping must be finite and >= 0, got " + damping);
            }
        }
    }

    /**
     * @param outer    F at the point
     * @param gradient dF/dtheta, one tensor per theta input (detached)
     * @param adjoint  the conjugate-gradient solve for v (iterations, residuals)
     */
    public record Result(double outer, Tensor[] gradient, Solution adjoint) {
    }

    /**
     * dF/dtheta at the current values of the leaves {@code w} and {@code theta}; {@code w} should
     * hold the inner minimiser for the current theta.
     *
     * @param inner E, computed from the leaves when called (a scalar)
     * @param outer F, computed from the leaves when called (a scalar; it need not depend on theta directly)
     * @param w     the inner variables, leaves that require grad
     * @param theta the outer variables, leaves that require grad
     */
    public static Result of(Supplier<Tensor> inner, Supplier<Tensor> outer, Tensor[] w, Tensor[] theta, Options o) {
        Grad.Options once = Grad.Options.defaults().allowUnused(true);
        Grad.Options again = Grad.Options.defaults().retainGraph(true).allowUnused(true);
        Tensor[] all = new Tensor[w.length + theta.length];
        System.arraycopy(w, 0, all, 0, w.length);
        System.arraycopy(theta, 0, all, w.length, theta.length);
        double fValue;
        Tensor[] dF;
        try (Grad.Scope on = Grad.enableGrad()) {
            Tensor f = outer.get();
            fValue = f.item();
            dF = Grad.of(new Tensor[] {f}, all, null, once);
        }
        Tensor[] gw;
        try (Grad.Scope on = Grad.enableGrad()) {
            Tensor e = inner.get();
            gw = Grad.of(new Tensor[] {e}, w, null, Grad.Options.defaults().createGraph(true));
        }
        Tensor[] dFw = new Tensor[w.length];
        System.arraycopy(dF, 0, dFw, 0, w.length);
        Tensor rhs = flatten(dFw);
        double lambda = o.damping();
        Solution s = o.solver().solve(v -> {
            Tensor hv = flatten(Grad.of(gw, w, unflatten(v, w), again));
            return lambda == 0 ? hv : hv.add(v.mul(lambda));
        }, rhs, Tensor.zerosLike(rhs));
        Tensor[] mixed = Grad.of(gw, theta, unflatten(s.value(), w), again);
        Tensor[] g = new Tensor[theta.length];
        for (int i = 0; i < theta.length; i++) {
            g[i] = dF[w.length + i].sub(mixed[i]).detach();
        }
        return new Result(fValue, g, s);
    }

    /** The tensors as one vector, in order. */
    static Tensor flatten(Tensor[] ts) {
        Tensor[] parts = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            parts[i] = ts[i].detach().reshape(ts[i].numel());
        }
        return parts.length == 1 ? parts[0] : Tensor.concat(0, parts);
    }

    /** A vector cut into tensors of the shapes of {@code like}. */
    static Tensor[] unflatten(Tensor v, Tensor[] like) {
        Tensor[] out = new Tensor[like.length];
        int at = 0;
        for (int i = 0; i < like.length; i++) {
            int n = like[i].numel();
            out[i] = v.slice(0, at, at + n).reshape(like[i].shape());
            at += n;
        }
        return out;
    }
}
