package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.core.train.CancelRequest;
import org.implicitlayers.core.train.Trainer;
import org.implicitlayers.core.train.TrainingCallback;
import org.implicitlayers.ritz.RitzOptions.SamplingMethod;
import org.implicitlayers.ritz.sampling.PointSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A solve interrupted and resumed from its checkpoint ends with exactly the parameters of the
 * uninterrupted solve.
 */
class ResumeTest {
    @TempDir Path dir;

    private static ProblemSpec spec(
            SamplingMethod sampling, boolean resample, String method, int rarEvery) {
        ProblemSpec s = Examples.spec("poisson-square").orElseThrow();
        RitzOptions o = s.options();
        o =
                o.withMethod(RitzOptions.Method.parse("method", method))
                        .withBoundary(
                                o.boundary().withTreatment(RitzOptions.BoundaryTreatment.PENALTY))
                        .withNetwork(
                                new RitzOptions.Network(RitzOptions.NetworkType.MLP, 8, 1, "tanh"))
                        .withSampling(
                                new RitzOptions.Sampling(
                                        64,
                                        16,
                                        sampling,
                                        resample,
                                        rarEvery,
                                        rarEvery > 0 ? 8 : 64))
                        .withOptimizer(o.optimizer().withSteps(40).withLbfgs(0))
                        .withRun(new RitzOptions.Run(10, 3, o.run().dtype()));
        return s.withOptions(o);
    }

    private static Map<String, double[]> params(RitzSolver s) {
        Map<String, double[]> m = new LinkedHashMap<>();
        s.network().stateDict().forEach((k, v) -> m.put(k, v.toDoubleArray()));
        return m;
    }

    @ParameterizedTest(name = "{0}, resample {1}, {2}, refine every {3}")
    @CsvSource({
        "SOBOL, true, ritz, 0",
        "HALTON, true, ritz, 0",
        "UNIFORM, true, ritz, 0",
        "SOBOL, false, ritz, 0",
        "SOBOL, true, pinn, 10"
    })
    void resumeReproducesTheUninterruptedRun(
            SamplingMethod sampling, boolean resample, String method, int rarEvery)
            throws Exception {
        ProblemSpec spec = spec(sampling, resample, method, rarEvery);
        RitzSolver whole = new RitzSolver(spec.problem(), spec.options());
        whole.solve(List.of(), new CancelRequest(), dir.resolve("whole.npz"), false, 0);

        Path ckpt = dir.resolve("part.npz");
        CancelRequest stop = new CancelRequest();
        RitzSolver first = new RitzSolver(spec.problem(), spec.options());
        TrainingCallback stopAt17 =
                new TrainingCallback() {
                    @Override
                    public void onStep(Trainer.StepInfo info) {
                        if (info.step() == 17) {
                            stop.cancel();
                        }
                    }
                };
        assertTrue(first.solve(List.of(stopAt17), stop, ckpt, false, 0).cancelled());
        RitzSolver resumed = new RitzSolver(spec.problem(), spec.options());
        RitzSolver.Result r = resumed.solve(List.of(), new CancelRequest(), ckpt, true, 0);
        assertEquals(40, r.steps());

        Map<String, double[]> a = params(whole), b = params(resumed);
        assertEquals(a.keySet(), b.keySet());
        a.forEach((k, v) -> assertArrayEquals(v, b.get(k), 0.0, k));
        if (rarEvery > 0) {
            assertArrayEquals(
                    whole.refinedPoints().toDoubleArray(),
                    resumed.refinedPoints().toDoubleArray(),
                    0.0);
        }
    }

    @Test
    void quasiRandomSourceSeeksToWhereItWas() {
        List<java.util.function.Supplier<PointSource>> kinds =
                List.of(() -> PointSource.sobol(3), () -> PointSource.halton(3));
        for (var make : kinds) {
            PointSource drawn = make.get();
            for (int i = 0; i < 37; i++) {
                drawn.next();
            }
            assertEquals(37, drawn.position());
            double[] expected = drawn.next();
            PointSource sought = make.get();
            sought.seek(37);
            assertArrayEquals(expected, sought.next(), 0.0);
            sought.seek(0);
            assertArrayEquals(make.get().next(), sought.next(), 0.0);
            assertThrows(IllegalArgumentException.class, () -> sought.seek(-1));
        }
    }

    @Test
    void aCheckpointWithoutTheSequencePositionIsRefusedAndChangesNothing() throws Exception {
        ProblemSpec spec = spec(SamplingMethod.SOBOL, true, "ritz", 0);
        Path ckpt = dir.resolve("c.npz");
        new RitzSolver(spec.problem(), spec.options())
                .solve(List.of(), new CancelRequest(), ckpt, false, 0);
        Npz.Contents c = Npz.read(ckpt);
        Map<String, Tensor> tensors = new LinkedHashMap<>(c.tensors());
        tensors.remove("state/interior_position");
        try (var out = java.nio.file.Files.newOutputStream(ckpt)) {
            Npz.write(out, tensors, c.bytes());
        }
        RitzSolver s = new RitzSolver(spec.problem(), spec.options());
        Map<String, double[]> before = params(s);
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> s.solve(List.of(), new CancelRequest(), ckpt, true, 0));
        assertTrue(
                e.getMessage().contains("interior_position")
                        && e.getMessage().contains(ckpt.toString()),
                e.getMessage());
        Map<String, double[]> after = params(s);
        before.forEach((k, v) -> assertArrayEquals(v, after.get(k), 0.0, k));
    }
}
