package org.implicitlayers.ritz;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.implicitlayers.ritz.domain.Ball;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.domain.Polygon;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.EigenProblem;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;

/** Built-in problems with known solutions. */
public final class Examples {
    private Examples() {
    }

    /** -Laplace(u) = 2 pi^2 sin(pi x) sin(pi y) on [0,1]^2, u = 0 on the boundary: u = sin(pi x) sin(pi y) (the benchmark). */
    public static PoissonProblem poissonSquare() {
        return new PoissonProblem("poisson-square", Box.unitCube(2), null, null,
                ScalarField.formula("2*pi^2*sin(pi*x)*sin(pi*y)", 2),
                List.of(BoundaryCondition.dirichlet(ScalarField.constant(0))), ScalarField.formula("sin(pi*x)*sin(pi*y)", 2));
    }

    /** -Laplace(u) = 4 on the unit disk, u = 0 on the circle: u = 1 - x^2 - y^2. */
    public static PoissonProblem poissonDisk() {
        return new PoissonProblem("poisson-disk", new Ball(new double[] {0, 0}, 1), null, null, ScalarField.constant(4),
                List.of(BoundaryCondition.dirichlet(ScalarField.constant(0))), ScalarField.formula("1 - x^2 - y^2", 2));
    }

    /**
     * Laplace(u) = 0 on the L-shaped domain with the boundary values of u = r^(2/3) sin(2 theta / 3),
     * theta in [0, 3 pi / 2]: the classic corner singularity (its gradient is unbounded at the origin).
     */
    public static PoissonProblem lShape() {
        String u = "r^(2/3)*sin(2/3*(theta + 2*pi*heaviside(-y)))";
        return new PoissonProblem("l-shape", Polygon.lShape(), null, null, ScalarField.constant(0),
                List.of(BoundaryCondition.dirichlet(ScalarField.formula(u, 2))), ScalarField.formula(u, 2));
    }

    /** Laplace(u) = 0 on [0,1]^10 with u = x1 x2 + x3 x4 + ... + x9 x10 on the boundary (harmonic; E and Yu 2018, sec. 3.1). */
    public static PoissonProblem poisson10d() {
        String u = "x1*x2 + x3*x4 + x5*x6 + x7*x8 + x9*x10";
        return new PoissonProblem("poisson-10d", Box.unitCube(10), null, null, ScalarField.constant(0),
                List.of(BoundaryCondition.dirichlet(ScalarField.formula(u, 10))), ScalarField.formula(u, 10));
    }

    /** The smallest Dirichlet eigenvalue of -Laplace on [0,1]^2: 2 pi^2. */
    public static EigenProblem eigenSquare() {
        return new EigenProblem("eigen-square", Box.unitCube(2), 2 * Math.PI * Math.PI);
    }

    /** Built-in Poisson problems by name (the eigenproblem is "eigen-square"). */
    public static final Map<String, Supplier<PoissonProblem>> POISSON = Map.of(
            "poisson-square", Examples::poissonSquare,
            "poisson-disk", Examples::poissonDisk,
            "l-shape", Examples::lShape,
            "poisson-10d", Examples::poisson10d);
}
