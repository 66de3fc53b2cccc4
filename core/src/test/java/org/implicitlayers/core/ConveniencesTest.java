package org.implicitlayers.core;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Losses;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.core.optim.Sgd;
import org.implicitlayers.core.train.Trainer;
import org.junit.jupiter.api.Test;

/** Everyday tensor, module and optimiser conveniences, each against values computed by hand. */
class ConveniencesTest {
    private static final double PI = Math.PI;

    @Test
    void matricesGoInAndComeOutAsRows() {
        double[][] rows = {{1, 2, 3}, {4, 5, 6}};
        Tensor m = Tensor.of(rows);
        assertArrayEquals(new int[] {2, 3}, m.shape());
        assertEquals(DType.FLOAT64, m.dtype());
        assertArrayEquals(rows, m.toDoubleArray2d());
        assertEquals(6.0, m.get(1, 2));
        assertEquals(5.0, m.get(4), "one index is a flat index");
        Tensor f = Tensor.of(new float[][] {{0.5f, 1.5f}});
        assertEquals(DType.FLOAT32, f.dtype());
        assertArrayEquals(new float[] {0.5f, 1.5f}, f.toFloatArray2d()[0]);
        IllegalArgumentException ragged =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Tensor.of(new double[][] {{1, 2}, {3}}));
        assertTrue(
                ragged.getMessage().contains("row 1 has 1 values, row 0 has 2"),
                ragged.getMessage());
    }

    @Test
    void getNamesTheAxisAndShapeOfABadIndex() {
        Tensor m = Tensor.zeros(DType.FLOAT32, 3, 4);
        IndexOutOfBoundsException e =
                assertThrows(IndexOutOfBoundsException.class, () -> m.get(1, 4));
        assertTrue(
                e.getMessage().contains("index 4 is out of range [0, 4) on axis 1 of shape [3, 4]"),
                e.getMessage());
        IllegalArgumentException n =
                assertThrows(IllegalArgumentException.class, () -> m.get(1, 2, 0));
        assertTrue(
                n.getMessage().contains("3 indices") && n.getMessage().contains("[3, 4]"),
                n.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> m.get(12));
        assertEquals("[3, 4]", m.shapeString());
    }

    @Test
    void eyeAndDiagAreNumPys() {
        assertArrayEquals(
                new double[][] {{1, 0}, {0, 1}}, Tensor.eye(DType.FLOAT64, 2).toDoubleArray2d());
        Tensor v = Tensor.of(new double[] {1, 2, 3}, 3);
        assertArrayEquals(
                new double[][] {{1, 0, 0}, {0, 2, 0}, {0, 0, 3}}, Tensor.diag(v).toDoubleArray2d());
        Tensor m = Tensor.of(new double[][] {{1, 2, 3}, {4, 5, 6}});
        assertArrayEquals(new double[] {1, 5}, Tensor.diag(m).toDoubleArray());
        GradCheck.assertGradient(x -> Tensor.diag(x[0]).square(), v);
        GradCheck.assertGradient(x -> Tensor.diag(x[0]).sin(), m);
    }

    @Test
    void softmaxAndLogsumexpAreStableAndDifferentiable() {
        Tensor z = Tensor.of(new double[][] {{1000, 1001, 1002}, {-1, 0, 1}});
        double lse = Math.log(Math.exp(-2) + Math.exp(-1) + 1);
        assertArrayEquals(
                new double[] {1002 + lse, 1 + lse}, z.logsumexp(1, false).toDoubleArray(), 1e-12);
        double[] p = z.softmax(1).toDoubleArray();
        double denom = Math.exp(-2) + Math.exp(-1) + 1;
        assertArrayEquals(
                new double[] {Math.exp(-2) / denom, Math.exp(-1) / denom, 1 / denom},
                new double[] {p[0], p[1], p[2]},
                1e-12); // x - lse loses digits at 1000
        assertArrayEquals(new double[] {p[0], p[1], p[2]}, new double[] {p[3], p[4], p[5]}, 1e-12);
        Tensor small = Tensor.of(new double[][] {{0.3, -1.2, 2.0}, {0.1, 0.2, -0.4}});
        GradCheck.assertGradient(x -> x[0].logSoftmax(1), small);
        GradCheck.assertSecondOrder(x -> x[0].softmax(0), small);
    }

    @Test
    void crossEntropyIsTheMeanNegativeLogLikelihood() {
        double[][] s = {{2.0, 0.5, -1.0}, {0.0, 0.0, 3.0}};
        int[] labels = {0, 1};
        double expected = 0;
        for (int i = 0; i < 2; i++) {
            double z = Math.exp(s[i][0]) + Math.exp(s[i][1]) + Math.exp(s[i][2]);
            expected += (Math.log(z) - s[i][labels[i]]) / 2;
        }
        Tensor logits = Tensor.of(s).requiringGrad();
        Tensor loss = Losses.crossEntropy(logits, labels);
        assertEquals(expected, loss.item(), 1e-14);
        // d loss / d logits = (softmax - one_hot) / batch
        double[][] g = Grad.of(loss, logits, false).toDoubleArray2d();
        double[][] sm = Tensor.of(s).softmax(1).toDoubleArray2d();
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                assertEquals((sm[i][c] - (c == labels[i] ? 1 : 0)) / 2, g[i][c], 1e-15);
            }
        }
        Tensor soft = Tensor.of(new double[][] {{1, 0, 0}, {0, 1, 0}});
        assertEquals(expected, Losses.crossEntropy(Tensor.of(s), soft).item(), 1e-14);
        assertThrows(
                IndexOutOfBoundsException.class,
                () -> Losses.crossEntropy(Tensor.of(s), new int[] {0, 3}));
    }

    @Test
    void matmulTakesVectorsAsNumPyDoes() {
        Tensor a = Tensor.of(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Tensor v2 = Tensor.of(new double[] {1, -1}, 2);
        Tensor v3 = Tensor.of(new double[] {1, 0, 2}, 3);
        assertArrayEquals(new double[] {-1, -1, -1}, a.matmul(v2).toDoubleArray());
        assertArrayEquals(new double[] {11, 14}, v3.matmul(a).toDoubleArray());
        Tensor dot = v3.matmul(v3);
        assertEquals(0, dot.rank());
        assertEquals(5.0, dot.item());
        GradCheck.assertGradient(x -> x[0].matmul(x[1]), v3, a);
        GradCheck.assertGradient(x -> x[0].matmul(x[1]), a, v2);
        assertThrows(IllegalArgumentException.class, () -> v2.matmul(a));
    }

    @Test
    void jacobianAndHessianMatchTheirFormulas() {
        double[][] am = {{1, 2}, {3, -1}};
        Tensor a = Tensor.of(am);
        Tensor x = Tensor.of(new double[] {0.3, -0.8}, 2);
        // f(x) = A x + sin(x): J = A + diag(cos x)
        Tensor j = Grad.jacobian(z -> a.matmul(z).add(z.sin()), x, false);
        assertArrayEquals(new int[] {2, 2}, j.shape());
        assertArrayEquals(
                new double[][] {{1 + Math.cos(0.3), 2}, {3, -1 + Math.cos(-0.8)}},
                j.toDoubleArray2d());
        // g(x) = x^T A x + sum(x^3): H = A + A^T + diag(6 x)
        Tensor h = Grad.hessian(z -> z.matmul(a.matmul(z)).add(z.pow(3).sum()), x, false);
        double[][] expected = {{2 + 6 * 0.3, 5}, {5, -2 + 6 * -0.8}};
        double[][] got = h.toDoubleArray2d();
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(expected[i], got[i], 1e-13);
        }
    }

    @Test
    void theLaplacianMatchesExactLaplacians() {
        Tensor pts = Tensor.of(new double[][] {{0.1, 0.2}, {0.5, 0.5}, {0.9, 0.3}}).requiringGrad();
        Tensor x = pts.select(1, 0), y = pts.select(1, 1);
        Tensor u = x.mul(PI).sin().mul(y.mul(PI).sin());
        double[] lap = Grad.laplacian(u, pts, false).toDoubleArray();
        double[] uv = u.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(-2 * PI * PI * uv[i], lap[i], 1e-12);
        }
        // u = a (x^2 y + y^3), Laplacian 8 a y; with createGraph it trains: d/da sum(lap) = 8
        // sum(y).
        Tensor coef = Tensor.scalar(DType.FLOAT64, 1.5).requiringGrad();
        Tensor pv = Tensor.of(new double[][] {{0.1, 0.2}, {0.5, 0.5}, {0.9, 0.3}}).requiringGrad();
        Tensor px = pv.select(1, 0), py = pv.select(1, 1);
        Tensor w = px.square().mul(py).add(py.pow(3)).mul(coef).unsqueeze(1);
        Tensor l = Grad.laplacian(w, pv, true);
        assertArrayEquals(
                new double[] {8 * 1.5 * 0.2, 8 * 1.5 * 0.5, 8 * 1.5 * 0.3},
                l.toDoubleArray(),
                1e-13);
        assertEquals(8 * (0.2 + 0.5 + 0.3), Grad.of(l.sum(), coef, false).item(), 1e-13);
    }

    @Test
    void modulesPrintTheirLayers() {
        Mlp net = Mlp.builder(2, 8, 1).activation(Activation.tanh()).build(Rng.seeded(0));
        assertEquals(
                "Mlp(activation=tanh\n  (layers.0): Linear(in=2, out=8, bias=true)\n  (layers.1): Linear(in=8, out=1, bias=true)\n)",
                net.toString());
    }

    @Test
    void optimisersUpdatePlainTensorsInPlace() {
        Tensor w = Tensor.of(new double[] {1, -2}, 2).requiringGrad();
        Sgd sgd = new Sgd(List.of(w), 0.1);
        w.sub(3.0).square().sum().backward();
        sgd.step();
        // w - 0.1 * 2 (w - 3)
        assertArrayEquals(
                new double[] {1 - 0.2 * (1 - 3), -2 - 0.2 * (-2 - 3)}, w.toDoubleArray(), 1e-15);
        Tensor notALeaf = w.mul(2.0);
        assertThrows(IllegalArgumentException.class, () -> new Adam(List.of(notALeaf), 1e-3));
        assertThrows(
                IllegalArgumentException.class,
                () -> new Adam(List.of(Tensor.zeros(DType.FLOAT32, 2)), 1e-3));
    }

    @Test
    void optionsHaveDefaultsAndWithers() {
        Adam.Options a = Adam.Options.defaults().withLr(3e-3).withWeightDecay(1e-4);
        assertEquals(new Adam.Options(3e-3, 0.9, 0.999, 1e-8, 1e-4, false), a);
        assertThrows(
                IllegalArgumentException.class,
                () -> Adam.Options.defaults().withBetas(1.0, 0.999));
        Trainer.Options t =
                Trainer.Options.defaults()
                        .withSteps(50)
                        .withCheckpoint(Path.of("c.npz"))
                        .withCheckpointEvery(10);
        assertEquals(
                new Trainer.Options(
                        50,
                        0,
                        10,
                        Path.of("c.npz"),
                        false,
                        Trainer.Options.DEFAULT_CHECKPOINT_SECONDS),
                t);
        Grad.Options g = Grad.Options.defaults().withCreateGraph(true).withAllowUnused(true);
        assertEquals(new Grad.Options(true, true, true), g);
    }
}
