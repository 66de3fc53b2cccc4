package org.implicitlayers.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.solver.Tableaus;
import org.junit.jupiter.api.Test;

class GradientTest {
    private static final Rng RNG = Rng.seeded(3);

    /** A small tanh network f(t, y) = W2 tanh(W1 y + b1 + t c), float64. */
    private static final Tensor W1 = Tensor.randn(RNG, DType.FLOAT64, 8, 2).mul(0.7);

    private static final Tensor B1 = Tensor.randn(RNG, DType.FLOAT64, 8).mul(0.3);
    private static final Tensor C = Tensor.randn(RNG, DType.FLOAT64, 8).mul(0.3);
    private static final Tensor W2 = Tensor.randn(RNG, DType.FLOAT64, 2, 8).mul(0.7);
    private static final Tensor Y0 = Tensor.of(new double[] {0.5, -0.3, 0.2, 0.8, -1.0, 0.1}, 3, 2);
    private static final Tensor TS = Tensor.of(new double[] {0.1, 0.4, 0.7, 1.2}, 4);
    private static final Tensor A = Tensor.of(new double[] {-0.3, 1.1, -0.9, -0.2}, 2, 2);

    private static Dynamics net(Tensor w1, Tensor b1, Tensor w2) {
        return (t, y) -> Tensor.linear(Tensor.linear(y, w1, b1.add(C.mul(t))).tanh(), w2, null);
    }

    private static OdeSolve.Options opts(Gradient g) {
        return OdeSolve.Options.defaults()
                .withMethod(Tableaus.DOPRI5)
                .withTolerances(1e-11, 1e-12)
                .withGradient(g);
    }

    /**
     * Gradients with respect to y0, every parameter and the output times (t0 and later ones)
     * against central differences.
     */
    private static void checkNetwork(Gradient g) {
        Function<Tensor[], Tensor> f =
                in ->
                        OdeSolve.solve(
                                        net(in[1], in[2], in[3]),
                                        in[0],
                                        in[4],
                                        new Tensor[] {in[1], in[2], in[3]},
                                        opts(g))
                                .ys();
        GradCheck.check(f, new GradCheck.Options(1e-4, 1e-7, 1e-5, 7), Y0, W1, B1, W2, TS);
    }

    @Test
    void directGradientEqualsFiniteDifferences() {
        checkNetwork(Gradient.direct());
    }

    @Test
    void adjointGradientEqualsFiniteDifferences() {
        checkNetwork(Gradient.adjoint());
    }

    @Test
    void checkpointedGradientEqualsFiniteDifferences() {
        checkNetwork(Gradient.checkpointed());
    }

    /**
     * Bounded checkpointing: whatever the bound (down to the initial state alone, where every step
     * is recomputed from it), the gradient equals backpropagation through the whole solve, and no
     * more states than the bound are held at once, forward or backward.
     */
    @Test
    void checkpointedGradientEqualsDirectAndHoldsAtMostTheBound() {
        Tensor[] ps = {W1.requiringGrad(), B1.requiringGrad(), W2.requiringGrad()};
        Tensor y0 = Y0.requiringGrad();
        Tensor[] wrt = {y0, ps[0], ps[1], ps[2]};
        OdeSolve.Solution direct =
                OdeSolve.solve(net(ps[0], ps[1], ps[2]), y0, TS, ps, opts(Gradient.direct()));
        Tensor seed = Tensor.randn(Rng.seeded(11), DType.FLOAT64, direct.ys().shape());
        Tensor[] expected = Grad.of(new Tensor[] {direct.ys()}, wrt, new Tensor[] {seed}, false);
        int steps = direct.stats().acceptedSteps();
        assertTrue(steps > 20, "enough steps for the bound to matter: " + steps);
        for (int max : new int[] {1, 2, 3, 5, 8, 1000}) {
            OdeSolve.Solution s =
                    OdeSolve.solve(
                            net(ps[0], ps[1], ps[2]),
                            y0,
                            TS,
                            ps,
                            opts(Gradient.checkpointed().withMaxCheckpoints(max)));
            assertEquals(steps, s.stats().acceptedSteps(), "the same forward steps");
            Tensor[] got = Grad.of(new Tensor[] {s.ys()}, wrt, new Tensor[] {seed}, false);
            for (int i = 0; i < wrt.length; i++) {
                double[] e = expected[i].toDoubleArray();
                double[] a = got[i].toDoubleArray();
                for (int j = 0; j < e.length; j++) {
                    assertEquals(
                            e[j],
                            a[j],
                            1e-10 * Math.max(1, Math.abs(e[j])),
                            "max " + max + ", input " + i + "[" + j + "]");
                }
            }
            int bound = Math.min(max, steps);
            assertTrue(
                    s.stats().peakCheckpoints() <= bound && s.stats().peakCheckpoints() >= 1,
                    "max " + max + ": held " + s.stats().peakCheckpoints() + " states");
            if (max == 1000) {
                assertEquals(
                        steps,
                        s.stats().peakCheckpoints(),
                        "with room for all, every step's state is kept once");
                assertEquals(
                        Tableaus.DOPRI5.stages() * steps,
                        s.stats().nfeBackward(),
                        "each step evaluated once on the tape (dopri5's stages), none replayed");
            } else {
                assertTrue(
                        s.stats().nfeBackward() > Tableaus.DOPRI5.stages() * steps,
                        "max " + max + ": steps recomputed");
            }
        }
    }

    @Test
    void checkpointedRejectsABoundBelowOne() {
        IllegalArgumentException e =
                org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class,
                        () -> Gradient.checkpointed().withMaxCheckpoints(0));
        assertTrue(e.getMessage().contains("maxCheckpoints"), e.getMessage());
    }

    @Test
    void linearProblemGradientsWithRespectToTheMatrixAndBothEnds() {
        for (Gradient g :
                new Gradient[] {Gradient.direct(), Gradient.adjoint(), Gradient.checkpointed()}) {
            Function<Tensor[], Tensor> f =
                    in ->
                            OdeSolve.solve(
                                            (t, y) -> y.matmul(in[1]),
                                            in[0],
                                            in[2],
                                            new Tensor[] {in[1]},
                                            opts(g))
                                    .ys();
            GradCheck.check(
                    f,
                    new GradCheck.Options(1e-4, 1e-7, 1e-5, 11),
                    Y0,
                    A,
                    Tensor.of(new double[] {-0.2, 1.5}, 2));
        }
    }

    @Test
    void backwardsInTimeGradients() {
        for (Gradient g :
                new Gradient[] {Gradient.direct(), Gradient.adjoint(), Gradient.checkpointed()}) {
            Function<Tensor[], Tensor> f =
                    in ->
                            OdeSolve.solve(
                                            (t, y) -> y.matmul(in[1]).tanh(),
                                            in[0],
                                            in[2],
                                            new Tensor[] {in[1]},
                                            opts(g))
                                    .ys();
            GradCheck.check(
                    f,
                    new GradCheck.Options(1e-4, 1e-7, 1e-5, 13),
                    Y0,
                    A,
                    Tensor.of(new double[] {1.0, 0.6, -0.4}, 3));
        }
    }

    /**
     * Fixed-step RK4: the discrete gradient of direct and checkpointed modes is smooth, so finite
     * differences can be tight.
     */
    @Test
    void directAndCheckpointedAgreeToRoundingAndAdjointToTolerance() {
        Tensor[] ps = {W1.requiringGrad(), B1.requiringGrad(), W2.requiringGrad()};
        Tensor[][] grads = new Tensor[3][];
        int i = 0;
        for (Gradient g :
                new Gradient[] {Gradient.direct(), Gradient.adjoint(), Gradient.checkpointed()}) {
            Tensor y0 = Y0.requiringGrad();
            Tensor ys = OdeSolve.solve(net(ps[0], ps[1], ps[2]), y0, TS, ps, opts(g)).ys();
            Tensor loss = ys.square().sum();
            grads[i++] =
                    Grad.of(
                            new Tensor[] {loss},
                            new Tensor[] {y0, ps[0], ps[1], ps[2]},
                            null,
                            false);
        }
        for (int k = 0; k < 4; k++) {
            double[] d = grads[0][k].toDoubleArray();
            double[] a = grads[1][k].toDoubleArray();
            double[] c = grads[2][k].toDoubleArray();
            for (int j = 0; j < d.length; j++) {
                assertEquals(
                        d[j],
                        c[j],
                        1e-12 * Math.max(1, Math.abs(d[j])),
                        "direct vs checkpointed, input " + k);
                assertEquals(
                        d[j],
                        a[j],
                        1e-8 * Math.max(1, Math.abs(d[j])),
                        "direct vs adjoint, input " + k);
            }
        }
    }

    @Test
    void adjointAndCheckpointedTapesDoNotGrowWithTheNumberOfSteps() {
        Tensor[] ps = {W1.requiringGrad(), B1.requiringGrad(), W2.requiringGrad()};
        for (Gradient g :
                new Gradient[] {Gradient.direct(), Gradient.adjoint(), Gradient.checkpointed()}) {
            int[] ops = new int[2];
            int[] steps = new int[2];
            double[] tols = {1e-4, 1e-10};
            for (int k = 0; k < 2; k++) {
                OdeSolve.Options o =
                        OdeSolve.Options.defaults()
                                .withTolerances(tols[k], tols[k])
                                .withGradient(g);
                OdeSolve.Solution s =
                        OdeSolve.solve(net(ps[0], ps[1], ps[2]), Y0.requiringGrad(), TS, ps, o);
                ops[k] = Grad.tapeStats(s.ys().sum()).operations();
                steps[k] = s.stats().acceptedSteps();
            }
            assertTrue(
                    steps[1] > 3 * steps[0],
                    "tighter tolerance takes more steps: " + steps[0] + ", " + steps[1]);
            if (g instanceof Direct) {
                assertTrue(
                        ops[1] > 3 * ops[0],
                        "direct: the tape grows with the steps: " + ops[0] + ", " + ops[1]);
            } else {
                assertEquals(
                        ops[0],
                        ops[1],
                        g + ": tape operations at " + steps[0] + " and " + steps[1] + " steps");
            }
        }
    }

    @Test
    void seminormTakesNoMoreBackwardStepsAndGivesTheSameGradient() {
        Tensor[] ps = {W1.requiringGrad(), B1.requiringGrad(), W2.requiringGrad()};
        int[] nfe = new int[2];
        Tensor[] gw = new Tensor[2];
        for (int k = 0; k < 2; k++) {
            OdeSolve.Options o =
                    OdeSolve.Options.defaults()
                            .withTolerances(1e-6, 1e-8)
                            .withGradient(Gradient.adjoint().withSeminorm(k == 1));
            OdeSolve.Solution s = OdeSolve.solve(net(ps[0], ps[1], ps[2]), Y0, TS, ps, o);
            gw[k] = Grad.of(new Tensor[] {s.ys().sum()}, new Tensor[] {ps[0]}, null, false)[0];
            nfe[k] = s.stats().nfeBackward();
        }
        assertTrue(
                nfe[1] <= nfe[0],
                "seminorm: " + nfe[1] + " backward evaluations, full norm " + nfe[0]);
        double[] a = gw[0].toDoubleArray();
        double[] b = gw[1].toDoubleArray();
        for (int j = 0; j < a.length; j++) {
            assertEquals(a[j], b[j], 1e-4 * Math.max(1, Math.abs(a[j])));
        }
    }

    @Test
    void aParameterTheDynamicsIgnoreOrAFrozenOneGetsNoGradientAndNoError() {
        Tensor used = A.requiringGrad();
        Tensor ignored = Tensor.of(new double[] {1, 2}, 2).requiringGrad();
        Tensor frozen = Tensor.of(new double[] {3}, 1);
        for (Gradient g :
                new Gradient[] {Gradient.direct(), Gradient.adjoint(), Gradient.checkpointed()}) {
            Tensor y0 = Y0.requiringGrad();
            Tensor ys =
                    OdeSolve.solve(
                                    (t, y) -> y.matmul(used),
                                    y0,
                                    TS,
                                    new Tensor[] {used, ignored, frozen},
                                    OdeSolve.Options.defaults().withGradient(g))
                            .ys();
            Tensor[] gr =
                    Grad.of(
                            new Tensor[] {ys.sum()},
                            new Tensor[] {used, ignored},
                            null,
                            Grad.Options.defaults().withAllowUnused(true));
            assertTrue(gr[0].abs().sum().item() > 0, g + ": the used parameter has a gradient");
            assertEquals(0, gr[1].abs().sum().item(), 0, g + ": the ignored parameter has none");
        }
    }
}
