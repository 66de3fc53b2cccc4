package org.implicitlayers.ritz.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.optim.Engd;
import org.implicitlayers.ritz.RitzOptions;
import org.implicitlayers.ritz.domain.Box;
import org.implicitlayers.ritz.problem.BoundaryCondition;
import org.implicitlayers.ritz.problem.PoissonProblem;
import org.implicitlayers.ritz.problem.ScalarField;
import org.implicitlayers.ritz.sampling.PointSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The Gram matrix against an independent computation. Both losses are quadratic in u (the Ritz
 * energy) or in the residuals (PINN), so for a tangent direction xi, xi^T G xi is twice the loss of
 * the homogeneous problem (f = 0, every g = 0) evaluated at the function v = d/dt u(theta + t xi),
 * which is computed here by central finite differences of two copies of the network, through the
 * loss classes themselves (on the same points).
 */
class NaturalGradientObjectiveTest {
    /** (N(theta + h xi) - N(theta - h xi)) / 2h, a network in its own right. */
    static final class Difference extends Module {
        private final Module plus;
        private final Module minus;
        private final double h;

        Difference(Module plus, Module minus, double h) {
            this.plus = plus;
            this.minus = minus;
            this.h = h;
        }

        @Override
        public Tensor forward(Tensor x) {
            return plus.forward(x).sub(minus.forward(x)).mul(1 / (2 * h));
        }
    }

    static List<BoundaryCondition> conditions(boolean homogeneous) {
        ScalarField zero = ScalarField.constant(0);
        return List.of(
                BoundaryCondition.dirichlet(homogeneous ? zero : ScalarField.formula("sin(y)", 2)).on(ScalarField.formula("0.1 - x", 2)),
                BoundaryCondition.robin(ScalarField.formula("2 + y", 2), homogeneous ? zero : ScalarField.formula("x", 2))
                        .on(ScalarField.formula("x - 0.9", 2)),
                BoundaryCondition.neumann(homogeneous ? zero : ScalarField.constant(1)));
    }

    static PoissonProblem problem(boolean homogeneous) {
        return new PoissonProblem(homogeneous ? "h" : "p", Box.unitCube(2), ScalarField.formula("1 + x^2", 2),
                ScalarField.formula("1 + y", 2), homogeneous ? ScalarField.constant(0) : ScalarField.formula("exp(x)*cos(y)", 2),
                conditions(homogeneous), null);
    }

    static Loss loss(boolean pinn, PoissonProblem p, double beta) {
        return pinn ? new PinnResidual(p, beta) : new RitzEnergy(p, beta);
    }

    static Ansatz ansatz(Module net, PoissonProblem p, boolean exact) {
        return exact ? new Ansatz(net, p.domain(), p.boundary()) : new Ansatz(net, p.domain(), false, null);
    }

    @ParameterizedTest
    @CsvSource({"false, false, mlp", "false, true, resnet", "true, false, resnet", "true, true, mlp"})
    void quadraticFormOfTheGramMatrixEqualsTheHomogeneousLossOfTheTangent(boolean pinn, boolean exact, String type) {
        double beta = 7;
        PoissonProblem p = problem(false), p0 = problem(true);
        RitzOptions.Network spec = new RitzOptions.Network(RitzOptions.NetworkType.parse("type", type), 6, 2, "tanh");
        Module net = spec.build(2, DType.FLOAT64, Rng.seeded(3));
        TrainingPoints points = new TrainingPoints(p.domain(), 40, 24, PointSource.sobol(3), PointSource.sobol(3), false, DType.FLOAT64);
        NaturalGradientObjective obj = new NaturalGradientObjective(p, loss(pinn, p, beta), ansatz(net, p, exact), points, "tanh", beta);
        Engd.Linearisation lin = obj.linearise();
        int size = obj.size();
        Engd flat = new Engd(net.parameters(), Engd.Options.defaults());
        double[] theta = flat.flatParameters();
        Rng rng = Rng.seeded(5);
        List<Double> got = new ArrayList<>(), want = new ArrayList<>();
        for (int trial = 0; trial < 3; trial++) {
            double[] xi = new double[size];
            for (int i = 0; i < size; i++) {
                xi[i] = rng.nextDouble() * 2 - 1;
            }
            double q = 0;
            for (int r = 0; r < lin.rows(); r++) {
                double s = 0;
                for (int i = 0; i < size; i++) {
                    s += lin.factor()[r * size + i] * xi[i];
                }
                q += s * s;
            }
            double h = 1e-5;
            Module plus = spec.build(2, DType.FLOAT64, Rng.seeded(3)), minus = spec.build(2, DType.FLOAT64, Rng.seeded(3));
            double[] tp = theta.clone(), tm = theta.clone();
            for (int i = 0; i < size; i++) {
                tp[i] += h * xi[i];
                tm[i] -= h * xi[i];
            }
            new Engd(plus.parameters(), Engd.Options.defaults()).setFlatParameters(tp);
            new Engd(minus.parameters(), Engd.Options.defaults()).setFlatParameters(tm);
            double homogeneous = loss(pinn, p0, beta).value(ansatz(new Difference(plus, minus, h), p0, exact), points).item();
            got.add(q);
            want.add(2 * homogeneous);
        }
        for (int t = 0; t < got.size(); t++) {
            assertEquals(want.get(t), got.get(t), 1e-6 * Math.abs(want.get(t)), "pinn=" + pinn + " exact=" + exact + ": " + got + " vs " + want);
            assertTrue(got.get(t) > 0);
        }
    }
}
