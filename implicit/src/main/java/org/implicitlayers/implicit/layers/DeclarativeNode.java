package org.implicitlayers.implicit.layers;

import java.util.function.BiFunction;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.Roots;

/**
 * A declarative node (Gould et al. 2021): y = argmin_z objective(z, params) subject to
 * constraints(z, params) = 0, for a batch [B, n] of problems. The forward solves the KKT system
 * grad_z (objective + lambda'constraints) = 0, constraints = 0 for (z, lambda) with the given root
 * solver (Newton-Krylov is Newton's method on it); the gradient comes from the implicit function
 * theorem on the same system. The objective returns the sum over the batch of per-problem values.
 */
public final class DeclarativeNode {
    private DeclarativeNode() {}

    /**
     * The problem of the node.
     *
     * @param objective maps z [B, n] and the parameters to the sum over the batch of the
     *     per-problem objectives (a scalar)
     * @param constraints maps z [B, n] and the parameters to [B, p] (equality constraints = 0), or
     *     null for an unconstrained argmin
     * @param p number of constraints per problem (0 when unconstrained)
     */
    public record Problem(
            BiFunction<Tensor, Tensor[], Tensor> objective,
            BiFunction<Tensor, Tensor[], Tensor> constraints,
            int p) {
        public Problem {
            if (objective == null || (constraints == null) != (p == 0) || p < 0) {
                throw new IllegalArgumentException(
                        "DeclarativeNode.Problem: an objective, and constraints exactly when p > 0; got p = "
                                + p);
            }
        }

        /** argmin_z objective(z, params). */
        public static Problem unconstrained(BiFunction<Tensor, Tensor[], Tensor> objective) {
            return new Problem(objective, null, 0);
        }

        /**
         * argmin_z objective(z, params) subject to constraints(z, params) = 0, p constraints per
         * problem.
         */
        public static Problem constrained(
                BiFunction<Tensor, Tensor[], Tensor> objective,
                BiFunction<Tensor, Tensor[], Tensor> constraints,
                int p) {
            return new Problem(objective, constraints, p);
        }
    }

    /**
     * Solves the KKT system from z0 (multipliers from 0) with the options of a root solve; with the
     * default {@code NewtonKrylov} that is Newton's method on it. A batched dense backward ({@code
     * Dense.batchedLu()}) is exact and cheap for small problems.
     *
     * @param z0 the starting point [B, n] (not differentiated)
     * @param params the tensors the problem depends on; y is differentiable in those that require
     *     grad
     * @return y [B, n]
     */
    public static Tensor solve(Problem problem, Tensor z0, Tensor[] params, Roots.Options o) {
        int batch = z0.shape(0), n = z0.shape(1), p = problem.p();
        BiFunction<Tensor, Tensor[], Tensor> objective = problem.objective(),
                constraints = problem.constraints();
        BiFunction<Tensor, Tensor[], Tensor> kkt =
                (w, th) -> {
                    try (Grad.Scope ignored = Grad.enableGrad()) {
                        Tensor wl = w.requiresGrad() ? w : w.requiringGrad();
                        Tensor z = wl.slice(1, 0, n);
                        Tensor lagrangian = objective.apply(z, th);
                        Tensor c = null;
                        if (constraints != null) {
                            c = constraints.apply(z, th);
                            lagrangian = lagrangian.add(c.mul(wl.slice(1, n, n + p)).sum());
                        }
                        Tensor gz =
                                Grad.of(new Tensor[] {lagrangian}, new Tensor[] {wl}, null, true)[0]
                                        .slice(1, 0, n);
                        return c == null ? gz : Tensor.concat(1, gz, c);
                    }
                };
        Tensor w0 =
                constraints == null
                        ? z0
                        : Tensor.concat(1, z0, Tensor.zeros(z0.dtype(), batch, p).to(z0.backend()));
        return Roots.solve(kkt, w0, params, o).value().slice(1, 0, n);
    }
}
