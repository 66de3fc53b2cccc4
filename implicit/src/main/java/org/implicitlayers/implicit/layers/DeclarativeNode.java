package org.implicitlayers.implicit.layers;

import java.util.function.BiFunction;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.Roots;
import org.implicitlayers.implicit.linear.LinearSolver;
import org.implicitlayers.implicit.solve.FixedPointSolver;

/**
 * A declarative node (Gould et al. 2021): y = argmin_z objective(z, params) subject to
 * constraints(z, params) = 0, for a batch [B, n] of problems. The forward solves the KKT system
 * grad_z (objective + lambda'constraints) = 0, constraints = 0 for (z, lambda) with the given root
 * solver (Newton-Krylov is Newton's method on it); the gradient comes from the implicit function
 * theorem on the same system. The objective returns the sum over the batch of per-problem values.
 */
public final class DeclarativeNode {
    private DeclarativeNode() {
    }

    /**
     * @param constraints maps z [B, n] to [B, p], or null for an unconstrained argmin
     * @param p           number of constraints per problem
     */
    public static Tensor solve(BiFunction<Tensor, Tensor[], Tensor> objective, BiFunction<Tensor, Tensor[], Tensor> constraints, int p,
                               Tensor z0, Tensor[] params, FixedPointSolver solver, LinearSolver linearSolver) {
        int batch = z0.shape(0), n = z0.shape(1);
        BiFunction<Tensor, Tensor[], Tensor> kkt = (w, th) -> {
            try (Grad.Scope ignored = Grad.enableGrad()) {
                Tensor wl = w.requiresGrad() ? w : w.requiringGrad();
                Tensor z = wl.slice(1, 0, n);
                Tensor lagrangian = objective.apply(z, th);
                Tensor c = null;
                if (constraints != null) {
                    c = constraints.apply(z, th);
                    lagrangian = lagrangian.add(c.mul(wl.slice(1, n, n + p)).sum());
                }
                Tensor gz = Grad.of(new Tensor[] {lagrangian}, new Tensor[] {wl}, null, true)[0].slice(1, 0, n);
                return c == null ? gz : Tensor.concat(1, gz, c);
            }
        };
        Tensor w0 = constraints == null ? z0 : Tensor.concat(1, z0, Tensor.zeros(z0.dtype(), batch, p).to(z0.backend()));
        return Roots.solve(kkt, w0, params, solver, linearSolver).value().slice(1, 0, n);
    }
}
