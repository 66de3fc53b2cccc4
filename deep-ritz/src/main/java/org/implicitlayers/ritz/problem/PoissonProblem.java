package org.implicitlayers.ritz.problem;

import java.util.List;
import org.implicitlayers.ritz.domain.Domain;

/**
 * -div(a grad u) + c u = f in the domain, with boundary conditions; optionally the exact solution,
 * against which relative L2 and H1-seminorm errors are reported. a defaults to 1 and c to 0.
 */
public record PoissonProblem(
        String name,
        Domain domain,
        ScalarField a,
        ScalarField c,
        ScalarField f,
        List<BoundaryCondition> boundary,
        ScalarField exact)
        implements Problem {
    public PoissonProblem {
        if (boundary.isEmpty()) {
            throw new IllegalArgumentException(
                    name + ": at least one boundary condition is needed");
        }
        boundary = List.copyOf(boundary);
    }

    /** True when u = g is imposed on the whole boundary (the exact-BC ansatz needs it). */
    public boolean dirichletEverywhere() {
        return boundary.size() == 1
                && boundary.get(0).type() == BoundaryCondition.Type.DIRICHLET
                && boundary.get(0).where() == null;
    }
}
