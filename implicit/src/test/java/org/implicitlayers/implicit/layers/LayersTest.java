package org.implicitlayers.implicit.layers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.implicit.Roots;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.linear.Dense;
import org.implicitlayers.implicit.solve.NewtonKrylov;
import org.implicitlayers.implicit.sparse.SparseCoding;
import org.junit.jupiter.api.Test;

class LayersTest {
    /** I_n repeated over a batch: [B, n, n]. */
    static Tensor eyes(int batch, int n) {
        double[] v = new double[batch * n * n];
        for (int b = 0; b < batch; b++) {
            for (int i = 0; i < n; i++) {
                v[(b * n + i) * n + i] = 1;
            }
        }
        return Tensor.of(v, batch, n, n);
    }

    /** The simplex projection as a QP: min 1/2 ||z||^2 - x'z s.t. -z <= 0, 1'z = 1. */
    static QpLayer.Result simplexQp(Tensor x) {
        int batch = x.shape(0), n = x.shape(1);
        Tensor q = eyes(batch, n);
        Tensor g = eyes(batch, n).neg();
        Tensor h = Tensor.zeros(DType.FLOAT64, batch, n);
        Tensor a = Tensor.ones(DType.FLOAT64, batch, 1, n);
        Tensor b = Tensor.ones(DType.FLOAT64, batch, 1);
        return QpLayer.solve(q, x.neg(), g, h, a, b, QpLayer.Options.defaults());
    }

    @Test
    void qpLayerReproducesTheClosedFormSimplexProjectionAndItsGradient() {
        Tensor x =
                Tensor.of(
                        new double[] {0.9, 0.3, -0.4, 0.25, 0.2, 1.5, -0.1, 0.7, 0.05, 0.4}, 2, 5);
        double[] viaQp = simplexQp(x).z().toDoubleArray();
        double[] closed = Projections.simplex(x).toDoubleArray();
        assertArrayEquals(closed, viaQp, 1e-8);
        // Gradients: QP through the KKT system vs the projection's analytic rule vs finite
        // differences.
        Tensor xr = x.requiringGrad();
        Tensor w = Tensor.randn(Rng.seeded(1), DType.FLOAT64, 2, 5);
        Tensor gq = Grad.of(simplexQp(xr).z().mul(w).sum(), xr, false);
        Tensor gp = Grad.of(Projections.simplex(xr).mul(w).sum(), xr, false);
        assertArrayEquals(gp.toDoubleArray(), gq.toDoubleArray(), 1e-7);
        GradCheck.assertGradient(p -> Projections.simplex(p[0]), x);
    }

    @Test
    void qpGradientsWithRespectToEveryInputMatchFiniteDifferences() {
        Rng rng = Rng.seeded(2);
        int batch = 2, n = 3, m = 2;
        Tensor r = Tensor.randn(rng, DType.FLOAT64, batch, n, n);
        Tensor q = r.matmul(r, false, true).add(eyes(batch, n));
        Tensor p = Tensor.randn(rng, DType.FLOAT64, batch, n);
        Tensor g = Tensor.randn(rng, DType.FLOAT64, batch, m, n);
        // h chosen so that one constraint is active at the optimum and one is not (strict
        // complementarity).
        Tensor h = Tensor.of(new double[] {0.1, 5.0, -0.2, 4.0}, batch, m);
        Tensor a = Tensor.randn(rng, DType.FLOAT64, batch, 1, n);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, batch, 1);
        QpLayer.Result base = QpLayer.solve(q, p, g, h, a, b, QpLayer.Options.defaults());
        double[] lam = base.inequalityMultipliers().toDoubleArray();
        assertTrue(
                lam[0] > 1e-6 || lam[2] > 1e-6,
                "some constraint active: " + java.util.Arrays.toString(lam));
        GradCheck.check(
                ps ->
                        QpLayer.solve(
                                        ps[0],
                                        ps[1],
                                        ps[2],
                                        ps[3],
                                        ps[4],
                                        ps[5],
                                        QpLayer.Options.defaults())
                                .z(),
                GradCheck.Options.defaults().withTolerances(1e-7, 1e-5),
                q,
                p,
                g,
                h,
                a,
                b);
    }

    /**
     * Q, G and A given once for the batch: the same solutions as the per-sample copies, and
     * gradients that sum over the batch.
     */
    @Test
    void qpMatricesSharedAcrossTheBatchActLikePerSampleCopies() {
        Rng rng = Rng.seeded(6);
        int batch = 3, n = 3, m = 2;
        Tensor r = Tensor.randn(rng, DType.FLOAT64, n, n);
        Tensor q = r.matmul(r, false, true).add(eyes(1, n).reshape(n, n));
        Tensor g = Tensor.randn(rng, DType.FLOAT64, m, n);
        Tensor a = Tensor.randn(rng, DType.FLOAT64, 1, n);
        Tensor p = Tensor.randn(rng, DType.FLOAT64, batch, n);
        Tensor h = Tensor.of(new double[] {0.1, 5.0, -0.2, 4.0, 0.3, 0.2}, batch, m);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, batch, 1);
        Tensor qb = Tensor.stack(0, q, q, q),
                gb = Tensor.stack(0, g, g, g),
                ab = Tensor.stack(0, a, a, a);
        double[] perSample =
                QpLayer.solve(qb, p, gb, h, ab, b, QpLayer.Options.defaults()).z().toDoubleArray();
        assertArrayEquals(
                perSample,
                QpLayer.solve(q, p, g, h, a, b, QpLayer.Options.defaults()).z().toDoubleArray(),
                1e-12);
        GradCheck.check(
                ps -> QpLayer.solve(ps[0], p, ps[1], h, ps[2], b, QpLayer.Options.defaults()).z(),
                GradCheck.Options.defaults().withTolerances(1e-7, 1e-5),
                q,
                g,
                a);
    }

    @Test
    void ballAndBoxProjections() {
        Tensor x = Tensor.of(new double[] {3, 4, 0.3, 0.4}, 2, 2);
        assertArrayEquals(
                new double[] {0.6, 0.8, 0.3, 0.4}, Projections.ball(x, 1).toDoubleArray(), 1e-15);
        GradCheck.assertGradient(p -> Projections.ball(p[0], 1.0), x);
        assertArrayEquals(
                new double[] {1, 1, 0.3, 0.4}, Projections.box(x, 0, 1).toDoubleArray(), 0);
    }

    @Test
    void declarativeNodeWithAnEqualityConstraintHasTheClosedFormGradient() {
        // argmin ||z - x||^2 + 0.1 sum z^4 s.t. sum z = 1: checked against finite differences.
        Tensor x = Tensor.of(new double[] {0.5, -0.2, 0.9, 0.1, 0.3, 0.3}, 2, 3);
        Roots.Options tight =
                Roots.Options.defaults()
                        .withForward(NewtonKrylov.defaults().withMaxIter(30).withTol(1e-14))
                        .withBackward(Dense.batchedLu())
                        .withPolicy(NonConvergence.RAISE);
        GradCheck.check(
                p ->
                        DeclarativeNode.solve(
                                DeclarativeNode.Problem.constrained(
                                        (z, th) ->
                                                z.sub(th[0])
                                                        .square()
                                                        .sum()
                                                        .add(z.pow(4).sum().mul(0.1)),
                                        (z, th) -> z.sum(new int[] {1}, true).sub(1.0),
                                        1),
                                Tensor.zeros(DType.FLOAT64, 2, 3),
                                p,
                                tight),
                GradCheck.Options.defaults().withTolerances(1e-8, 1e-6),
                x);
        // Without the quartic term the answer is the projection onto the hyperplane: x - (sum x -
        // 1)/3.
        Tensor z =
                DeclarativeNode.solve(
                        DeclarativeNode.Problem.constrained(
                                (zz, th) -> zz.sub(th[0]).square().sum(),
                                (zz, th) -> zz.sum(new int[] {1}, true).sub(1.0),
                                1),
                        Tensor.zeros(DType.FLOAT64, 2, 3),
                        new Tensor[] {x},
                        tight);
        double[] xv = x.toDoubleArray(), zv = z.toDoubleArray();
        for (int bIdx = 0; bIdx < 2; bIdx++) {
            double s = xv[3 * bIdx] + xv[3 * bIdx + 1] + xv[3 * bIdx + 2];
            for (int i = 0; i < 3; i++) {
                assertEquals(xv[3 * bIdx + i] - (s - 1) / 3, zv[3 * bIdx + i], 1e-10);
            }
        }
    }

    @Test
    void listaWithFewLayersBeatsIstaWithTheSameNumberOfIterations() {
        Rng rng = Rng.seeded(3);
        int n = 20, m = 40, batch = 256;
        double alpha = 0.1;
        Tensor d = SparseCoding.dictionary(rng, DType.FLOAT32, n, m);
        // Sparse codes (3 of 40 non-zero) and their signals.
        double[] codes = new double[batch * m];
        for (int b = 0; b < batch; b++) {
            for (int k = 0; k < 3; k++) {
                codes[b * m + rng.nextInt(m)] = rng.nextGaussian();
            }
        }
        Tensor y = Tensor.of(DType.FLOAT32, codes, batch, m).matmul(d, false, true);
        double l = SparseCoding.lipschitz(d);
        Tensor target = SparseCoding.ista(d, y, alpha, l, 1000);
        SparseCoding.Lista lista = new SparseCoding.Lista(d, alpha, 5);
        double before = lista.forward(y).sub(target).square().mean().item();
        Adam adam = new Adam(lista.parameters(), 3e-3);
        for (int step = 0; step < 300; step++) {
            adam.zeroGrad();
            lista.forward(y).sub(target).square().mean().backward();
            adam.step();
        }
        double after = lista.forward(y).sub(target).square().mean().item();
        double ista5 = SparseCoding.ista(d, y, alpha, l, 5).sub(target).square().mean().item();
        assertEquals(ista5, before, 1e-6 * Math.max(1, ista5), "LISTA starts as ISTA");
        assertTrue(after < 0.5 * ista5, "trained LISTA-5 " + after + " vs ISTA-5 " + ista5);
    }
}
