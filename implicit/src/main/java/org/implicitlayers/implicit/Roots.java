package org.implicitlayers.implicit;

import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.linear.LinearSolver;
import org.implicitlayers.implicit.solve.FixedPointSolver;
import org.implicitlayers.implicit.solve.NonConvergence;
import org.implicitlayers.implicit.solve.Solution;

/**
 * z* with F(z*, params) = 0, differentiable with respect to params by the implicit function theorem
 * (jaxopt's custom_root): F_z^T u = g is solved with the given linear solver, then
 * d loss / d params = -u^T F_params, by reverse mode through one application of F.
 */
public final class Roots {
    private Roots() {
    }

    /** The solution, on the tape, and the forward solve. */
    public record Result(Tensor value, Solution forward) {
    }

    public static Result solve(BiFunction<Tensor, Tensor[], Tensor> f, Tensor z0, Tensor[] params, FixedPointSolver solver,
                               LinearSolver linearSolver) {
        return solve(f, z0, params, solver, linearSolver, NonConvergence.RAISE, null);
    }

    public static Result solve(BiFunction<Tensor, Tensor[], Tensor> f, Tensor z0, Tensor[] params, FixedPointSolver solver,
                               LinearSolver linearSolver, NonConvergence policy, Consumer<Solution> onBackward) {
        Tensor[] detached = new Tensor[params.length];
        for (int i = 0; i < params.length; i++) {
            detached[i] = params[i].detach();
        }
        Solution s;
        try (Grad.Scope ignored = Grad.noGrad()) {
            s = policy.check("root solve", solver.solveRoot(z -> f.apply(z, detached), z0.detach()));
        }
        Tensor zStar = s.value().detach();
        Tensor taped = zStar.sub(f.apply(zStar, params));
        if (!taped.requiresGrad()) {
            return new Result(zStar, s);
        }
        UnaryOperator<Tensor> fzT = ImplicitDiff.vjp(z -> f.apply(z, detached), zStar);
        return new Result(ImplicitDiff.attach(taped, fzT, linearSolver, policy, onBackward), s);
    }
}
