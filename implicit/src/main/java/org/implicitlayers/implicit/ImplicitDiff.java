package org.implicitlayers.implicit;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.CustomFunction;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.LinearSolver;

/**
 * The implicit-function-theorem backward rule, attached to any solution. Given a recorded
 * expression {@code taped} whose value is the solution z* and whose graph leads to the parameters
 * (z* - F(z*, theta) for a root, f(z*, theta) for a fixed point), the returned tensor has the same
 * value; in the backward pass the incoming gradient g is replaced by the solution u of A u = g,
 * with A the adjoint operator of the problem (F_z^T for roots, I - f_z^T for fixed points), and
 * then flows through {@code taped} into theta: d loss / d theta = -u^T F_theta (resp. u^T f_theta).
 *
 * <p>Only one application of F (or f) is kept on the tape, whatever the number of solver
 * iterations: memory does not grow with them. The rule is first order: differentiating the gradient
 * again is not supported.
 */
public final class ImplicitDiff {
    private ImplicitDiff() {}

    /**
     * @param taped the recorded expression (value equal to the solution)
     * @param adjoint u -> A u
     * @param solver the linear solver for A u = g
     * @param policy what to do when the backward solve does not converge
     * @param onBackward receives the backward solve's statistics (may be null)
     */
    public static Tensor attach(
            Tensor taped,
            UnaryOperator<Tensor> adjoint,
            LinearSolver solver,
            NonConvergence policy,
            Consumer<Solution> onBackward) {
        return new CustomFunction("implicit") {
            @Override
            protected Tensor forward(Tensor[] in) {
                return in[0];
            }

            @Override
            protected Tensor[] backward(Tensor g, Tensor out, Tensor[] in, boolean[] needs) {
                Solution s;
                try (Grad.Scope ignored = Grad.noGrad()) {
                    Tensor gd = g.detach();
                    s = policy.check("implicit backward solve", solver.solve(adjoint, gd, gd));
                }
                if (onBackward != null) {
                    onBackward.accept(s);
                }
                return new Tensor[] {s.value()};
            }
        }.apply(taped);
    }

    /**
     * u -> J^T u for J = d map(z) / dz at z*, by reverse mode on one recorded application of map at
     * a detached copy of z* (the parameters inside map are not differentiated here).
     */
    public static UnaryOperator<Tensor> vjp(UnaryOperator<Tensor> map, Tensor zStar) {
        Tensor z0 = zStar.detach().requiringGrad();
        Tensor y;
        try (Grad.Scope ignored = Grad.enableGrad()) {
            y = map.apply(z0);
        }
        // Called once per iteration of the linear solver on the same recorded application: retain
        // it.
        Grad.Options retain = Grad.Options.defaults().withRetainGraph(true);
        return u -> Grad.of(new Tensor[] {y}, new Tensor[] {z0}, new Tensor[] {u}, retain)[0];
    }
}
