package org.implicitlayers.ritz;

import org.implicitlayers.ritz.problem.Problem;

/**
 * A problem with the options to solve it: what a JSON problem file holds ({@link ProblemFile}) and
 * what a built-in problem comes with ({@link Examples#spec}).
 *
 * <pre>{@code
 * ProblemSpec spec = Examples.spec("poisson-disk").orElseThrow();     // or ProblemFile.load(path)
 * RitzSolver solver = new RitzSolver(spec.problem(), spec.options().withOptimizer(spec.options().optimizer().withSteps(2000)));
 * RitzSolver.Result r = solver.solve(List.of());
 * }</pre>
 *
 * @param problem the problem
 * @param options how to solve it
 */
public record ProblemSpec(Problem problem, RitzOptions options) {
    public ProblemSpec {
        if (problem == null || options == null) {
            throw new IllegalArgumentException("a problem spec needs a problem and options");
        }
    }

    public String name() {
        return problem.name();
    }

    public ProblemSpec withOptions(RitzOptions o) {
        return new ProblemSpec(problem, o);
    }
}
