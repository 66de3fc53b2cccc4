package org.implicitlayers.implicit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Function;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.layers.DeqLayer;
import org.implicitlayers.implicit.layers.TanhCell;
import org.implicitlayers.implicit.linear.ConjugateGradient;
import org.implicitlayers.implicit.linear.Dense;
import org.implicitlayers.implicit.linear.Gmres;
import org.implicitlayers.implicit.linear.Neumann;
import org.implicitlayers.implicit.solve.Anderson;
import org.implicitlayers.implicit.solve.NewtonKrylov;
import org.implicitlayers.implicit.solve.Picard;
import org.implicitlayers.implicit.solve.RootSolver;
import org.junit.jupiter.api.Test;

/**
 * Implicit gradients against central finite differences (float64) and against backprop through
 * unrolled iterations.
 */
class ImplicitGradientsTest {
    static final FixedPoints.Options TIGHT =
            new FixedPoints.Options(
                    new Anderson(500, 1e-13, 5, 1e-10, 1, true),
                    new Gmres(30, 300, 1e-13),
                    NonConvergence.RAISE);

    /**
     * z = tanh(W z + U x + b) with W scaled up so the fixed point is not trivial (as the
     * benchmark's check).
     */
    static Tensor fixedPoint(Tensor w, Tensor u, Tensor b, Tensor x) {
        return FixedPoints.solve(
                        z -> z.matmul(w, false, true).add(x.matmul(u, false, true)).add(b).tanh(),
                        Tensor.zeros(DType.FLOAT64, x.shape(0), w.shape(0)),
                        TIGHT)
                .value();
    }

    @Test
    void fixedPointGradientMatchesFiniteDifferences() {
        Rng rng = Rng.seeded(1);
        Tensor w = Tensor.randn(rng, DType.FLOAT64, 4, 4).mul(0.45),
                u = Tensor.randn(rng, DType.FLOAT64, 4, 3);
        Tensor b = Tensor.randn(rng, DType.FLOAT64, 4).mul(0.1),
                x = Tensor.randn(rng, DType.FLOAT64, 2, 3);
        double err =
                GradCheck.check(
                        p -> fixedPoint(p[0], p[1], p[2], p[3]),
                        GradCheck.Options.defaults().withTolerances(1e-8, 1e-6),
                        w,
                        u,
                        b,
                        x);
        assertTrue(err < 1e-6, "relative error " + err);
    }

    @Test
    void implicitGradientEqualsBackpropThroughAConvergedUnrolledSolve() {
        Rng rng = Rng.seeded(2);
        Tensor w = Tensor.randn(rng, DType.FLOAT64, 6, 6).mul(0.3).requiringGrad();
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 3, 6);
        Tensor implicit =
                FixedPoints.solve(
                                z -> z.matmul(w, false, true).add(x).tanh(),
                                Tensor.zeros(DType.FLOAT64, 3, 6),
                                TIGHT)
                        .value();
        Tensor gi = Grad.of(implicit.square().sum(), w, false);
        Tensor z = Tensor.zeros(DType.FLOAT64, 3, 6);
        for (int k = 0; k < 200; k++) {
            z = z.matmul(w, false, true).add(x).tanh();
        }
        Tensor gu = Grad.of(z.square().sum(), w, false);
        assertArrayEquals(gu.toDoubleArray(), gi.toDoubleArray(), 1e-10);
    }

    @Test
    void rootGradientMatchesTheImplicitFunctionTheorem() {
        // z^3 + a z - 1 = 0 elementwise: dz/da = -z / (3 z^2 + a).
        Tensor a = Tensor.of(new double[] {0.5, 1.0, 2.0}, 3).requiringGrad();
        Roots.Result r =
                Roots.solve(
                        (z, p) -> z.pow(3).add(p[0].mul(z)).sub(1.0),
                        Tensor.zeros(DType.FLOAT64, 3),
                        new Tensor[] {a},
                        new Roots.Options(
                                NewtonKrylov.defaults().withMaxIter(50).withTol(1e-14),
                                Dense.lu(),
                                NonConvergence.RAISE));
        Tensor g = Grad.of(r.value().sum(), a, false);
        double[] z = r.value().toDoubleArray(), av = a.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            assertEquals(1.0, z[i] * z[i] * z[i] + av[i] * z[i], 1e-12);
            assertEquals(-z[i] / (3 * z[i] * z[i] + av[i]), g.get(i), 1e-10);
        }
        GradCheck.check(
                p ->
                        Roots.solve(
                                        (zz, q) -> zz.pow(3).add(q[0].mul(zz)).sub(1.0),
                                        Tensor.zeros(DType.FLOAT64, 3),
                                        p,
                                        Roots.Options.defaults()
                                                .withForward(
                                                        NewtonKrylov.defaults()
                                                                .withMaxIter(50)
                                                                .withTol(1e-14))
                                                .withBackward(new Gmres(10, 50, 1e-13)))
                                .value(),
                GradCheck.Options.defaults().withTolerances(1e-8, 1e-6),
                a.detach());
    }

    @Test
    void argminOfAQuadraticHasTheClosedFormGradient() {
        // argmin 1/2 z'Qz - p'z = Q^-1 p, so d(w . z*)/dp = Q^-1 w.
        Rng rng = Rng.seeded(3);
        Tensor r = Tensor.randn(rng, DType.FLOAT64, 5, 5);
        Tensor q =
                r.matmul(r, true, false)
                        .add(
                                Tensor.of(new double[] {1, 1, 1, 1, 1}, 5)
                                        .reshape(5, 1)
                                        .mul(Tensor.of(eye(5), 5, 5)));
        Tensor p = Tensor.randn(rng, DType.FLOAT64, 1, 5).requiringGrad();
        Tensor wv = Tensor.randn(rng, DType.FLOAT64, 1, 5);
        Roots.Result res =
                Argmin.solve(
                        (z, th) -> z.matmul(q).mul(z).sum().mul(0.5).sub(z.mul(th[0]).sum()),
                        Tensor.zeros(DType.FLOAT64, 1, 5),
                        new Tensor[] {p},
                        Roots.Options.defaults()
                                .withForward(NewtonKrylov.defaults().withMaxIter(20).withTol(1e-13))
                                .withBackward(new ConjugateGradient(50, 1e-13)));
        Tensor g = Grad.of(res.value().mul(wv).sum(), p, false);
        double[] expectedZ =
                Dense.lu().solve(v -> v.matmul(q), p.detach(), p.detach()).value().toDoubleArray();
        assertArrayEquals(expectedZ, res.value().toDoubleArray(), 1e-10);
        double[] expectedG = Dense.lu().solve(v -> v.matmul(q), wv, wv).value().toDoubleArray();
        assertArrayEquals(expectedG, g.toDoubleArray(), 1e-9);
    }

    static double[] eye(int n) {
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1;
        }
        return v;
    }

    @Test
    void deqLayerGradientsMatchFiniteDifferencesAndMemoryDoesNotGrowWithIterations() {
        Rng rng = Rng.seeded(4);
        TanhCell cell = new TanhCell(4, 3, rng, DType.FLOAT64);
        cell.w().weight().set(cell.w().weight().value().mul(2.0));
        DeqLayer deq =
                new DeqLayer(
                        cell,
                        4,
                        DeqLayer.Options.defaults()
                                .withSolvers(
                                        new Anderson(500, 1e-13, 5, 1e-10, 1, true),
                                        new Gmres(20, 200, 1e-13)));
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 3);
        Tensor y = Tensor.randn(rng, DType.FLOAT64, 2, 4);
        Function<Tensor[], Tensor> loss = xs -> deq.forward(xs[0]).sub(y).square().mean();
        GradCheck.check(loss, GradCheck.Options.defaults().withTolerances(1e-8, 1e-6), x);
        // Parameter gradients against finite differences of the loss through the solver.
        deq.zeroGrad();
        loss.apply(new Tensor[] {x}).backward();
        assertNotNull(deq.lastBackward());
        var wp = cell.w().weight();
        double[] g = wp.grad().toDoubleArray(), w0 = wp.value().toDoubleArray();
        for (int i = 0; i < w0.length; i += 3) {
            double h = 1e-6;
            double[] plus = w0.clone(), minus = w0.clone();
            plus[i] += h;
            minus[i] -= h;
            wp.set(Tensor.of(plus, 4, 4));
            double lp = loss.apply(new Tensor[] {x}).item();
            wp.set(Tensor.of(minus, 4, 4));
            double lm = loss.apply(new Tensor[] {x}).item();
            wp.set(Tensor.of(w0, 4, 4));
            assertEquals((lp - lm) / (2 * h), g[i], 1e-8, "dL/dW[" + i + "]");
        }
        assertTrue(
                deq.lastForward().evaluations() > 10,
                "a real solve: " + deq.lastForward().evaluations());
        // The tape holds one application of the cell, whatever the number of iterations: count
        // recorded nodes.
        Tensor out = deq.forward(x);
        assertTrue(countNodes(out) < 20, "nodes on the tape: " + countNodes(out));
    }

    /** Recorded operations reachable from t. */
    static int countNodes(Tensor t) {
        java.util.Set<Tensor> seen =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        java.util.ArrayDeque<Tensor> stack = new java.util.ArrayDeque<>(java.util.List.of(t));
        // Walk by differentiating: every reachable recorded op contributes one node; use Grad to
        // reach leaves.
        int ops = 0;
        while (!stack.isEmpty()) {
            Tensor s = stack.pop();
            if (!seen.add(s) || s.isLeaf()) {
                continue;
            }
            ops++;
            for (Tensor in : inputs(s)) {
                stack.push(in);
            }
        }
        return ops;
    }

    static Tensor[] inputs(Tensor t) {
        try {
            java.lang.reflect.Field node = Tensor.class.getDeclaredField("node");
            node.setAccessible(true);
            Object n = node.get(t);
            java.lang.reflect.Field ins = n.getClass().getDeclaredField("inputs");
            ins.setAccessible(true);
            return (Tensor[]) ins.get(n);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void phantomGradientApproachesTheImplicitOneAndJacobianPenaltyIsDifferentiable() {
        Rng rng = Rng.seeded(5);
        TanhCell cell = new TanhCell(8, 3, rng, DType.FLOAT64);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 4, 3);
        DeqLayer exact =
                new DeqLayer(
                        cell,
                        8,
                        DeqLayer.Options.defaults()
                                .withSolvers(
                                        new Anderson(200, 1e-12, 5, 1e-10, 1, true),
                                        new Neumann(500, 1e-12)));
        exact.forward(x).square().sum().backward();
        double[] gExact = cell.w().weight().grad().toDoubleArray();
        cell.zeroGrad();
        DeqLayer phantom =
                new DeqLayer(
                        cell,
                        8,
                        DeqLayer.Options.defaults()
                                .withSolvers(new Anderson(200, 1e-12, 5, 1e-10, 1, true), null)
                                .withPhantom(40, 1.0));
        phantom.forward(x).square().sum().backward();
        double[] gPhantom = cell.w().weight().grad().toDoubleArray();
        double num = 0, den = 0;
        for (int i = 0; i < gExact.length; i++) {
            num += (gExact[i] - gPhantom[i]) * (gExact[i] - gPhantom[i]);
            den += gExact[i] * gExact[i];
        }
        assertTrue(
                Math.sqrt(num / den) < 1e-6,
                "40 undamped phantom steps reproduce the implicit gradient: "
                        + Math.sqrt(num / den));
        cell.zeroGrad();
        exact.forward(x);
        Tensor pen = exact.jacobianPenalty(Rng.seeded(9));
        assertTrue(pen.item() > 0);
        pen.backward();
        assertTrue(cell.w().weight().grad().norm().item() > 0, "the penalty reaches the weights");
    }

    @Test
    void picardRootSolverAndNonConvergencePolicyInTheWrapper() {
        Tensor c = Tensor.of(new double[] {0.3}, 1).requiringGrad();
        // Root of z - cos(z) - c = 0 by damped Picard on z - eta F(z); dz/dc = 1 / (1 + sin z).
        Roots.Result r =
                Roots.solve(
                        (z, p) -> z.sub(z.cos()).sub(p[0]),
                        Tensor.zeros(DType.FLOAT64, 1),
                        new Tensor[] {c},
                        new Roots.Options(
                                RootSolver.viaFixedPoint(new Picard(500, 1e-14, 0.6)),
                                Dense.lu(),
                                NonConvergence.RAISE));
        double z = r.value().item();
        assertEquals(1.0 / (1 + Math.sin(z)), Grad.of(r.value().sum(), c, false).item(), 1e-10);
        org.junit.jupiter.api.Assertions.assertThrows(
                org.implicitlayers.implicit.convergence.NotConvergedException.class,
                () ->
                        Roots.solve(
                                (zz, p) -> zz.sub(zz.cos()).sub(p[0]),
                                Tensor.zeros(DType.FLOAT64, 1),
                                new Tensor[] {c},
                                new Roots.Options(
                                        RootSolver.viaFixedPoint(new Picard(2, 1e-14, 0.6)),
                                        Dense.lu(),
                                        NonConvergence.RAISE)));
    }
}
