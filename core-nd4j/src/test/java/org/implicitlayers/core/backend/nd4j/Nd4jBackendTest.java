package org.implicitlayers.core.backend.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.Supplier;
import org.implicitlayers.core.Backends;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.optim.Optimizer;
import org.implicitlayers.core.optim.RmsProp;
import org.implicitlayers.core.optim.Sgd;
import org.implicitlayers.core.train.Trainer;
import org.junit.jupiter.api.Test;

/**
 * The ND4J backend gives the numbers of the JVM backend for whole training computations (the Lucene
 * pattern: two implementations behind one interface, compared), and frees its off-heap memory
 * deterministically. core's op tests also run on this backend (see this module's pom).
 */
class Nd4jBackendTest {
    static <T> T on(Backend b, Supplier<T> body) {
        Backend prev = Backends.current();
        Backends.setCurrent(b);
        try {
            return body.get();
        } finally {
            Backends.setCurrent(prev);
        }
    }

    static void assertClose(double[] expected, double[] actual, double tol, String what) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i], a = actual[i];
            assertTrue(
                    Math.abs(e - a) <= tol * Math.max(1.0, Math.abs(e)),
                    what + ": element " + i + " expected " + e + " but was " + a);
        }
    }

    @Test
    void theBackendIsFoundByName() {
        assertEquals("nd4j", Backends.byName("nd4j").name());
        assertTrue(Backends.nd4j() instanceof Nd4jBackend);
    }

    @Test
    void ritzPatternAgreesWithTheJvmBackendInFloat32() {
        double[][] results = new double[2][];
        int b = 0;
        for (Backend be : new Backend[] {Backends.jvm(), Backends.nd4j()}) {
            results[b++] =
                    on(
                            be,
                            () -> {
                                Rng rng = Rng.seeded(42);
                                Tensor x = Tensor.rand(rng, DType.FLOAT32, 100, 2).requiringGrad();
                                Tensor[] p = new Tensor[6];
                                int[][] shapes = {{64, 2}, {64}, {64, 64}, {64}, {1, 64}, {1}};
                                for (int i = 0; i < 6; i++) {
                                    p[i] =
                                            Tensor.randn(rng, DType.FLOAT32, shapes[i])
                                                    .mul(0.3)
                                                    .requiringGrad();
                                }
                                Tensor h = x.matmul(p[0], false, true).add(p[1]).tanh();
                                h = Tensor.linear(h, p[2], p[3]).tanh();
                                Tensor u = h.matmul(p[4], false, true).add(p[5]);
                                Tensor du = Grad.of(u.sum(), x, true);
                                Tensor loss = du.square().sum(1).mean().add(u.square().mean());
                                Tensor[] g = Grad.of(loss, p, false);
                                double[] all = new double[1 + g[0].numel() + g[2].numel()];
                                all[0] = loss.item();
                                System.arraycopy(g[0].toDoubleArray(), 0, all, 1, g[0].numel());
                                System.arraycopy(
                                        g[2].toDoubleArray(),
                                        0,
                                        all,
                                        1 + g[0].numel(),
                                        g[2].numel());
                                return all;
                            });
        }
        assertClose(results[0], results[1], 1e-4, "nd4j vs jvm");
    }

    @Test
    void memoryIsReleasedWhenTheScopeCloses() {
        on(
                Backends.nd4j(),
                () -> {
                    Tensor kept;
                    Tensor dropped;
                    try (MemoryScope scope = MemoryScope.open()) {
                        Tensor a = Tensor.ones(DType.FLOAT32, 1000);
                        dropped = a.mul(2.0);
                        kept = dropped.add(1.0);
                        scope.keep(kept);
                        assertEquals(2, scope.tracked());
                    }
                    assertEquals(3000.0, kept.sum().item(), 0.0);
                    IllegalStateException e =
                            assertThrows(IllegalStateException.class, dropped::toDoubleArray);
                    assertTrue(e.getMessage().contains("MemoryScope"), e.getMessage());
                    return null;
                });
    }

    @Test
    void leafGradientsOutliveTheStepScopeAndSharedRuleOutputsStayValid() {
        on(
                Backends.nd4j(),
                () -> {
                    Tensor a = Tensor.ones(DType.FLOAT64, 3).requiringGrad();
                    Tensor b = Tensor.ones(DType.FLOAT64, 3).requiringGrad();
                    try (MemoryScope scope = MemoryScope.open()) {
                        a.add(b)
                                .sum()
                                .backward(); // the add rule hands the same gradient to a and b
                    }
                    a.zeroGrad(); // frees a's gradient only
                    assertClose(
                            new double[] {1, 1, 1},
                            b.grad().toDoubleArray(),
                            0,
                            "b.grad after a.zeroGrad()");
                    return null;
                });
    }

    /**
     * Training with stateful optimisers inside per-step memory scopes: the state must outlive the
     * scopes.
     */
    @Test
    void trainingMatchesTheJvmBackendWithStatefulOptimisers() {
        for (String optimiser : new String[] {"adam", "sgd-momentum", "rmsprop"}) {
            double[][] finals = new double[2][];
            int k = 0;
            for (Backend be : new Backend[] {Backends.jvm(), Backends.nd4j()}) {
                finals[k++] =
                        on(
                                be,
                                () -> {
                                    Rng rng = Rng.seeded(4);
                                    Mlp net = Mlp.builder(2, 16, 1).dtype(DType.FLOAT64).build(rng);
                                    var ps = net.parameters();
                                    Optimizer opt =
                                            optimiser.equals("adam")
                                                    ? new Adam(ps, 1e-2)
                                                    : optimiser.equals("sgd-momentum")
                                                            ? new Sgd(
                                                                    ps,
                                                                    Sgd.Options.defaults()
                                                                            .withLr(1e-2)
                                                                            .withMomentum(0.9))
                                                            : new RmsProp(ps, 1e-3);
                                    try {
                                        Trainer.builder(net, opt, rng)
                                                .loss(
                                                        (st, r) ->
                                                                net.forward(
                                                                                Tensor.rand(
                                                                                        r,
                                                                                        DType
                                                                                                .FLOAT64,
                                                                                        32,
                                                                                        2))
                                                                        .sub(1.0)
                                                                        .square()
                                                                        .mean())
                                                .options(Trainer.Options.defaults().withSteps(15))
                                                .build()
                                                .run();
                                    } catch (IOException e) {
                                        throw new UncheckedIOException(e);
                                    }
                                    return net.layer(0).weight().value().toDoubleArray();
                                });
            }
            assertClose(finals[0], finals[1], 1e-10, optimiser + ": nd4j vs jvm after 15 steps");
        }
    }

    /**
     * L-BFGS sets every parameter at every evaluation: the replaced values must be freed, not left
     * to the collector.
     */
    @Test
    void parameterSetReleasesTheValueItReplaces() {
        on(
                Backends.nd4j(),
                () -> {
                    Parameter p = new Parameter(Tensor.ones(DType.FLOAT64, 4));
                    Tensor before = p.value();
                    p.set(Tensor.full(DType.FLOAT64, 2.0, 4));
                    IllegalStateException e =
                            assertThrows(IllegalStateException.class, before::toDoubleArray);
                    assertTrue(e.getMessage().contains("released"), e.getMessage());
                    assertClose(
                            new double[] {2, 2, 2, 2}, p.value().toDoubleArray(), 0, "new values");
                    p.set(p.value()); // the same storage: nothing is released
                    assertClose(
                            new double[] {2, 2, 2, 2},
                            p.value().toDoubleArray(),
                            0,
                            "values set to themselves");
                    return null;
                });
    }

    @Test
    void tensorsConvertBothWaysExactly() {
        double[] x = new double[12];
        Rng rng = Rng.seeded(8);
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        Tensor t = Tensor.of(x, 3, 4);
        Tensor n = t.to(Backends.nd4j());
        assertEquals("nd4j", n.backend().name());
        assertClose(x, n.to(Backends.jvm()).toDoubleArray(), 0, "round trip");
        assertClose(
                t.to(DType.FLOAT32).toDoubleArray(),
                n.to(DType.FLOAT32).toDoubleArray(),
                0,
                "cast");
    }
}
