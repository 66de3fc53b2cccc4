package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.train.CancelRequest;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.ritz.RitzOptions.BoundaryTreatment;
import org.implicitlayers.ritz.RitzOptions.Method;
import org.implicitlayers.ritz.RitzOptions.SamplingMethod;
import org.implicitlayers.ritz.problem.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Energy natural gradient descent through the solver: accuracy in few steps, exact resume, clear
 * refusals.
 */
class EngdTest {
    @TempDir Path dir;

    static RitzOptions engd(
            Method method, BoundaryTreatment bc, SamplingMethod sampling, int interior, int steps) {
        return RitzOptions.defaults()
                .withMethod(method)
                .withBoundary(RitzOptions.Boundary.defaults().withTreatment(bc))
                .withNetwork(new RitzOptions.Network(RitzOptions.NetworkType.MLP, 16, 2, "tanh"))
                .withSampling(
                        RitzOptions.Sampling.defaults()
                                .withMethod(sampling)
                                .withCounts(interior, 64))
                .withRun(new RitzOptions.Run(steps, 0, DType.FLOAT64))
                .withOptimizer(RitzOptions.Optimizer.engd(steps));
    }

    /**
     * sin(pi x) sin(pi y) on the square, 337 parameters, 256 fresh Sobol points per step: the PINN
     * loss below 1e-4 relative L2 in 60 steps (6e-6 measured; Adam's tuned setting reaches 3e-4 in
     * 5000). The Ritz energy's error is bounded by each step's quadrature (2e-2 measured after 60
     * steps).
     */
    @ParameterizedTest
    @CsvSource({"pinn, penalty, 60, 1e-4", "ritz, exact, 40, 0.1"})
    void poissonSquareConverges(String method, String bc, int steps, double bound)
            throws Exception {
        RitzOptions o =
                engd(
                        Method.parse("m", method),
                        BoundaryTreatment.parse("bc", bc),
                        SamplingMethod.SOBOL,
                        256,
                        steps);
        RitzSolver.Result r = new RitzSolver(Examples.poissonSquare(), o).solve(List.of());
        assertTrue(r.metrics().get("rel_l2") < bound, r.metrics().toString());
        assertEquals(steps, r.steps());
    }

    /**
     * u = r^(2/3) sin(2 theta / 3) with theta in [0, 3 pi / 2], in plain Java (the L-shape's exact
     * solution).
     */
    static double lShapeExact(double x, double y) {
        double theta = Math.atan2(y, x) + (y < 0 ? 2 * Math.PI : 0);
        return Math.pow(Math.hypot(x, y), 2.0 / 3) * Math.sin(2 * theta / 3);
    }

    /**
     * The L-shape with corner terms: 337 + 2 parameters, 256 + 64 fresh points per step. The
     * coefficient of r^(2/3) sin(2 theta / 3) is learnt (the exact solution has 1), and the error
     * falls to 1.1e-3 in 80 steps (measured; the same setting without corner terms: 1.4e-2 after
     * 120 steps). The reported rel_l2 is checked against the closed form on the same points and
     * against a midpoint-rule quadrature of the L2 norms over the domain (1/200 cells), both
     * computed here.
     */
    @Test
    void lShapeWithCornerTermsLearnsTheSingularCoefficient() throws Exception {
        RitzOptions o = engd(Method.PINN, BoundaryTreatment.PENALTY, SamplingMethod.SOBOL, 256, 80);
        o = o.withNetwork(o.network().withCorners(true));
        RitzSolver s = new RitzSolver(Examples.lShape(), o);
        RitzSolver.Result r = s.solve(List.of(), new CancelRequest(), null, false, 0);
        double c = s.network().parameters().get("corners.coefficients").value().toDoubleArray()[0];
        assertEquals(1, c, 1e-2, "coefficient of the leading corner term");
        double reported = r.metrics().get("rel_l2");
        assertTrue(reported < 3e-3, r.metrics().toString());
        // The same points, the closed form in plain Java.
        org.implicitlayers.core.Tensor xt = s.testPoints();
        double[] xv = xt.toDoubleArray(), u = s.solution(xt).toDoubleArray();
        double num = 0, den = 0;
        for (int i = 0; i < u.length; i++) {
            double e = lShapeExact(xv[2 * i], xv[2 * i + 1]);
            num += (u[i] - e) * (u[i] - e);
            den += e * e;
        }
        assertEquals(Math.sqrt(num / den), reported, 1e-9 * reported);
        // Quadrature over the domain: cell midpoints of a 400 x 400 grid of [-1, 1]^2, those
        // inside.
        int n = 400;
        double[] mid = new double[2 * n * n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = -1 + (i + 0.5) * 2.0 / n, y = -1 + (j + 0.5) * 2.0 / n;
                if (!(x > 0 && y < 0)) {
                    mid[k++] = x;
                    mid[k++] = y;
                }
            }
        }
        double[] uq =
                s.solution(
                                org.implicitlayers.core.Tensor.of(
                                        DType.FLOAT64, java.util.Arrays.copyOf(mid, k), k / 2, 2))
                        .toDoubleArray();
        num = 0;
        den = 0;
        for (int i = 0; i < uq.length; i++) {
            double e = lShapeExact(mid[2 * i], mid[2 * i + 1]);
            num += (uq[i] - e) * (uq[i] - e);
            den += e * e;
        }
        double quadrature = Math.sqrt(num / den);
        assertTrue(
                quadrature < 1.5 * reported && reported < 1.5 * quadrature,
                "grid " + reported + ", quadrature " + quadrature);
    }

    /**
     * Fewer rows (64 + 64) than parameters (24 x 2 MLP: 697): the sample-space step, through the
     * solver.
     */
    @Test
    void aNetworkLargerThanTheBatchTakesSampleSpaceStepsAndConverges() throws Exception {
        RitzOptions o =
                engd(Method.PINN, BoundaryTreatment.PENALTY, SamplingMethod.SOBOL, 64, 40)
                        .withNetwork(
                                new RitzOptions.Network(
                                        RitzOptions.NetworkType.MLP, 24, 2, "tanh"));
        RitzSolver s = new RitzSolver(Examples.poissonSquare(), o);
        assertTrue(
                org.implicitlayers.core.optim.Engd.sampleSpace(
                        128, (int) s.network().parameterCount()));
        RitzSolver.Result r = s.solve(List.of(), new CancelRequest(), null, false, 0);
        assertTrue(r.metrics().get("rel_l2") < 1e-3, r.metrics().toString());
    }

    @ParameterizedTest
    @CsvSource({
        "UNIFORM, true, poisson-square",
        "SOBOL, false, poisson-square",
        "SOBOL, true, l-shape"
    })
    void resumeReproducesTheUninterruptedRun(
            SamplingMethod sampling, boolean resample, String problem) throws Exception {
        RitzOptions o = engd(Method.PINN, BoundaryTreatment.PENALTY, sampling, 64, 12);
        o =
                o.withSampling(o.sampling().withResample(resample))
                        .withNetwork(o.network().withCorners(true));
        Problem pr = Examples.spec(problem).orElseThrow().problem();
        RitzSolver whole = new RitzSolver(pr, o);
        whole.solve(List.of(), new CancelRequest(), dir.resolve("whole.npz"), false, 0);
        Path ckpt = dir.resolve("part.npz");
        CancelRequest stop = new CancelRequest();
        RitzSolver first = new RitzSolver(pr, o);
        TrainingCallback stopAt5 =
                new TrainingCallback() {
                    @Override
                    public void onStep(Trainer.StepInfo info) {
                        if (info.step() == 5) {
                            stop.cancel();
                        }
                    }
                };
        assertTrue(first.solve(List.of(stopAt5), stop, ckpt, false, 0).cancelled());
        RitzSolver resumed = new RitzSolver(pr, o);
        assertEquals(12, resumed.solve(List.of(), new CancelRequest(), ckpt, true, 0).steps());
        Map<String, double[]> a = new LinkedHashMap<>(), b = new LinkedHashMap<>();
        whole.network().stateDict().forEach((k, v) -> a.put(k, v.toDoubleArray()));
        resumed.network().stateDict().forEach((k, v) -> b.put(k, v.toDoubleArray()));
        assertEquals(a.keySet(), b.keySet());
        assertEquals(problem.equals("l-shape"), a.containsKey("corners.coefficients"));
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), 0.0, k));
    }

    @Test
    void refusalsNameTheSetting() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> RitzOptions.defaults().withOptimizer(RitzOptions.Optimizer.engd(10)));
        assertTrue(
                e.getMessage().startsWith("dtype:") && e.getMessage().contains("float64"),
                e.getMessage());
        RitzOptions o = engd(Method.RITZ, BoundaryTreatment.EXACT, SamplingMethod.SOBOL, 64, 3);
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> new RitzSolver(Examples.eigenSquare(), o).solve(List.of()));
        assertTrue(e.getMessage().contains("eigenproblems"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                new RitzSolver(
                                                Examples.poissonSquare(),
                                                o.withNetwork(
                                                        new RitzOptions.Network(
                                                                RitzOptions.NetworkType.MLP,
                                                                8,
                                                                1,
                                                                "relu")))
                                        .solve(List.of()));
        assertTrue(e.getMessage().contains("activation 'relu'"), e.getMessage());
    }
}
