package org.implicitlayers.implicit;

import java.util.function.BiFunction;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;

/**
 * z* = argmin_z objective(z, params), differentiable through its stationarity condition grad_z
 * objective = 0: the adjoint system is H u = g with H the Hessian in z, applied as Hessian-vector
 * products by double backward (jaxopt's argmin differentiation).
 */
public final class Argmin {
    private Argmin() {}

    /**
     * The stationarity residual grad_z objective(z, params), itself differentiable in z and params.
     */
    public static BiFunction<Tensor, Tensor[], Tensor> stationarity(
            BiFunction<Tensor, Tensor[], Tensor> objective) {
        return (z, params) -> {
            try (Grad.Scope ignored = Grad.enableGrad()) {
                Tensor zl = z.requiresGrad() ? z : z.requiringGrad();
                return Grad.of(
                        new Tensor[] {objective.apply(zl, params)}, new Tensor[] {zl}, null, true)[
                        0];
            }
        };
    }

    /**
     * Solves grad_z objective(z, params) = 0 from z0 with the options of a root solve: with the
     * default {@code NewtonKrylov} that is Newton's method with Hessian-vector products; a {@code
     * ConjugateGradient} backward suits a convex objective (symmetric positive definite Hessian).
     *
     * @param objective a scalar function of z (shape of z0) and params
     */
    public static Roots.Result solve(
            BiFunction<Tensor, Tensor[], Tensor> objective,
            Tensor z0,
            Tensor[] params,
            Roots.Options o) {
        return Roots.solve(stationarity(objective), z0, params, o);
    }
}
