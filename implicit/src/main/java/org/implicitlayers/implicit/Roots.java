package org.implicitlayers.implicit;

import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.Gmres;
import org.implicitlayers.implicit.linear.LinearSolver;
import org.implicitlayers.implicit.solve.NewtonKrylov;
import org.implicitlayers.implicit.solve.RootSolver;

/**
 * z* with F(z*, params) = 0, differentiable with respect to params by the implicit function theorem
 * (jaxopt's custom_root): F_z^T u = g is solved with the given linear solver, then d loss / d
 * params = -u^T F_params, by reverse mode through one application of F.
 *
 * <pre>{@code
 * Roots.Result r = Roots.solve((z, p) -> z.pow(3).add(p[0].mul(z)).sub(1.0), z0, new Tensor[] {a}, Roots.Options.defaults());
 * }</pre>
 */
public final class Roots {
    private Roots() {}

    /**
     * The forward root solver, the backward linear solver (for F_z^T u = g) and the non-convergence
     * policy.
     *
     * @param forward the root solver; default {@link NewtonKrylov#defaults()} (tol 1e-10, 50 Newton
     *     steps)
     * @param backward the linear solver of the adjoint system; default {@link Gmres#defaults()}
     *     (GMRES(20), tol 1e-8)
     * @param policy when a solve stops unconverged; default {@link NonConvergence#DEFAULT} (warn,
     *     use the last iterate)
     */
    public record Options(RootSolver forward, LinearSolver backward, NonConvergence policy) {
        public Options {
            if (forward == null || backward == null || policy == null) {
                throw new IllegalArgumentException(
                        "Roots.Options: forward, backward and policy are required");
            }
        }

        public static Options defaults() {
            return new Options(NewtonKrylov.defaults(), Gmres.defaults(), NonConvergence.DEFAULT);
        }

        public Options withForward(RootSolver f) {
            return new Options(f, backward, policy);
        }

        public Options withBackward(LinearSolver b) {
            return new Options(forward, b, policy);
        }

        public Options withPolicy(NonConvergence p) {
            return new Options(forward, backward, p);
        }
    }

    /** The solution, on the tape, and the forward solve. */
    public record Result(Tensor value, Solution forward) {}

    /**
     * @param f F(z, params), tensors of z0's shape to the same shape
     * @param z0 the starting point (not differentiated)
     * @param params the tensors F depends on; the result is differentiable in those that require
     *     grad
     */
    public static Result solve(
            BiFunction<Tensor, Tensor[], Tensor> f, Tensor z0, Tensor[] params, Options o) {
        return solve(f, z0, params, o, null);
    }

    /**
     * As {@link #solve(BiFunction, Tensor, Tensor[], Options)}; {@code onBackward} (may be null)
     * receives the backward solve's statistics.
     */
    public static Result solve(
            BiFunction<Tensor, Tensor[], Tensor> f,
            Tensor z0,
            Tensor[] params,
            Options o,
            Consumer<Solution> onBackward) {
        Tensor[] detached = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            detached[i] = params[i].detach();
        }
        Solution s;
        try (Grad.Scope ignored = Grad.noGrad()) {
            s =
                    o.policy()
                            .check(
                                    "root solve",
                                    o.forward().solveRoot(z -> f.apply(z, detached), z0.detach()));
        }
        Tensor zStar = s.value().detach();
        Tensor taped = zStar.sub(f.apply(zStar, params));
        if (!taped.requiresGrad()) {
            return new Result(zStar, s);
        }
        UnaryOperator<Tensor> fzT = ImplicitDiff.vjp(z -> f.apply(z, detached), zStar);
        return new Result(ImplicitDiff.attach(taped, fzT, o.backward(), o.policy(), onBackward), s);
    }
}
