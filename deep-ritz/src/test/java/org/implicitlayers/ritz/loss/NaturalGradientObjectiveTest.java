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
import org.implicitlayers.ritz.domain.Polygon;
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
                BoundaryCondition.dirichlet(homogeneous ? zero : ScalarField.formula("sin(y)", 2))
                        .on(ScalarField.formula("0.1 - x", 2)),
                BoundaryCondition.robin(
                                ScalarField.formula("2 + y", 2),
                                homogeneous ? zero : ScalarField.formula("x", 2))
                        .on(ScalarField.formula("x - 0.9", 2)),
                BoundaryCondition.neumann(homogeneous ? zero : ScalarField.constant(1)));
    }

    static PoissonProblem problem(boolean homogeneous) {
        return problem(homogeneous, Box.unitCube(2));
    }

    static PoissonProblem problem(
            boolean homogeneous, org.implicitlayers.ritz.domain.Domain domain) {
        return problem(homogeneous, domain, conditions(homogeneous));
    }

    /**
     * Dirichlet data in two pieces. (On a polygon the exact ansatz's distance has no derivative at
     * the vertices, which boundary samples hit, so its pieces are Dirichlet only, as the solver
     * requires.)
     */
    static List<BoundaryCondition> dirichletPieces(boolean homogeneous) {
        ScalarField zero = ScalarField.constant(0);
        return List.of(
                BoundaryCondition.dirichlet(homogeneous ? zero : ScalarField.formula("sin(y)", 2))
                        .on(ScalarField.formula("0.1 - x", 2)),
                BoundaryCondition.dirichlet(homogeneous ? zero : ScalarField.formula("x", 2)));
    }

    static PoissonProblem problem(
            boolean homogeneous,
            org.implicitlayers.ritz.domain.Domain domain,
            List<BoundaryCondition> bcs) {
        return new PoissonProblem(
                homogeneous ? "h" : "p",
                domain,
                ScalarField.formula("1 + x^2", 2),
                ScalarField.formula("1 + y", 2),
                homogeneous ? ScalarField.constant(0) : ScalarField.formula("exp(x)*cos(y)", 2),
                bcs,
                null);
    }

    static Loss loss(boolean pinn, PoissonProblem p, double beta) {
        return pinn ? new PinnResidual(p, beta) : new RitzEnergy(p, beta);
    }

    static Ansatz ansatz(Module net, PoissonProblem p, boolean exact) {
        return exact
                ? new Ansatz(net, p.domain(), p.boundary())
                : new Ansatz(net, p.domain(), false, null);
    }

    /** The L-shape's corner terms, their coefficients set to {@code c}. */
    static CornerEnrichment corners(double... c) {
        CornerEnrichment e =
                new CornerEnrichment(Polygon.lShape().reentrantCorners(), DType.FLOAT64);
        e.parameters().get("coefficients").set(Tensor.of(DType.FLOAT64, c, c.length));
        return e;
    }

    @ParameterizedTest
    @CsvSource({
        "false, false, mlp, false",
        "false, true, resnet, false",
        "true, false, resnet, false",
        "true, true, mlp, false",
        "true, false, mlp, true",
        "false, false, mlp, true",
        "true, true, resnet, true"
    })
    void quadraticFormOfTheGramMatrixEqualsTheHomogeneousLossOfTheTangent(
            boolean pinn, boolean exact, String type, boolean withCorners) {
        double beta = 7;
        org.implicitlayers.ritz.domain.Domain domain =
                withCorners ? Polygon.lShape() : Box.unitCube(2);
        boolean pieces = withCorners && exact;
        PoissonProblem p =
                problem(false, domain, pieces ? dirichletPieces(false) : conditions(false));
        PoissonProblem p0 =
                problem(true, domain, pieces ? dirichletPieces(true) : conditions(true));
        RitzOptions.Network spec =
                new RitzOptions.Network(RitzOptions.NetworkType.parse("type", type), 6, 2, "tanh");
        Module net = spec.build(2, DType.FLOAT64, Rng.seeded(3));
        TrainingPoints points =
                new TrainingPoints(
                        p.domain(),
                        40,
                        24,
                        PointSource.sobol(3),
                        PointSource.sobol(3),
                        false,
                        DType.FLOAT64);
        Ansatz at = ansatz(net, p, exact);
        if (withCorners) {
            at.withCorners(corners(0.7, -0.2));
        }
        NaturalGradientObjective obj =
                new NaturalGradientObjective(p, loss(pinn, p, beta), at, points, "tanh", beta);
        Engd.Linearisation lin = obj.linearise();
        int size = obj.size();
        int pn = (int) net.parameterCount();
        assertEquals(withCorners ? pn + 2 : pn, size);
        Engd flat = new Engd(net.parameters(), Engd.Options.defaults());
        double[] theta = java.util.Arrays.copyOf(flat.flatParameters(), size);
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
            Module plus = spec.build(2, DType.FLOAT64, Rng.seeded(3)),
                    minus = spec.build(2, DType.FLOAT64, Rng.seeded(3));
            double[] tp = theta.clone(), tm = theta.clone();
            for (int i = 0; i < size; i++) {
                tp[i] += h * xi[i];
                tm[i] -= h * xi[i];
            }
            new Engd(plus.parameters(), Engd.Options.defaults())
                    .setFlatParameters(java.util.Arrays.copyOf(tp, pn));
            new Engd(minus.parameters(), Engd.Options.defaults())
                    .setFlatParameters(java.util.Arrays.copyOf(tm, pn));
            Ansatz tangent = ansatz(new Difference(plus, minus, h), p0, exact);
            if (withCorners) {
                // u is linear in the corner coefficients: the tangent's corner part has
                // coefficients xi.
                tangent.withCorners(corners(xi[pn], xi[pn + 1]));
            }
            double homogeneous = loss(pinn, p0, beta).value(tangent, points).item();
            got.add(q);
            want.add(2 * homogeneous);
        }
        for (int t = 0; t < got.size(); t++) {
            assertEquals(
                    want.get(t),
                    got.get(t),
                    1e-6 * Math.abs(want.get(t)),
                    "pinn=" + pinn + " exact=" + exact + ": " + got + " vs " + want);
            assertTrue(got.get(t) > 0);
        }
    }

    /**
     * The PINN loss is |rho|^2 / 2 and its gradient A^T rho: the residual that the sample-space
     * step uses, against the loss and the gradient of the tape (corner terms, pieces of every
     * kind).
     */
    @ParameterizedTest
    @CsvSource({"false, false", "true, true", "false, true"})
    void pinnResidualGivesTheLossAndTheGradient(boolean exact, boolean withCorners) {
        double beta = 7;
        org.implicitlayers.ritz.domain.Domain domain =
                withCorners ? Polygon.lShape() : Box.unitCube(2);
        PoissonProblem p =
                problem(
                        false,
                        domain,
                        withCorners && exact ? dirichletPieces(false) : conditions(false));
        Module net =
                new RitzOptions.Network(RitzOptions.NetworkType.MLP, 5, 2, "tanh")
                        .build(2, DType.FLOAT64, Rng.seeded(8));
        TrainingPoints points =
                new TrainingPoints(
                        p.domain(),
                        30,
                        20,
                        PointSource.sobol(3),
                        PointSource.sobol(3),
                        false,
                        DType.FLOAT64);
        Ansatz at = ansatz(net, p, exact);
        if (withCorners) {
            at.withCorners(corners(0.4, 0.1));
        }
        NaturalGradientObjective obj =
                new NaturalGradientObjective(
                        p, new PinnResidual(p, beta), at, points, "tanh", beta);
        Engd.Linearisation lin = obj.linearise();
        double[] rho = lin.residual();
        assertEquals(lin.rows(), rho.length);
        double half = 0;
        for (double v : rho) {
            half += 0.5 * v * v;
        }
        assertEquals(lin.loss(), half, 1e-12 * lin.loss());
        int size = obj.size();
        double norm = 0;
        for (double v : lin.gradient()) {
            norm = Math.max(norm, Math.abs(v));
        }
        for (int j = 0; j < size; j++) {
            double s = 0;
            for (int r = 0; r < lin.rows(); r++) {
                s += lin.factor()[r * size + j] * rho[r];
            }
            assertEquals(lin.gradient()[j], s, 1e-10 * norm, "parameter " + j);
        }
    }
}
