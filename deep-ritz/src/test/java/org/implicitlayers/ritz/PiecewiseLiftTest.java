package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.ritz.RitzOptions.BoundaryTreatment;
import org.implicitlayers.ritz.RitzOptions.Method;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.loss.Ansatz;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.junit.jupiter.api.Test;

/**
 * Exact boundary conditions for Dirichlet data given in pieces, and beside Neumann or Robin parts.
 */
class PiecewiseLiftTest {
    private static final List<BoundaryCondition> TWO_PIECES =
            List.of(
                    BoundaryCondition.dirichlet(ScalarField.constant(1))
                            .on(ScalarField.formula("0.5 - x", 1)),
                    BoundaryCondition.dirichlet(ScalarField.constant(3)));

    @Test
    void theAnsatzTakesEachPiecesDataOnItsPartOfTheBoundaryWhateverTheNetwork() {
        Module net =
                new RitzOptions.Network(RitzOptions.NetworkType.MLP, 8, 2, "tanh")
                        .build(1, DType.FLOAT64, Rng.seeded(4));
        Ansatz a = new Ansatz(net, Box.interval(0, 1), TWO_PIECES);
        double[] u = a.at(Tensor.of(new double[] {0, 1}, 2, 1)).toDoubleArray();
        assertEquals(1, u[0], 1e-12);
        assertEquals(3, u[1], 1e-12);
        // A Neumann part is left free: u at x = 1 is the network's business there.
        Ansatz mixed =
                new Ansatz(
                        net,
                        Box.interval(0, 1),
                        List.of(
                                TWO_PIECES.get(0),
                                BoundaryCondition.neumann(ScalarField.constant(0))));
        double[] v = mixed.at(Tensor.of(new double[] {0, 1}, 2, 1)).toDoubleArray();
        assertEquals(1, v[0], 1e-12);
        assertEquals(net.forward(Tensor.of(new double[] {1}, 1, 1)).item(), v[1], 1e-9);
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        new Ansatz(
                                net,
                                Box.interval(0, 1),
                                List.of(BoundaryCondition.neumann(ScalarField.constant(0)))));
    }

    /**
     * -u'' = 0 on [0, 1], u(0) = 1 and u(1) = 3 as two pieces: u = 1 + 2x, solved with the exact
     * ansatz.
     */
    @Test
    void piecewiseDirichletDataIsSolvedWithExactBoundaryConditions() throws Exception {
        PoissonProblem p =
                new PoissonProblem(
                        "two-pieces",
                        Box.interval(0, 1),
                        null,
                        null,
                        ScalarField.constant(0),
                        TWO_PIECES,
                        ScalarField.formula("1 + 2*x", 1));
        RitzOptions o = SolverTest.small(Method.RITZ, BoundaryTreatment.EXACT, 600);
        RitzSolver.Result r = new RitzSolver(p, o).solve(List.of());
        assertTrue(r.metrics().get("rel_l2") < 1e-2, r.metrics().toString());
    }

    /**
     * Exact conditions beside Neumann or Robin parts are refused, naming the setting (the penalty
     * form handles them).
     */
    @Test
    void exactConditionsBesideNaturalOnesAreRefused() {
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
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new RitzSolver(
                                        p,
                                        SolverTest.small(
                                                Method.RITZ, BoundaryTreatment.EXACT, 10)));
        assertTrue(
                e.getMessage().contains("bc 'exact'") && e.getMessage().contains("robin"),
                e.getMessage());
    }
}
