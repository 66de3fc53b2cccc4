package org.implicitlayers.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.Test;

class BatchedTimesTest {
    @Test
    void eachSampleIsReportedAtItsOwnTimes() {
        // y' = -y: exact y_b(t) = y_b(0) exp(-(t - t0_b)), each sample with its own start and
        // output times.
        Tensor y0 = Tensor.of(new double[] {1.0, 2.0}, 2, 1);
        Tensor ts = Tensor.of(new double[] {0.0, 1.0, 0.3, 1.1, 0.9, 4.3}, 3, 2);
        OdeSolve.Solution s =
                OdeSolve.solveBatched(
                        (t, y) -> y.neg(),
                        y0,
                        ts,
                        new Tensor[0],
                        OdeSolve.Options.defaults().withTolerances(1e-10, 1e-12));
        assertArrayEquals(new int[] {3, 2, 1}, s.ys().shape());
        double[] t = ts.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            for (int b = 0; b < 2; b++) {
                double exact = y0.get(b) * Math.exp(-(t[2 * i + b] - t[b]));
                assertEquals(
                        exact,
                        s.ys().get(2 * i + b),
                        1e-8 * Math.max(1, exact),
                        "output " + i + " of sample " + b);
            }
        }
        assertTrue(s.stats().acceptedSteps() > 0);
    }

    @Test
    void gradientsReachStatesParametersAndPerSampleTimes() {
        Tensor w = Tensor.of(new double[] {-0.4, 0.9, -0.7, -0.1}, 2, 2);
        for (Gradient g :
                new Gradient[] {Gradient.direct(), Gradient.adjoint(), Gradient.checkpointed()}) {
            Function<Tensor[], Tensor> fn =
                    in ->
                            OdeSolve.solveBatched(
                                            (t, y) -> y.matmul(in[1]).tanh(),
                                            in[0],
                                            in[2],
                                            new Tensor[] {in[1]},
                                            OdeSolve.Options.defaults()
                                                    .withTolerances(1e-11, 1e-12)
                                                    .withGradient(g))
                                    .ys();
            GradCheck.check(
                    fn,
                    new GradCheck.Options(1e-4, 1e-7, 1e-5, 9),
                    Tensor.of(new double[] {0.5, -0.2, 1.0, 0.3}, 2, 2),
                    w,
                    Tensor.of(new double[] {0.0, 0.2, 0.5, 0.6, 1.0, 1.5}, 3, 2));
        }
    }
}
