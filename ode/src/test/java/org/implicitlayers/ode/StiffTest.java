package org.implicitlayers.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.hipparchus.ode.ODEState;
import org.hipparchus.ode.OrdinaryDifferentialEquation;
import org.hipparchus.ode.nonstiff.DormandPrince853Integrator;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.ButcherTableau;
import org.implicitlayers.ode.solver.Tableaus;
import org.junit.jupiter.api.Test;

/**
 * The implicit methods on stiff problems, against Hipparchus' explicit Dormand-Prince 8(5,3) at
 * tight tolerance.
 */
class StiffTest {
    /** Robertson's chemical kinetics (Hairer and Wanner, Solving ODEs II, IV.1). */
    static double[] robertson(double[] y) {
        return new double[] {
            -0.04 * y[0] + 1e4 * y[1] * y[2],
            0.04 * y[0] - 1e4 * y[1] * y[2] - 3e7 * y[1] * y[1],
            3e7 * y[1] * y[1]
        };
    }

    static double[] vanDerPol1000(double[] y) {
        return new double[] {y[1], 1000 * (1 - y[0] * y[0]) * y[1] - y[0]};
    }

    /**
     * Robertson written with tensor operations (so that Newton's method gets its Jacobian by
     * autodiff).
     */
    static final Dynamics ROBERTSON =
            (t, y) -> {
                Tensor y1 = y.slice(1, 0, 1);
                Tensor y2 = y.slice(1, 1, 2);
                Tensor y3 = y.slice(1, 2, 3);
                Tensor r1 = y1.mul(-0.04).add(y2.mul(y3).mul(1e4));
                Tensor r3 = y2.square().mul(3e7);
                return Tensor.concat(1, r1, r1.neg().sub(r3), r3);
            };

    static final Dynamics VDP1000 =
            (t, y) -> {
                Tensor y1 = y.slice(1, 0, 1);
                Tensor y2 = y.slice(1, 1, 2);
                return Tensor.concat(1, y2, y1.square().neg().add(1).mul(y2).mul(1000).sub(y1));
            };

    static double[] reference(UnaryOperator<double[]> rhs, double[] y0, double tEnd, int[] evals) {
        OrdinaryDifferentialEquation ode =
                new OrdinaryDifferentialEquation() {
                    public int getDimension() {
                        return y0.length;
                    }

                    public double[] computeDerivatives(double t, double[] y) {
                        return rhs.apply(y);
                    }
                };
        // A bounded step keeps the explicit reference inside its stability region from the start.
        DormandPrince853Integrator in = new DormandPrince853Integrator(1e-14, 1e-3, 1e-12, 1e-10);
        in.setMaxEvaluations(50_000_000);
        double[] y = in.integrate(ode, new ODEState(0, y0.clone()), tEnd).getPrimaryState();
        evals[0] = in.getEvaluations();
        return y;
    }

    private static void assertStiffSolve(
            String name,
            Dynamics f,
            UnaryOperator<double[]> rhs,
            double[] y0,
            double tEnd,
            double rtol,
            double atol,
            double allowed) {
        int[] evals = {0};
        double[] ref = reference(rhs, y0, tEnd, evals);
        OdeSolve.Solution s =
                OdeSolve.solve(
                        f,
                        Tensor.of(y0, 1, y0.length),
                        Tensor.of(new double[] {0, tEnd}, 2),
                        OdeSolve.Options.defaults()
                                .withMethod(Tableaus.KVAERNO3)
                                .withTolerances(rtol, atol));
        double[] y = s.ys().select(0, 1).toDoubleArray();
        for (int i = 0; i < y0.length; i++) {
            double err = Math.abs(y[i] - ref[i]);
            assertTrue(
                    err <= allowed * (atol + rtol * Math.abs(ref[i])),
                    name + " component " + i + ": " + y[i] + " vs " + ref[i]);
        }
        int steps = s.stats().acceptedSteps() + s.stats().rejectedSteps();
        // Hipparchus' explicit method is held to a step size by stability, the L-stable method is
        // not.
        assertTrue(
                steps * 20 < evals[0] / 12,
                name
                        + ": "
                        + steps
                        + " kvaerno3 steps against "
                        + evals[0] / 12
                        + " explicit DOP853 steps");
    }

    @Test
    void robertsonAgreesWithHipparchus() {
        assertStiffSolve(
                "robertson",
                ROBERTSON,
                StiffTest::robertson,
                new double[] {1, 0, 0},
                40,
                1e-6,
                1e-10,
                100);
    }

    @Test
    void vanDerPolWithMu1000AgreesWithHipparchus() {
        assertStiffSolve(
                "van der pol mu=1000",
                VDP1000,
                StiffTest::vanDerPol1000,
                new double[] {2, 0},
                20,
                1e-6,
                1e-8,
                100);
    }

    @Test
    void implicitMethodsConvergeAtTheirOrder() {
        // y' = L (y - cos t) - sin t with L = -5: exact y = cos t from y(0) = 1. (With h |L| near 1
        // or more, DIRK methods
        // show the well-known order reduction to their stage order; the classical order is the h ->
        // 0 limit.)
        Dynamics f = (t, y) -> y.sub(Math.cos(t)).mul(-5).sub(Math.sin(t));
        for (ButcherTableau m : new ButcherTableau[] {Tableaus.BACKWARD_EULER, Tableaus.KVAERNO3}) {
            double[] e = new double[2];
            for (int k = 0; k < 2; k++) {
                double h = 0.02 / (1 << k);
                OdeSolve.Options o =
                        m.adaptive()
                                ? OdeSolve.Options.defaults()
                                        .withMethod(m)
                                        .withTolerances(1e6, 1e6)
                                        .withFirstStep(h)
                                        .withController(
                                                org.implicitlayers.ode.solver.PiController
                                                        .integral()
                                                        .withMaxFactor(1.0000001))
                                : OdeSolve.Options.defaults().withMethod(m).withStep(h);
                Tensor ys =
                        OdeSolve.solve(
                                        f,
                                        Tensor.of(new double[] {1}, 1),
                                        Tensor.of(new double[] {0, 1}, 2),
                                        o)
                                .ys();
                e[k] = Math.abs(ys.get(1) - Math.cos(1));
            }
            assertEquals(
                    m.order(),
                    Math.log(e[0] / e[1]) / Math.log(2),
                    0.25,
                    m.name() + ": errors " + e[0] + ", " + e[1]);
        }
    }

    /**
     * Stage gradients by the implicit function theorem: direct and checkpointed gradients through
     * kvaerno3 against finite differences, with fixed steps (so that the map from inputs to outputs
     * is smooth).
     */
    @Test
    void stiffGradientsEqualFiniteDifferences() {
        Tensor a = Tensor.of(new double[] {-1.0, 0.5, 0.0, -200.0}, 2, 2);
        Tensor y0 = Tensor.of(new double[] {1.0, 0.5, -0.3, 0.8}, 2, 2);
        Tensor ts = Tensor.of(new double[] {0, 0.3, 1.0}, 3);
        for (Gradient g : new Gradient[] {Gradient.direct(), Gradient.checkpointed()}) {
            Function<Tensor[], Tensor> f =
                    in ->
                            OdeSolve.solve(
                                            (t, y) -> y.matmul(in[1]).add(y.square().mul(0.1)),
                                            in[0],
                                            ts,
                                            new Tensor[] {in[1]},
                                            OdeSolve.Options.defaults()
                                                    .withMethod(Tableaus.KVAERNO3)
                                                    .withTolerances(1e6, 1e6)
                                                    .withFirstStep(0.1)
                                                    .withController(
                                                            org.implicitlayers.ode.solver
                                                                    .PiController.integral()
                                                                    .withMaxFactor(1.0000001))
                                                    .withGradient(g))
                                    .ys();
            // Output-time gradients use the continuous formula (tested in GradientTest); fixed
            // steps would make them differ from
            // finite differences of the discrete map by the discretisation error, so the times are
            // constants here.
            GradCheck.check(f, new GradCheck.Options(1e-5, 1e-6, 1e-4, 5), y0, a);
        }
    }

    @Test
    void theAdjointRefusesAnImplicitBackwardMethodWithAClearMessage() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                OdeSolve.solve(
                                        (t, y) -> y.neg(),
                                        Tensor.of(new double[] {1}, 1),
                                        Tensor.of(new double[] {0, 1}, 2),
                                        OdeSolve.Options.defaults()
                                                .withGradient(Gradient.adjoint())
                                                .withMethod(Tableaus.KVAERNO3)));
        assertTrue(e.getMessage().contains("Gradient.checkpointed()"), e.getMessage());
    }

    /**
     * The stages are solved by the root solver given, and differentiated through the linear solver
     * given, with the same result.
     */
    @Test
    void implicitStagesUseTheGivenRootAndLinearSolvers() {
        int[] roots = {0};
        int[] linears = {0};
        org.implicitlayers.implicit.solve.RootSolver newton =
                org.implicitlayers.implicit.solve.NewtonKrylov.defaults();
        org.implicitlayers.implicit.linear.LinearSolver lu =
                org.implicitlayers.implicit.linear.Dense.lu();
        org.implicitlayers.ode.solver.ImplicitStages counted =
                org.implicitlayers.ode.solver.ImplicitStages.defaults()
                        .withRoot(
                                (fn, z0) -> {
                                    roots[0]++;
                                    return newton.solveRoot(fn, z0);
                                })
                        .withLinear(
                                (op, b, x0) -> {
                                    linears[0]++;
                                    return lu.solve(op, b, x0);
                                });
        Tensor a = Tensor.of(new double[] {-1.0, 0.5, 0.0, -200.0}, 2, 2);
        Tensor[] grads = new Tensor[2];
        Tensor[] ends = new Tensor[2];
        for (int k = 0; k < 2; k++) {
            Tensor y0 = Tensor.of(new double[] {1.0, 0.5}, 1, 2).requiringGrad();
            OdeSolve.Options o =
                    OdeSolve.Options.defaults()
                            .withMethod(Tableaus.KVAERNO3)
                            .withTolerances(1e-8, 1e-10);
            Tensor ys =
                    OdeSolve.solve(
                                    (t, y) -> y.matmul(a),
                                    y0,
                                    Tensor.of(new double[] {0, 1}, 2),
                                    k == 0 ? o : o.withImplicitStages(counted))
                            .ys();
            ends[k] = ys.detach();
            grads[k] =
                    org.implicitlayers.core.Grad.of(
                            new Tensor[] {ys.sum()}, new Tensor[] {y0}, null, false)[0];
        }
        assertTrue(
                roots[0] > 0 && linears[0] > 0,
                "root solves " + roots[0] + ", linear solves " + linears[0]);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                ends[0].toDoubleArray(), ends[1].toDoubleArray(), 1e-9);
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                grads[0].toDoubleArray(), grads[1].toDoubleArray(), 1e-9);
    }
}
