package org.implicitlayers.core;

import static org.implicitlayers.core.TestBackends.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.implicitlayers.core.backend.Backend;
import org.junit.jupiter.api.Test;

/** A whole training-step computation gives the same numbers on every backend (the Lucene pattern). */
class BackendAgreementTest {
    @Test
    void ritzPatternAgreesAcrossBackendsInFloat32() {
        double[][] results = new double[3][];
        int b = 0;
        for (Backend be : TestBackends.all()) {
            results[b++] = TestBackends.on(be, () -> {
                Rng rng = Rng.seeded(42);
                Tensor x = Tensor.rand(rng, DType.FLOAT32, 100, 2).requiringGrad();
                Tensor[] p = new Tensor[6];
                int[][] shapes = {{64, 2}, {64}, {64, 64}, {64}, {1, 64}, {1}};
                for (int i = 0; i < 6; i++) {
                    p[i] = Tensor.randn(rng, DType.FLOAT32, shapes[i]).mul(0.3).requiringGrad();
                }
                Tensor u = HigherOrderTest.mlp(x, p);
                Tensor du = Grad.of(u.sum(), x, true);
                Tensor loss = du.square().sum(1).mean().add(u.square().mean());
                Tensor[] g = Grad.of(loss, p, false);
                double[] all = new double[1 + g[0].numel() + g[2].numel()];
                all[0] = loss.item();
                System.arraycopy(g[0].toDoubleArray(), 0, all, 1, g[0].numel());
                System.arraycopy(g[2].toDoubleArray(), 0, all, 1 + g[0].numel(), g[2].numel());
                return all;
            });
        }
        assertClose(results[1], results[0], 1e-4, "vector vs scalar");
        assertClose(results[1], results[2], 1e-4, "nd4j vs scalar");
    }

    @Test
    void nd4jMemoryIsReleasedWhenTheScopeCloses() {
        Backend nd = Backends.nd4j();
        TestBackends.on(nd, () -> {
            Tensor kept;
            Tensor dropped;
            try (MemoryScope scope = MemoryScope.open()) {
                Tensor a = Tensor.ones(DType.FLOAT32, 1000);
                dropped = a.mul(2.0);
                kept = dropped.add(1.0);
                scope.keep(kept);
                org.junit.jupiter.api.Assertions.assertEquals(2, scope.tracked());
            }
            org.junit.jupiter.api.Assertions.assertEquals(3000.0, kept.sum().item(), 0.0);
            IllegalStateException e = assertThrows(IllegalStateException.class, dropped::toDoubleArray);
            org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("MemoryScope"), e.getMessage());
        });
    }

    @Test
    void leafGradientsOutliveTheStepScopeAndSharedRuleOutputsStayValid() {
        TestBackends.on(Backends.nd4j(), () -> {
            Tensor a = Tensor.ones(DType.FLOAT64, 3).requiringGrad();
            Tensor b = Tensor.ones(DType.FLOAT64, 3).requiringGrad();
            try (MemoryScope scope = MemoryScope.open()) {
                a.add(b).sum().backward();   // the add rule hands the same gradient to a and b
            }
            a.zeroGrad();                     // frees a's gradient only
            assertClose(new double[] {1, 1, 1}, b.grad().toDoubleArray(), 0, "b.grad after a.zeroGrad()");
        });
    }

    /** Training with stateful optimisers inside per-step memory scopes: the state must outlive the scopes. */
    @Test
    void trainingOnNd4jMatchesTheJvmBackendWithStatefulOptimisers() throws Exception {
        for (String optimiser : new String[] {"adam", "sgd-momentum", "rmsprop"}) {
            double[][] finals = new double[2][];
            int k = 0;
            for (Backend be : new Backend[] {Backends.jvm(), Backends.nd4j()}) {
                finals[k++] = TestBackends.on(be, () -> {
                    Rng rng = Rng.seeded(4);
                    org.implicitlayers.core.nn.Mlp net = org.implicitlayers.core.nn.Mlp.builder(2, 16, 1).dtype(DType.FLOAT64).build(rng);
                    var ps = net.parameters();
                    org.implicitlayers.core.optim.Optimizer opt = optimiser.equals("adam") ? new org.implicitlayers.core.optim.Adam(ps, 1e-2)
                            : optimiser.equals("sgd-momentum") ? new org.implicitlayers.core.optim.Sgd(ps, 1e-2, 0.9, 0, 0, false)
                            : new org.implicitlayers.core.optim.RmsProp(ps, 1e-3);
                    try {
                        org.implicitlayers.core.train.Trainer.builder(net, opt, rng)
                                .loss((st, r) -> net.forward(Tensor.rand(r, DType.FLOAT64, 32, 2)).sub(1.0).square().mean())
                                .options(new org.implicitlayers.core.train.Trainer.Options(15, 0, 0, null, false)).build().run();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return net.layer(0).weight().value().toDoubleArray();
                });
            }
            assertClose(finals[0], finals[1], 1e-10, optimiser + ": nd4j vs jvm after 15 steps");
        }
    }
}
