package org.implicitlayers.examples.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.implicitlayers.core.Backends;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Mlp;

/**
 * The {@code micro} benchmark (docs/benchmarks.md): MLP 2-64-64-64-1 with tanh, batch 1024; forward
 * without and with the tape, forward + backward, the Deep Ritz pattern; n x n GEMM; and the peak
 * RSS of a process that also runs 10,000 SGD training steps of the same network.
 */
public final class MicroBenchmark {
    /** Options of one run. */
    public record Options(
            int iters,
            int warmup,
            DType dtype,
            long seed,
            int batch,
            int trainSteps,
            Backend backend) {}

    private MicroBenchmark() {}

    public static Map<String, Object> run(Options o, Consumer<String> progress) {
        Backend previous = Backends.current();
        Backends.setCurrent(o.backend());
        try {
            return runOn(o, progress);
        } finally {
            Backends.setCurrent(previous);
        }
    }

    /**
     * Runs one step in a memory scope, so that off-heap backends free its intermediates at once.
     */
    private static Runnable scoped(Runnable step) {
        return () -> {
            try (MemoryScope ignored = MemoryScope.open()) {
                step.run();
            }
        };
    }

    private static Map<String, Object> runOn(Options o, Consumer<String> progress) {
        Rng rng = Rng.seeded(o.seed());
        Mlp net =
                Mlp.builder(2, 64, 64, 64, 1)
                        .activation(Activation.tanh())
                        .dtype(o.dtype())
                        .build(rng);
        Tensor[] params =
                net.parameters().values().stream().map(p -> p.value()).toArray(Tensor[]::new);
        Tensor x = Tensor.rand(rng, o.dtype(), o.batch(), 2);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "micro");

        Runnable fwdNograd =
                () -> {
                    try (Grad.Scope s = Grad.noGrad()) {
                        net.forward(x);
                    }
                };
        Runnable fwdTape = () -> net.forward(x);
        Runnable fwdBwd =
                () -> {
                    for (Tensor p : params) {
                        p.zeroGrad();
                    }
                    net.forward(x).mean().backward();
                };
        Runnable ritz =
                () -> {
                    for (Tensor p : params) {
                        p.zeroGrad();
                    }
                    Tensor xr = x.requiringGrad();
                    Tensor u = net.forward(xr);
                    Tensor g = Grad.of(u.sum(), xr, true);
                    g.square().sum(1).mean().backward();
                };
        String[] names = {"fwd_nograd_us", "fwd_tape_us", "fwd_bwd_us", "ritz_pattern_us"};
        Runnable[] cases = {fwdNograd, fwdTape, fwdBwd, ritz};
        for (int c = 0; c < cases.length; c++) {
            double us = Stopwatch.medianMicros(scoped(cases[c]), o.warmup(), o.iters());
            out.put(names[c], round(us, 1));
            progress.accept(String.format("%-16s median %9.1f us", names[c], us));
        }
        for (int n : new int[] {1024, 2048}) {
            Tensor a = Tensor.randn(rng, o.dtype(), n, n);
            Tensor b = Tensor.randn(rng, o.dtype(), n, n);
            long t0 = System.nanoTime();
            scoped(() -> a.matmul(b)).run();
            double one = (System.nanoTime() - t0) / 1e9;
            int reps = Math.max(3, Math.min(50, (int) (2.0 / Math.max(one, 1e-4))));
            double us = Stopwatch.medianMicros(scoped(() -> a.matmul(b)), 2, reps);
            double gflops = 2.0 * n * n * n / (us * 1e-6) / 1e9;
            out.put("gemm_gflops_" + n, round(gflops, 1));
            progress.accept(String.format("gemm %d: %.1f GFLOP/s (median of %d)", n, gflops, reps));
        }
        // Training loop: forward + backward + SGD, in bounded memory.
        double lr = 1e-3;
        long t0 = System.nanoTime();
        for (int step = 0; step < o.trainSteps(); step++) {
            try (MemoryScope ignored = MemoryScope.open()) {
                net.forward(x).square().mean().backward();
                for (Tensor p : params) {
                    p.addScaled_(-lr, p.grad());
                    p.zeroGrad();
                }
            }
            if ((step + 1) % 2000 == 0) {
                progress.accept(
                        String.format(
                                "training step %d / %d (%.1f s)",
                                step + 1, o.trainSteps(), (System.nanoTime() - t0) / 1e9));
            }
        }
        out.put("train_steps", o.trainSteps());
        out.put(
                "train_us_per_step",
                round((System.nanoTime() - t0) / 1e3 / Math.max(1, o.trainSteps()), 1));
        out.put("peak_rss_mb", round(Stopwatch.peakRssMb(), 1));
        return out;
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
