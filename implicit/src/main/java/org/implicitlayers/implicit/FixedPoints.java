package org.implicitlayers.implicit;

import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.linear.Gmres;
import org.implicitlayers.implicit.linear.LinearSolver;
import org.implicitlayers.implicit.solve.Anderson;
import org.implicitlayers.implicit.solve.FixedPointSolver;
import org.implicitlayers.implicit.solve.NonConvergence;
import org.implicitlayers.implicit.solve.Solution;

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
    /** The forward solver, the backward linear solver and the non-convergence policy. */
    public record Options(FixedPointSolver forward, LinearSolver backward, NonConvergence policy) {
        /** Anderson (m = 5) to 1e-6 in 100 iterations; GMRES(20) to 1e-8; raise on failure. */
        public static Options defaults() {
            return new Options(new Anderson(100, 1e-6, 5, 1e-4, 1.0), new Gmres(20, 200, 1e-8), NonConvergence.RAISE);
        }
    }

    /** The solution (on the tape) and the forward solve's statistics; the backward's arrive when it runs. */
    public record Result(Tensor value, Solution forward) {
    }

    private FixedPoints() {
    }

    public static Result solve(UnaryOperator<Tensor> f, Tensor z0, Options o) {
        return solve(f, z0, o, null);
    }

    public static Result solve(UnaryOperator<Tensor> f, Tensor z0, Options o, Consumer<Solution> onBackward) {
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
        Tensor out = ImplicitDiff.attach(taped, u -> u.sub(jt.apply(u)), o.backward(), o.policy(), onBackward);
        return new Result(out, s);
    }
}
