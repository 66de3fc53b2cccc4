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
        return OdeSolve.Options.builder().method(Tableaus.DOPRI5).tolerances(1e-11, 1e-12).gradient(g).build();
    }

    /** Gradients with respect to y0, every parameter and the output times (t0 and later ones) against central differences. */
    private static void checkNetwork(Gradient g) {
        Function<Tensor[], Tensor> f = in -> OdeSolve.solve(net(in[1], in[2], in[3]), in[0], in[4], new Tensor[] {in[1], in[2], in[3]},
                opts(g)).ys();
        GradCheck.check(f, new GradCheck.Options(1e-4, 1e-7, 1e-5, 7), Y0, W1, B1, W2, TS);
    }

    @Test
    void directGradientEqualsFiniteDifferences() {
        checkNetwork(Gradient.DIRECT);
    }

    @Test
    void adjointGradientEqualsFiniteDifferences() {
        checkNetwork(Gradient.ADJOINT);
    }

    @Test
    void checkpointedGradientEqualsFiniteDifferences() {
        checkNetwork(Gradient.CHECKPOINTED);
    }

    @Test
    void linearProblemGradientsWithRespectToTheMatrixAndBothEnds() {
        for (Gradient g : Gradient.values()) {
            Function<Tensor[], Tensor> f = in -> OdeSolve.solve((t, y) -> y.matmul(in[1]), in[0], in[2], new Tensor[] {in[1]}, opts(g)).ys();
            GradCheck.check(f, new GradCheck.Options(1e-4, 1e-7, 1e-5, 11), Y0, A, Tensor.of(new double[] {-0.2, 1.5}, 2));
        }
    }

    @Test
    void backwardsInTimeGradients() {
        for (Gradient g : Gradient.values()) {
            Function<Tensor[], Tensor> f = in -> OdeSolve.solve((t, y) -> y.matmul(in[1]).tanh(), in[0], in[2], new Tensor[] {in[1]}, opts(g)).ys();
            GradCheck.check(f, new GradCheck.Options(1e-4, 1e-7, 1e-5, 13), Y0, A, Tensor.of(new double[] {1.0, 0.6, -0.4}, 3));
        }
    }

    /** Fixed-step RK4: the discrete gradient of direct and checkpointed modes is smooth, so finite differences can be tight. */
    @Test
    void directAndCheckpointedAgreeToRoundingAndAdjointToTolerance() {
        Tensor[] ps = {W1.requiringGrad(), B1.requiringGrad(), W2.requiringGrad()};
        Tensor[][] grads = new Tensor[3][];
        int i = 0;
        for (Gradient g : Gradient.values()) {
            Tensor y0 = Y0.requiringGrad();
            Tensor ys = OdeSolve.solve(net(ps[0], ps[1], ps[2]), y0, TS, ps, opts(g)).ys();
            Tensor loss = ys.square().sum();
            grads[i++] = Grad.of(new Tensor[] {loss}, new Tensor[] {y0, ps[0], ps[1], ps[2]}, null, false);
        }
        for (int k = 0; k < 4; k++) {
            double[] d = grads[0][k].toDoubleArray();
            double[] a = grads[1][k].toDoubleArray();
            double[] c = grads[2][k].toDoubleArray();
            for (int j = 0; j < d.length; j++) {
                assertEquals(d[j], c[j], 1e-12 * Math.max(1, Math.abs(d[j])), "direct vs checkpointed, input " + k);
                assertEquals(d[j], a[j], 1e-8 * Math.max(1, Math.abs(d[j])), "direct vs adjoint, input " + k);
            }
        }
    }

    @Test
    void adjointAndCheckpointedTapesDoNotGrowWithTheNumberOfSteps() {
        Tensor[] ps = {W1.requiringGrad(), B1.requiringGrad(), W2.requiringGrad()};
        for (Gradient g : Gradient.values()) {
            int[] ops = new int[2];
            int[] steps = new int[2];
            double[] tols = {1e-4, 1e-10};
            for (int k = 0; k < 2; k++) {
                OdeSolve.Options o = OdeSolve.Options.builder().tolerances(tols[k], tols[k]).gradient(g).build();
                OdeSolve.Solution s = OdeSolve.solve(net(ps[0], ps[1], ps[2]), Y0.requiringGrad(), TS, ps, o);
                ops[k] = Grad.tapeStats(s.ys().sum()).operations();
                steps[k] = s.stats().acceptedSteps();
            }
            assertTrue(steps[1] > 3 * steps[0], "tighter tolerance takes more steps: " + steps[0] + ", " + steps[1]);
            if (g == Gradient.DIRECT) {
                assertTrue(ops[1] > 3 * ops[0], "direct: the tape grows with the steps: " + ops[0] + ", " + ops[1]);
            } else {
                assertEquals(ops[0], ops[1], g + ": tape operations at " + steps[0] + " and " + steps[1] + " steps");
            }
        }
    }

    @Test
    void seminormTakesNoMoreBackwardStepsAndGivesTheSameGradient() {
        Tensor[] ps = {W1.requiringGrad(), B1.requiringGrad(), W2.requiringGrad()};
        int[] nfe = new int[2];
        Tensor[] gw = new Tensor[2];
        for (int k = 0; k < 2; k++) {
            OdeSolve.Options o = OdeSolve.Options.builder().tolerances(1e-6, 1e-8).gradient(Gradient.ADJOINT).seminorm(k == 1).build();
            OdeSolve.Solution s = OdeSolve.solve(net(ps[0], ps[1], ps[2]), Y0, TS, ps, o);
            gw[k] = Grad.of(new Tensor[] {s.ys().sum()}, new Tensor[] {ps[0]}, null, false)[0];
            nfe[k] = s.stats().nfeBackward();
        }
        assertTrue(nfe[1] <= nfe[0], "seminorm: " + nfe[1] + " backward evaluations, full norm " + nfe[0]);
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
        for (Gradient g : Gradient.values()) {
            Tensor y0 = Y0.requiringGrad();
            Tensor ys = OdeSolve.solve((t, y) -> y.matmul(used), y0, TS, new Tensor[] {used, ignored, frozen},
                    OdeSolve.Options.builder().gradient(g).build()).ys();
            Tensor[] gr = Grad.of(new Tensor[] {ys.sum()}, new Tensor[] {used, ignored}, null, Grad.Options.defaults().allowUnused(true));
            assertTrue(gr[0].abs().sum().item() > 0, g + ": the used parameter has a gradient");
            assertEquals(0, gr[1].abs().sum().item(), 0, g + ": the ignored parameter has none");
        }
    }
}
