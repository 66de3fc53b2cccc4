package org.implicitlayers.ode.solver;

import java.util.function.BiFunction;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.Roots;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.linear.Dense;
import org.implicitlayers.implicit.linear.Gmres;
import org.implicitlayers.implicit.linear.LinearSolver;
import org.implicitlayers.implicit.solve.NewtonKrylov;
import org.implicitlayers.implicit.solve.RootSolver;
import org.implicitlayers.ode.Dynamics;

/**
 * One implicit stage {@code z = base + h gamma f(t, z)}: Newton's method with exact Jacobian-vector
 * products (the {@code implicit} module's {@link NewtonKrylov}) unless {@link ImplicitStages} names
 * another root solver, and on the tape the implicit-function-theorem gradient of z with respect to
 * base and the parameters of f ({@link Roots}) with the linear solver it names, by default dense LU
 * for states up to 64 components, GMRES above. The stage derivative is then {@code f(t, z)},
 * evaluated once more on the tape.
 */
final class ImplicitStage {
    /** Newton's method did not converge: the step is rejected and retried smaller. */
    static final class NotConverged extends RuntimeException {
        NotConverged(String message) {
            super(message, null, false, false);
        }
    }

    private ImplicitStage() {}

    static Tensor solve(
            Dynamics f, double t, Tensor base, double hg, ImplicitStages solvers, int[] nfe) {
        int n = base.numel();
        double tol = base.dtype() == DType.FLOAT64 ? 1e-10 : 1e-5;
        // GMRES counts its first residual as an evaluation: n + 1 evaluations make it exact for
        // small systems.
        RootSolver newton =
                solvers.root() != null
                        ? solvers.root()
                        : NewtonKrylov.defaults()
                                .withMaxIter(12)
                                .withTol(tol)
                                .withKrylov(Math.min(n + 1, 30), tol * 1e-2);
        LinearSolver linear =
                solvers.linear() != null
                        ? solvers.linear()
                        : n <= 64
                                ? Dense.lu()
                                : Gmres.defaults().withRestart(30).withMaxIter(300).withTol(1e-10);
        BiFunction<Tensor, Tensor[], Tensor> residual =
                (z, p) -> {
                    nfe[0]++;
                    return z.sub(p[0]).sub(f.apply(t, z).mul(hg));
                };
        Roots.Result r =
                Roots.solve(
                        residual,
                        base,
                        new Tensor[] {base},
                        Roots.Options.defaults()
                                .withForward(newton)
                                .withBackward(linear)
                                .withPolicy(NonConvergence.RETURN_LAST));
        if (!r.forward().converged()) {
            throw new NotConverged(
                    String.format(
                            "Newton's method for an implicit stage at t = %.17g (h gamma = %.3g) did not converge"
                                    + " in %d iterations (residual %.3g)",
                            t, hg, r.forward().residuals().size(), r.forward().residual()));
        }
        return RungeKutta.eval(f, t, r.value(), nfe);
    }
}
