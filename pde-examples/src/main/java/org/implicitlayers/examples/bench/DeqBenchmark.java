package org.implicitlayers.examples.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.implicitlayers.core.Backends;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.core.optim.Adam;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.layers.DeqLayer;
import org.implicitlayers.implicit.layers.TanhCell;
import org.implicitlayers.implicit.solve.Anderson;
import org.implicitlayers.implicit.solve.AsFixedPoint;

/**
 * The {@code deq} benchmark: z* = tanh(W z* + U x + b), width 64, input 32, head Linear(64, 10),
 * batch 256, MSE to a fixed random target, Adam 1e-3; Anderson (m 5, lambda 1e-4 added to GG' as in
 * the tutorial, beta 1) to 1e-4 within 50 iterations forward, and the same solver on g = J^T g +
 * dL/dz backward. Plus the implicit gradient's error against central differences on a tiny float64
 * instance.
 */
public final class DeqBenchmark {
    private DeqBenchmark() {}

    static DeqLayer.Options options(double tol, int maxIter) {
        Anderson a = Anderson.defaults().withMaxIter(maxIter).withTol(tol).withLambda(1e-4, false);
        return new DeqLayer.Options(a, new AsFixedPoint(a), NonConvergence.RETURN_LAST, 0, 0.5);
    }

    /**
     * The benchmark on {@code backend}: each step in a memory scope, so off-heap backends free its
     * tensors at once.
     */
    public static Map<String, Object> run(
            int steps, DType dtype, long seed, Backend backend, Consumer<String> progress) {
        Backend previous = Backends.current();
        Backends.setCurrent(backend);
        try {
            return run(steps, dtype, seed, progress);
        } finally {
            Backends.setCurrent(previous);
        }
    }

    private static Map<String, Object> run(
            int steps, DType dtype, long seed, Consumer<String> progress) {
        Rng rng = Rng.seeded(seed);
        TanhCell cell = new TanhCell(64, 32, rng, dtype);
        DeqLayer deq = new DeqLayer(cell, 64, options(1e-4, 50));
        Linear head = new Linear(64, 10, rng, dtype);
        Tensor x = Tensor.randn(rng, dtype, 256, 32), y = Tensor.randn(rng, dtype, 256, 10);
        Map<String, Parameter> params = new LinkedHashMap<>();
        deq.parameters().forEach((k, v) -> params.put("deq." + k, v));
        head.parameters().forEach((k, v) -> params.put("head." + k, v));
        Adam adam = new Adam(params, 1e-3);
        double[] ms = new double[steps], fwd = new double[steps], bwd = new double[steps];
        double first = Double.NaN, last = Double.NaN;
        for (int s = 0; s < steps; s++) {
            try (MemoryScope scope = MemoryScope.open()) {
                long t0 = System.nanoTime();
                adam.zeroGrad();
                Tensor loss = head.forward(deq.forward(x)).sub(y).square().mean();
                loss.backward();
                adam.step();
                ms[s] = (System.nanoTime() - t0) / 1e6;
                fwd[s] = deq.lastForward().evaluations();
                bwd[s] = deq.lastBackward().evaluations();
                last = loss.item();
            }
            if (s == 0) {
                first = last;
            }
            if ((s + 1) % 50 == 0) {
                progress.accept(
                        String.format(
                                "step %d  loss %.5f  fwd it %d  bwd it %d  %.2f ms",
                                s + 1, last, (int) fwd[s], (int) bwd[s], ms[s]));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "deq");
        out.put("steps", steps);
        out.put("ms_per_step", MicroBenchmark.round(Stopwatch.median(ms), 3));
        out.put("fwd_iters", Stopwatch.median(fwd));
        out.put("bwd_iters", Stopwatch.median(bwd));
        int capF = 0, capB = 0;
        for (int s = 0; s < steps; s++) {
            capF += fwd[s] >= 50 ? 1 : 0;
            capB += bwd[s] >= 50 ? 1 : 0;
        }
        out.put("fwd_hit_max_iter", capF);
        out.put("bwd_hit_max_iter", capB);
        out.put("loss_first", first);
        out.put("loss_last", last);
        out.put("grad_rel_err", gradCheck(seed + 123));
        return out;
    }

    /**
     * Width 4, input 3, batch 2, head 4 -> 2, float64, W doubled: the implicit gradient (solves to
     * 1e-10) against central differences (eps 1e-6) of the loss with solves to 1e-13; the largest
     * per-tensor relative error (infinity norm).
     */
    static double gradCheck(long seed) {
        Rng rng = Rng.seeded(seed);
        TanhCell cell = new TanhCell(4, 3, rng, DType.FLOAT64);
        cell.w().weight().set(cell.w().weight().value().mul(2.0));
        Linear head = new Linear(4, 2, rng, DType.FLOAT64);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 2, 3),
                y = Tensor.randn(rng, DType.FLOAT64, 2, 2);
        // Anderson with the relative ridge: the tutorial's absolute ridge stalls long before 1e-10
        // (see Anderson).
        Anderson a = Anderson.defaults().withMaxIter(500).withTol(1e-10),
                t = Anderson.defaults().withMaxIter(2000).withTol(1e-13);
        DeqLayer implicit =
                new DeqLayer(
                        cell,
                        4,
                        new DeqLayer.Options(a, new AsFixedPoint(a), NonConvergence.RAISE, 0, 0.5));
        DeqLayer tight =
                new DeqLayer(
                        cell,
                        4,
                        new DeqLayer.Options(t, new AsFixedPoint(t), NonConvergence.RAISE, 0, 0.5));
        List<Parameter> ps = new ArrayList<>(cell.parameters().values());
        ps.addAll(head.parameters().values());
        for (Parameter p : ps) {
            p.zeroGrad();
        }
        head.forward(implicit.forward(x)).sub(y).square().mean().backward();
        double worst = 0;
        for (Parameter p : ps) {
            double[] g = p.grad().toDoubleArray(), v = p.value().toDoubleArray();
            double maxErr = 0, maxFd = 0;
            for (int i = 0; i < v.length; i++) {
                double eps = 1e-6;
                double[] plus = v.clone(), minus = v.clone();
                plus[i] += eps;
                minus[i] -= eps;
                p.set(Tensor.of(plus, p.shape()));
                double lp;
                double lm;
                try (var ignored = org.implicitlayers.core.Grad.noGrad()) {
                    lp = head.forward(tight.forward(x)).sub(y).square().mean().item();
                    p.set(Tensor.of(minus, p.shape()));
                    lm = head.forward(tight.forward(x)).sub(y).square().mean().item();
                }
                p.set(Tensor.of(v, p.shape()));
                double fd = (lp - lm) / (2 * eps);
                maxErr = Math.max(maxErr, Math.abs(fd - g[i]));
                maxFd = Math.max(maxFd, Math.abs(fd));
            }
            worst = Math.max(worst, maxErr / maxFd);
        }
        return worst;
    }
}
