package org.implicitlayers.ritz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.implicitlayers.core.DType;
import org.junit.jupiter.api.Test;

/**
 * Options are valid by construction; every rejection names the problem-file field and what it
 * expected.
 */
class RitzOptionsTest {
    private static void rejects(String field, String expected, Supplier<?> make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
        assertTrue(
                e.getMessage().startsWith(field + ": ")
                        && e.getMessage().contains("expected")
                        && e.getMessage().contains(expected),
                e.getMessage());
    }

    @Test
    void eachGroupRejectsOutOfRangeValuesNamingTheField() {
        rejects("penalty", "positive", () -> RitzOptions.Boundary.defaults().withPenalty(0));
        rejects(
                "sampling.interior",
                "positive",
                () -> RitzOptions.Sampling.defaults().withCounts(0, 10));
        rejects(
                "sampling.rar_points",
                "non-negative",
                () -> RitzOptions.Sampling.defaults().withRar(10, -1));
        rejects(
                "network.width",
                "positive",
                () -> new RitzOptions.Network(RitzOptions.NetworkType.MLP, 0, 2, "tanh"));
        rejects(
                "network.activation",
                "tanh, relu",
                () -> new RitzOptions.Network(RitzOptions.NetworkType.MLP, 8, 2, "tanhh"));
        rejects("optimizer.lr", "positive", () -> RitzOptions.Optimizer.defaults().withLr(-1, 1));
        rejects(
                "optimizer.lr_decay",
                "[0, 1]",
                () -> RitzOptions.Optimizer.defaults().withLr(1e-3, 2));
        rejects("eval_every", "positive", () -> new RitzOptions.Run(0, 0, DType.FLOAT32));
    }

    @Test
    void rulesJoiningGroupsAreCheckedWhenTheyMeet() {
        RitzOptions d = RitzOptions.defaults();
        rejects("sampling.rar_every", "pinn", () -> d.withSampling(d.sampling().withRar(100, 10)));
        rejects("sampling.boundary", "exact", () -> d.withSampling(d.sampling().withCounts(64, 0)));
        RitzOptions exact =
                d.withBoundary(RitzOptions.Boundary.exact())
                        .withSampling(d.sampling().withCounts(64, 0));
        assertEquals(0, exact.sampling().boundary());
    }

    @Test
    void enumsReadAndPrintTheProblemFileSpelling() {
        for (RitzOptions.Method m : RitzOptions.Method.values()) {
            assertEquals(m, RitzOptions.Method.parse("method", m.toString()));
        }
        for (RitzOptions.SamplingMethod m : RitzOptions.SamplingMethod.values()) {
            assertEquals(m, RitzOptions.SamplingMethod.parse("sampling.method", m.toString()));
        }
        assertEquals("pinn", RitzOptions.Method.PINN.toString());
        assertEquals(
                RitzOptions.SamplingMethod.UNIFORM,
                RitzOptions.SamplingMethod.parse("sampling.method", "random"));
        rejects(
                "bc",
                "'penalty', 'exact'",
                () -> RitzOptions.BoundaryTreatment.parse("bc", "exakt"));
        rejects(
                "network.type",
                "'resnet', 'mlp'",
                () -> RitzOptions.NetworkType.parse("network.type", "cnn"));
    }

    @Test
    void defaultsAreTheBenchmarkSettings() {
        RitzOptions d = RitzOptions.defaults();
        assertEquals(RitzOptions.Method.RITZ, d.method());
        assertEquals(
                new RitzOptions.Boundary(RitzOptions.BoundaryTreatment.PENALTY, 500), d.boundary());
        assertEquals(
                new RitzOptions.Sampling(1024, 256, RitzOptions.SamplingMethod.UNIFORM, true, 0, 0),
                d.sampling());
        assertEquals(
                new RitzOptions.Network(RitzOptions.NetworkType.RESNET, 32, 3, "tanh"),
                d.network());
        assertEquals(
                new RitzOptions.Optimizer(
                        RitzOptions.OptimizerKind.ADAM, 5000, 1e-3, 1.0, 0, 1e-10),
                d.optimizer());
        assertEquals(new RitzOptions.Run(250, 0, DType.FLOAT32), d.run());
    }
}
