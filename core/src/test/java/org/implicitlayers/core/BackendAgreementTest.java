package org.implicitlayers.core;

import static org.implicitlayers.core.TestBackends.assertClose;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.implicitlayers.core.backend.Backend;
import org.junit.jupiter.api.Test;

/**
 * A whole training-step computation gives the same numbers on every backend (the Lucene pattern);
 * core-nd4j compares ND4J.
 */
class BackendAgreementTest {
    @Test
    void ritzPatternAgreesAcrossBackendsInFloat32() {
        double[][] results = new double[TestBackends.all().size()][];
        int b = 0;
        for (Backend be : TestBackends.all()) {
            results[b++] =
                    TestBackends.on(
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
                                Tensor u = HigherOrderTest.mlp(x, p);
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
        for (int i = 1; i < results.length; i++) {
            assertClose(
                    results[0],
                    results[i],
                    1e-4,
                    TestBackends.names().get(i) + " vs " + TestBackends.names().get(0));
        }
    }

    @Test
    void askingForNd4jWithoutItsModuleNamesTheModule() {
        IllegalStateException e = assertThrows(IllegalStateException.class, Backends::nd4j);
        org.junit.jupiter.api.Assertions.assertTrue(
                e.getMessage().contains("core-nd4j"), e.getMessage());
    }
}
