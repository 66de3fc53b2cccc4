package org.implicitlayers.ritz;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.implicitlayers.ritz.domain.Ball;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.domain.Polygon;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.EigenProblem;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;

/** Built-in problems with known solutions, and the settings tuned for each ({@link #spec}). */
public final class Examples {
    private Examples() {}

    /**
     * -Laplace(u) = 2 pi^2 sin(pi x) sin(pi y) on [0,1]^2, u = 0 on the boundary: u = sin(pi x)
     * sin(pi y) (the benchmark).
     */
    public static PoissonProblem poissonSquare() {
        return new PoissonProblem(
                "poisson-square",
                Box.unitCube(2),
                null,
                null,
                ScalarField.formula("2*pi^2*sin(pi*x)*sin(pi*y)", 2),
                List.of(BoundaryCondition.dirichlet(ScalarField.constant(0))),
                ScalarField.formula("sin(pi*x)*sin(pi*y)", 2));
    }

    /** -Laplace(u) = 4 on the unit disk, u = 0 on the circle: u = 1 - x^2 - y^2. */
    public static PoissonProblem poissonDisk() {
        return new PoissonProblem(
                "poisson-disk",
                new Ball(new double[] {0, 0}, 1),
                null,
                null,
                ScalarField.constant(4),
                List.of(BoundaryCondition.dirichlet(ScalarField.constant(0))),
                ScalarField.formula("1 - x^2 - y^2", 2));
    }

    /**
     * Laplace(u) = 0 on the L-shaped domain with the boundary values of u = r^(2/3) sin(2 theta /
     * 3), theta in [0, 3 pi / 2]: the classic corner singularity (its gradient is unbounded at the
     * origin).
     */
    public static PoissonProblem lShape() {
        String u = "r^(2/3)*sin(2/3*(theta + 2*pi*heaviside(-y)))";
        return new PoissonProblem(
                "l-shape",
                Polygon.lShape(),
                null,
                null,
                ScalarField.constant(0),
                List.of(BoundaryCondition.dirichlet(ScalarField.formula(u, 2))),
                ScalarField.formula(u, 2));
    }

    /**
     * Laplace(u) = 0 on [0,1]^10 with u = x1 x2 + x3 x4 + ... + x9 x10 on the boundary (harmonic; E
     * and Yu 2018, sec. 3.1).
     */
    public static PoissonProblem poisson10d() {
        String u = "x1*x2 + x3*x4 + x5*x6 + x7*x8 + x9*x10";
        return new PoissonProblem(
                "poisson-10d",
                Box.unitCube(10),
                null,
                null,
                ScalarField.constant(0),
                List.of(BoundaryCondition.dirichlet(ScalarField.formula(u, 10))),
                ScalarField.formula(u, 10));
    }

    /** The smallest Dirichlet eigenvalue of -Laplace on [0,1]^2: 2 pi^2. */
    public static EigenProblem eigenSquare() {
        return new EigenProblem("eigen-square", Box.unitCube(2), 2 * Math.PI * Math.PI);
    }

    /** Built-in Poisson problems by name (the eigenproblem is "eigen-square"). */
    public static final Map<String, Supplier<PoissonProblem>> POISSON =
            Map.of(
                    "poisson-square", Examples::poissonSquare,
                    "poisson-disk", Examples::poissonDisk,
                    "l-shape", Examples::lShape,
                    "poisson-10d", Examples::poisson10d);

    /** The names {@link #spec} knows, sorted. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(POISSON.keySet());
        names.add("eigen-square");
        Collections.sort(names);
        return List.copyOf(names);
    }

    /**
     * A built-in problem with the settings tuned for it, or empty for an unknown name.
     * poisson-square and poisson-disk (u = 0 on the boundary): the exact ansatz u = phi N removes
     * the penalty's bias; Sobol points and a cosine decay of the learning rate (3e-3 to 6e-5)
     * remove most of the sampling noise (relative L2 error about 3e-4 on the square, against 4e-2
     * with the benchmark's penalty settings); not used where g is the exact solution, since the
     * ansatz would then contain the answer. poisson-10d: width 64, 2048 interior and 1024 boundary
     * points. l-shape: 8000 steps. eigen-square: exact ansatz, penalty 100. Otherwise {@link
     * RitzOptions#defaults()}.
     */
    public static Optional<ProblemSpec> spec(String name) {
        RitzOptions o = RitzOptions.defaults();
        if (name.equals("eigen-square")) {
            return Optional.of(
                    new ProblemSpec(
                            eigenSquare(),
                            o.withBoundary(
                                    new RitzOptions.Boundary(
                                            RitzOptions.BoundaryTreatment.EXACT, 100))));
        }
        Supplier<PoissonProblem> p = POISSON.get(name);
        if (p == null) {
            return Optional.empty();
        }
        switch (name) {
            case "poisson-square", "poisson-disk" ->
                    o =
                            o.withBoundary(RitzOptions.Boundary.exact())
                                    .withSampling(
                                            o.sampling()
                                                    .withMethod(RitzOptions.SamplingMethod.SOBOL)
                                                    .withCounts(1024, 1))
                                    .withOptimizer(o.optimizer().withLr(3e-3, 0.02));
            case "poisson-10d" ->
                    o =
                            o.withNetwork(
                                            new RitzOptions.Network(
                                                    RitzOptions.NetworkType.RESNET, 64, 3, "tanh"))
                                    .withSampling(o.sampling().withCounts(2048, 1024));
            case "l-shape" -> o = o.withOptimizer(o.optimizer().withSteps(8000));
            default -> {}
        }
        return Optional.of(new ProblemSpec(p.get(), o));
    }
}
