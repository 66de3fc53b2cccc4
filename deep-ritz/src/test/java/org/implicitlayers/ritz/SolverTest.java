package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.ritz.RitzOptions.BoundaryTreatment;
import org.implicitlayers.ritz.RitzOptions.Method;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.EigenProblem;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.junit.jupiter.api.Test;

/**
 * Small problems with exact solutions, solved to a stated accuracy: the methods converge to the
 * right answer.
 */
class SolverTest {
    static RitzOptions small(Method method, BoundaryTreatment bc, int steps) {
        return RitzOptions.defaults()
                .withMethod(method)
                .withBoundary(RitzOptions.Boundary.defaults().withTreatment(bc))
                .withNetwork(new RitzOptions.Network(RitzOptions.NetworkType.MLP, 16, 2, "tanh"))
                .withSampling(
                        RitzOptions.Sampling.defaults()
                                .withMethod(RitzOptions.SamplingMethod.SOBOL)
                                .withCounts(128, 2))
                .withOptimizer(RitzOptions.Optimizer.defaults().withSteps(steps).withLr(5e-3, 0.1))
                .withRun(new RitzOptions.Run(steps, 1, DType.FLOAT64));
    }

    static RitzOptions withPenalty(RitzOptions o, double beta) {
        return o.withBoundary(o.boundary().withPenalty(beta));
    }

    /** -u'' = pi^2 sin(pi x) on [0, 1], u(0) = u(1) = 0: u = sin(pi x). */
    static PoissonProblem dirichlet1d() {
        return new PoissonProblem(
                "sine",
                Box.interval(0, 1),
                null,
                null,
                ScalarField.formula("pi^2*sin(pi*x)", 1),
                List.of(BoundaryCondition.dirichlet(ScalarField.constant(0))),
                ScalarField.formula("sin(pi*x)", 1));
    }

    @Test
    void ritzWithExactBoundaryAnsatzSolvesTheSineProblem() throws Exception {
        RitzSolver.Result r =
                new RitzSolver(dirichlet1d(), small(Method.RITZ, BoundaryTreatment.EXACT, 1500))
                        .solve(List.of());
        assertTrue(r.metrics().get("rel_l2") < 2e-2, r.metrics().toString());
        assertTrue(r.metrics().get("rel_h1") < 5e-2, r.metrics().toString());
    }

    @Test
    void pinnWithPenaltyAndLbfgsSolvesTheSineProblemAccurately() throws Exception {
        RitzOptions o = withPenalty(small(Method.PINN, BoundaryTreatment.PENALTY, 300), 10);
        o = o.withOptimizer(o.optimizer().withLr(5e-3, 1.0).withLbfgs(200));
        RitzSolver.Result r = new RitzSolver(dirichlet1d(), o).solve(List.of());
        assertTrue(r.metrics().get("rel_l2") < 2e-3, r.metrics() + " " + r.lbfgsStop());
    }

    /**
     * -u'' + u = (pi^2 + 1) cos(pi x) with u'(0) = u'(1) = 0: u = cos(pi x), the Neumann condition
     * natural in the energy.
     */
    @Test
    void neumannConditionsAreNaturalInTheRitzEnergy() throws Exception {
        PoissonProblem p =
                new PoissonProblem(
                        "cos",
                        Box.interval(0, 1),
                        null,
                        ScalarField.constant(1),
                        ScalarField.formula("(pi^2 + 1)*cos(pi*x)", 1),
                        List.of(BoundaryCondition.neumann(ScalarField.constant(0))),
                        ScalarField.formula("cos(pi*x)", 1));
        RitzSolver.Result r =
                new RitzSolver(p, small(Method.RITZ, BoundaryTreatment.PENALTY, 1500))
                        .solve(List.of());
        assertTrue(r.metrics().get("rel_l2") < 3e-2, r.metrics().toString());
    }

    /**
     * -u'' = 0 on [0, 1] with u(0) = 1 (Dirichlet where x < 0.5) and u'(1) + u(1) = 1 (Robin where
     * x > 0.5): u = 1.
     */
    @Test
    void mixedDirichletAndRobinConditions() throws Exception {
        PoissonProblem p =
                new PoissonProblem(
                        "mixed",
                        Box.interval(0, 1),
                        null,
                        null,
                        ScalarField.constant(0),
                        List.of(
                                BoundaryCondition.dirichlet(ScalarField.constant(1))
                                        .on(ScalarField.formula("0.5 - x", 1)),
                                BoundaryCondition.robin(
                                        ScalarField.constant(1), ScalarField.constant(1))),
                        ScalarField.constant(1));
        for (Method method : Method.values()) {
            RitzSolver.Result r =
                    new RitzSolver(
                                    p,
                                    withPenalty(small(method, BoundaryTreatment.PENALTY, 1000), 50))
                            .solve(List.of());
            assertTrue(r.metrics().get("rel_l2") < 2e-2, method + " " + r.metrics());
        }
    }

    @Test
    void smallestDirichletEigenvalueOfTheUnitInterval() throws Exception {
        RitzOptions o = withPenalty(small(Method.RITZ, BoundaryTreatment.EXACT, 1500), 10);
        RitzSolver.Result r =
                new RitzSolver(
                                new EigenProblem("interval", Box.interval(0, 1), Math.PI * Math.PI),
                                o)
                        .solve(List.of());
        assertTrue(r.metrics().get("eigenvalue_rel_error") < 1e-2, r.metrics().toString());
    }

    /**
     * Refinement puts points where the residual is large: for -u'' = f with a sharp bump at x = 0.7
     * (u = exp(-200 (x - 0.7)^2) minus its linear boundary part), most added points lie near the
     * bump.
     */
    @Test
    void adaptiveRefinementAddsPointsWhereTheResidualIsLarge() throws Exception {
        String u = "exp(-200*(x - 0.7)^2)";
        String f = "-(exp(-200*(x - 0.7)^2)*(160000*(x - 0.7)^2 - 400))";
        PoissonProblem p =
                new PoissonProblem(
                        "bump",
                        Box.interval(0, 1),
                        null,
                        null,
                        ScalarField.formula(f, 1),
                        List.of(BoundaryCondition.dirichlet(ScalarField.formula(u, 1))),
                        ScalarField.formula(u, 1));
        RitzOptions o = small(Method.PINN, BoundaryTreatment.PENALTY, 400);
        o =
                o.withSampling(
                        new RitzOptions.Sampling(
                                64, 2, RitzOptions.SamplingMethod.UNIFORM, false, 100, 20));
        RitzSolver s = new RitzSolver(p, o);
        s.solve(List.of());
        double[] added = s.refinedPoints().toDoubleArray();
        assertTrue(added.length == 60, "three refinements of 20 points: " + added.length);
        int near = 0;
        for (double x : added) {
            near += Math.abs(x - 0.7) < 0.2 ? 1 : 0;
        }
        assertTrue(
                near > 0.75 * added.length,
                near + " of " + added.length + " near the bump (40% of the interval)");
        assertThrowsRitz();
    }

    /**
     * l-shape's data are its solution's formula: with the exact ansatz the lift is the answer;
     * poisson-square's (g = 0) are not.
     */
    @Test
    void theLiftIsTheExactSolutionOnlyWhenTheDataAreTheSolution() {
        RitzOptions exact = RitzOptions.defaults().withBoundary(RitzOptions.Boundary.exact());
        assertTrue(new RitzSolver(Examples.lShape(), exact).liftIsTheExactSolution());
        assertTrue(
                !new RitzSolver(Examples.lShape(), RitzOptions.defaults()).liftIsTheExactSolution(),
                "not with the penalty");
        assertTrue(!new RitzSolver(Examples.poissonSquare(), exact).liftIsTheExactSolution());
    }

    private static void assertThrowsRitz() {
        IllegalArgumentException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                RitzOptions.defaults()
                                        .withSampling(
                                                RitzOptions.Sampling.defaults().withRar(100, 10)));
        assertTrue(e.getMessage().contains("pinn"), e.getMessage());
    }
}
