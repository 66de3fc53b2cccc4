package org.implicitlayers.ode.solver;

import org.implicitlayers.implicit.linear.LinearSolver;
import org.implicitlayers.implicit.solve.RootSolver;

/**
 * How the stages of implicit (diagonally implicit) methods are solved: each stage {@code z = base +
 * h gamma f(t, z)} is a root of {@code z - base - h gamma f(t, z)} found by {@code root}; on the
 * tape, z gets its implicit-function-theorem gradient through {@code linear}. Start from {@link
 * #defaults()}.
 *
 * @param root the root solver; null (the default) chooses Newton-Krylov with exact Jacobian-vector
 *     products, at most 12 iterations, residual tolerance 1e-10 in float64 and 1e-5 in float32,
 *     Krylov dimension {@code min(n + 1, 30)}
 * @param linear the linear solver of the backward pass; null (the default) chooses a dense LU
 *     factorisation for states of up to 64 components and GMRES (restart 30, at most 300
 *     iterations, tolerance 1e-10) above
 */
public record ImplicitStages(RootSolver root, LinearSolver linear) {
    /** Both solvers chosen from the state's size and dtype (see the parameters). */
    public static ImplicitStages defaults() {
        return new ImplicitStages(null, null);
    }

    public ImplicitStages withRoot(RootSolver r) {
        return new ImplicitStages(r, linear);
    }

    public ImplicitStages withLinear(LinearSolver l) {
        return new ImplicitStages(root, l);
    }
}
