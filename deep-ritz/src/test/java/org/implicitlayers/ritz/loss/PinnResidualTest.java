package org.implicitlayers.ritz.loss;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.implicitlayers.ritz.sampling.PointSource;
import org.junit.jupiter.api.Test;

class PinnResidualTest {
    /**
     * -div((1 + x^2) grad u) = -2 y (1 + 3 x^2) for u = x^2 y: the residual of the exact solution
     * vanishes, which needs the grad a . grad u part of the divergence.
     */
    @Test
    void theExactSolutionHasZeroResidualWithAVariableCoefficient() {
        ScalarField exact = ScalarField.formula("x^2*y", 2);
        PoissonProblem p =
                new PoissonProblem(
                        "var-a",
                        Box.unitCube(2),
                        ScalarField.formula("1 + x^2", 2),
                        null,
                        ScalarField.formula("-2*y*(1 + 3*x^2)", 2),
                        List.of(BoundaryCondition.dirichlet(exact)),
                        exact);
        Module u =
                new Module() {
                    @Override
                    public Tensor forward(Tensor x) {
                        return exact.at(x);
                    }
                };
        Tensor x = p.domain().sampleInterior(64, PointSource.sobol(3), DType.FLOAT64);
        double worst =
                new PinnResidual(p, 1)
                        .residual(new Ansatz(u, p.domain(), false, null), x)
                        .abs()
                        .max()
                        .item();
        assertTrue(worst < 1e-12, "max |residual| of the exact solution: " + worst);
    }
}
