package org.implicitlayers.implicit;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.Gmres;
import org.implicitlayers.implicit.linear.LinearSolver;
import org.implicitlayers.implicit.solve.Anderson;
import org.implicitlayers.implicit.solve.FixedPointSolver;

/**
 * z* = f(z*), differentiable by the implicit function theorem with respect to everything f reads
 * that requires grad (module parameters, inputs): d z* / d theta = (I - f_z)^-1 f_theta.
 *
 * <pre>{@code
 * FixedPoints.Result r = FixedPoints.solve(z -> cell.apply(z, x), z0, FixedPoints.Options.defaults());
 * loss(r.value()).backward();   // gradients into the cell's parameters and x
 * }</pre>
 */
public final class FixedPoints {
    /**
     * The forward solver, the backward linear solver (for (I - f_z^T) u = g) and the
     * non-convergence policy.
     *
     * @param forward the fixed-point solver; default {@link Anderson#defaults()} (tol 1e-6, 100
     *     evaluations)
     * @param backward the linear solver of the adjoint system; default {@link Gmres#defaults()}
     *     (GMRES(20), tol 1e-8)
     * @param policy when a solve stops unconverged; default {@link NonConvergence#DEFAULT} (warn,
     *     use the last iterate)
     */
    public record Options(FixedPointSolver forward, LinearSolver backward, NonConvergence policy) {
        public Options {
            if (forward == null || backward == null || policy == null) {
                throw new IllegalArgumentException(
                        "FixedPoints.Options: forward, backward and policy are required");
            }
        }

        public static Options defaults() {
            return new Options(Anderson.defaults(), Gmres.defaults(), NonConvergence.DEFAULT);
        }

        public Options withForward(FixedPointSolver f) {
            return new Options(f, backward, policy);
        }

        public Options withBackward(LinearSolver b) {
            return new Options(forward, b, policy);
        }

        public Options withPolicy(NonConvergence p) {
            return new Options(forward, backward, p);
        }
    }

    /**
     * The solution (on the tape) and the forward solve's statistics; the backward's arrive when it
     * runs.
     */
    public record Result(Tensor value, Solution forward) {}

    private FixedPoints() {}

    /**
     * Solves from z0 (not differentiated); the result's value is differentiable in what f reads.
     */
    public static Result solve(UnaryOperator<Tensor> f, Tensor z0, Options o) {
        return solve(f, z0, o, null);
    }

    /**
     * As {@link #solve(UnaryOperator, Tensor, Options)}; {@code onBackward} (may be null) receives
     * the backward solve's statistics.
     */
    public static Result solve(
            UnaryOperator<Tensor> f, Tensor z0, Options o, Consumer<Solution> onBackward) {
        Solution s;
        try (Grad.Scope ignored = Grad.noGrad()) {
            s = o.policy().check("fixed-point solve", o.forward().solve(f, z0.detach()));
        }
        Tensor zStar = s.value().detach();
        Tensor taped = f.apply(zStar);
        if (!taped.requiresGrad()) {
            return new Result(taped, s);
        }
        UnaryOperator<Tensor> jt = ImplicitDiff.vjp(f, zStar);
        Tensor out =
                ImplicitDiff.attach(
                        taped, u -> u.sub(jt.apply(u)), o.backward(), o.policy(), onBackward);
        return new Result(out, s);
    }
}
