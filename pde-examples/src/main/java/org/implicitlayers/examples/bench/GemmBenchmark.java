package org.implicitlayers.examples.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.implicitlayers.core.Backends;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.MemoryScope;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.Backend;

/**
 * The {@code gemm} benchmark: GFLOP/s (2 m n k / t, median) of the matrix products that dominate
 * training here: the squares of the {@code micro} benchmark (1024, 2048) and the hidden layer of
 * the SDF network (4096 x 256 times 256 x 256) in its three forms: forward ({@code A B}), input
 * gradient ({@code G W}, here {@code A B} too) and weight gradient ({@code A^T B}).
 */
public final class GemmBenchmark {
    /** One product shape: C [m, n] = op(A) B with A [m, k] (or [k, m] when {@code transA}). */
    public record Shape(String name, int m, int n, int k, boolean transA) {}

    /** The shapes timed by default. */
    public static final Shape[] SHAPES = {
        new Shape("1024", 1024, 1024, 1024, false),
        new Shape("2048", 2048, 2048, 2048, false),
        new Shape("4096x256x256", 4096, 256, 256, false),
        new Shape("256x256x4096_tn", 256, 256, 4096, true),
    };

    private GemmBenchmark() {}

    /** Times every shape on {@code backend}; fields {@code gflops_NAME}. */
    public static Map<String, Object> run(
            DType dtype,
            long seed,
            double secondsPerShape,
            Backend backend,
            Consumer<String> progress) {
        Backend previous = Backends.current();
        Backends.setCurrent(backend);
        try {
            Rng rng = Rng.seeded(seed);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("benchmark", "gemm");
            for (Shape s : SHAPES) {
                double g = gflops(s, dtype, rng, secondsPerShape);
                out.put("gflops_" + s.name(), Math.round(g * 10) / 10.0);
                progress.accept(String.format("%-18s %7.1f GFLOP/s", s.name(), g));
            }
            return out;
        } finally {
            Backends.setCurrent(previous);
        }
    }

    /**
     * Median GFLOP/s of one shape, repeated for about {@code seconds} after a warm-up of the same
     * length and until the JIT has settled.
     */
    public static double gflops(Shape s, DType dtype, Rng rng, double seconds) {
        Tensor a =
                s.transA()
                        ? Tensor.randn(rng, dtype, s.k(), s.m())
                        : Tensor.randn(rng, dtype, s.m(), s.k());
        Tensor b = Tensor.randn(rng, dtype, s.k(), s.n());
        Runnable product =
                () -> {
                    try (MemoryScope ignored = MemoryScope.open()) {
                        a.matmul(b, s.transA(), false);
                    }
                };
        double us = Stopwatch.medianMicrosFor(product, seconds);
        return 2.0 * s.m() * s.n() * s.k() / (us * 1e-6) / 1e9;
    }
}
