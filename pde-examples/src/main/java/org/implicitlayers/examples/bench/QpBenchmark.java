package org.implicitlayers.examples.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.implicitlayers.core.Backends;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.io.Npz;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.layers.QpLayer;

/**
 * The {@code qp} benchmark: the batch of QPs that {@code reference/qp_layer.py --dump} writes (Q
 * [n, n], G [m, n], A [pe, n] shared by the batch; p [B, n], h [B, m], b [B, pe]; w [B, n]; all
 * float64), solved by {@link QpLayer} with its defaults except that a sample that is not solved is
 * counted ({@code failed}) instead of raising. Timed: forward and backward of sum(z* . w) into Q,
 * p, G, h, A and b, from tensors that require grad, as the reference does.
 */
public final class QpBenchmark {
    private QpBenchmark() {}

    /**
     * The problem read from the archive: Q, p, G, h, A, b (A and b null without equalities, G and h
     * without inequalities) and w.
     */
    public record Data(Tensor q, Tensor p, Tensor g, Tensor h, Tensor a, Tensor b, Tensor w) {
        public int batch() {
            return p.shape(0);
        }

        public int n() {
            return p.shape(1);
        }

        public int m() {
            return g == null ? 0 : g.shape(0);
        }

        public int pe() {
            return a == null ? 0 : a.shape(0);
        }
    }

    /** Reads and checks the archive; errors name the file, the array and the shape expected. */
    public static Data read(Path file) throws IOException {
        Map<String, Tensor> t = Npz.read(file).tensors();
        for (String k : new String[] {"Q", "p", "G", "h", "A", "b", "w"}) {
            if (!t.containsKey(k)) {
                throw new IOException(
                        file
                                + ": array '"
                                + k
                                + "' missing (expected Q, p, G, h, A, b, w as written by qp_layer.py --dump)");
            }
        }
        Tensor p = t.get("p");
        if (p.rank() != 2) {
            throw new IOException(file + ": p must be [B, n], got " + Arrays.toString(p.shape()));
        }
        int batch = p.shape(0), n = p.shape(1);
        expect(file, "Q", t.get("Q"), n, n);
        expect(file, "w", t.get("w"), batch, n);
        Tensor g = t.get("G"), a = t.get("A");
        if (g.rank() != 2 || g.shape(1) != n) {
            throw new IOException(
                    file + ": G must be [m, " + n + "], got " + Arrays.toString(g.shape()));
        }
        if (a.rank() != 2 || a.shape(1) != n) {
            throw new IOException(
                    file + ": A must be [pe, " + n + "], got " + Arrays.toString(a.shape()));
        }
        int m = g.shape(0), pe = a.shape(0);
        expect(file, "h", t.get("h"), batch, m);
        expect(file, "b", t.get("b"), batch, pe);
        return new Data(
                f64(t.get("Q")),
                f64(p),
                m == 0 ? null : f64(g),
                m == 0 ? null : f64(t.get("h")),
                pe == 0 ? null : f64(a),
                pe == 0 ? null : f64(t.get("b")),
                f64(t.get("w")));
    }

    /**
     * A batch of the reference's random family made here, for runs without its problem file: Q = L
     * L'/n + 0.1 I with L [n, n] standard normal, G [m, n] and A [pe, n] standard normal (shared by
     * the batch); per sample z0 [n] standard normal, h = G z0 + U(0.1, 1) (so z0 is strictly
     * feasible), b = A z0, p and w [n] standard normal. The family is the reference's, the numbers
     * are not: the random streams differ, so timings and objectives compare with the reference only
     * on its own file ({@link #read}).
     */
    public static Data generate(int batch, int n, int m, int pe, long seed) {
        if (batch < 1 || n < 1 || m < 0 || pe < 0 || pe >= n) {
            throw new IllegalArgumentException(
                    "expected batch >= 1, n >= 1, m >= 0 and 0 <= pe < n; got batch "
                            + batch
                            + ", n "
                            + n
                            + ", m "
                            + m
                            + ", pe "
                            + pe);
        }
        Rng rng = Rng.seeded(seed);
        double[] l = gauss(rng, n * n), q = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                q[i * n + j] = dot(l, i * n, l, j * n, n) / n + (i == j ? 0.1 : 0);
            }
        }
        double[] g = gauss(rng, m * n), a = gauss(rng, pe * n), z0 = gauss(rng, batch * n);
        double[] h = new double[batch * m], b = new double[batch * pe];
        for (int s = 0; s < batch; s++) {
            for (int c = 0; c < m; c++) {
                h[s * m + c] = dot(g, c * n, z0, s * n, n) + 0.1 + 0.9 * rng.nextDouble();
            }
            for (int c = 0; c < pe; c++) {
                b[s * pe + c] = dot(a, c * n, z0, s * n, n);
            }
        }
        Tensor p = Tensor.of(gauss(rng, batch * n), batch, n),
                w = Tensor.of(gauss(rng, batch * n), batch, n);
        return new Data(
                f64(Tensor.of(q, n, n)),
                f64(p),
                m == 0 ? null : f64(Tensor.of(g, m, n)),
                m == 0 ? null : f64(Tensor.of(h, batch, m)),
                pe == 0 ? null : f64(Tensor.of(a, pe, n)),
                pe == 0 ? null : f64(Tensor.of(b, batch, pe)),
                f64(w));
    }

    private static double[] gauss(Rng rng, int len) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = rng.nextGaussian();
        }
        return v;
    }

    private static void expect(Path file, String name, Tensor t, int r, int c) throws IOException {
        if (!Arrays.equals(t.shape(), new int[] {r, c})) {
            throw new IOException(
                    file
                            + ": "
                            + name
                            + " must be ["
                            + r
                            + ", "
                            + c
                            + "], got "
                            + Arrays.toString(t.shape()));
        }
    }

    private static Tensor f64(Tensor t) {
        return t.to(DType.FLOAT64).to(Backends.current());
    }

    /**
     * Runs {@code warmup} untimed and {@code iters} timed forward + backward passes on {@code
     * backend}.
     */
    public static Map<String, Object> run(
            Path file, int iters, int warmup, Backend backend, Consumer<String> progress)
            throws IOException {
        Backend previous = Backends.current();
        Backends.setCurrent(backend);
        try {
            return run(read(file), iters, warmup, progress);
        } finally {
            Backends.setCurrent(previous);
        }
    }

    /**
     * As {@link #run(Path, int, int, Backend, Consumer)}, on problems already in memory ({@link
     * #generate}).
     */
    public static Map<String, Object> run(
            Data d, int iters, int warmup, Backend backend, Consumer<String> progress) {
        Backend previous = Backends.current();
        Backends.setCurrent(backend);
        try {
            return run(
                    new Data(
                            d.q().to(backend),
                            d.p().to(backend),
                            d.g() == null ? null : d.g().to(backend),
                            d.h() == null ? null : d.h().to(backend),
                            d.a() == null ? null : d.a().to(backend),
                            d.b() == null ? null : d.b().to(backend),
                            d.w().to(backend)),
                    iters,
                    warmup,
                    progress);
        } finally {
            Backends.setCurrent(previous);
        }
    }

    static Map<String, Object> run(Data d, int iters, int warmup, Consumer<String> progress) {
        QpLayer.Options o = QpLayer.Options.defaults().withPolicy(NonConvergence.RETURN_LAST);
        double[] ms = new double[iters];
        QpLayer.Result last = null;
        for (int it = -warmup; it < iters; it++) {
            Tensor q = d.q().requiringGrad(), p = d.p().requiringGrad();
            Tensor g = d.g() == null ? null : d.g().requiringGrad(),
                    h = d.h() == null ? null : d.h().requiringGrad();
            Tensor a = d.a() == null ? null : d.a().requiringGrad(),
                    b = d.b() == null ? null : d.b().requiringGrad();
            long t0 = System.nanoTime();
            last = QpLayer.solve(q, p, g, h, a, b, o);
            last.z().mul(d.w()).sum().backward();
            double t = (System.nanoTime() - t0) / 1e6;
            if (it >= 0) {
                ms[it] = t;
            }
            if (it == -warmup || (it + 1) % 10 == 0) {
                progress.accept(
                        String.format(
                                "%s %d: %.2f ms, %d IPM iterations, %d not solved",
                                it < 0 ? "warm-up" : "iteration",
                                it < 0 ? it + warmup + 1 : it + 1,
                                t,
                                last.iterations(),
                                last.failed()));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("benchmark", "qp");
        out.put("batch", d.batch());
        out.put("n", d.n());
        out.put("m", d.m());
        out.put("pe", d.pe());
        out.put("iters", iters);
        out.put("ms_median", MicroBenchmark.round(Stopwatch.median(ms), 3));
        out.putAll(quality(d, last));
        return out;
    }

    /**
     * Measured from the returned z and the data: the largest constraint violation max(Gz - h, 0)
     * and equality residual |Az - b| over the batch, the mean objective 1/2 z'Qz + p'z, the samples
     * not solved, the largest IPM iteration count and the worst relative KKT residual the solver
     * reports.
     */
    static Map<String, Object> quality(Data d, QpLayer.Result r) {
        int batch = d.batch(), n = d.n(), m = d.m(), pe = d.pe();
        double[] z = r.z().toDoubleArray(), q = d.q().toDoubleArray(), p = d.p().toDoubleArray();
        double[] g = m == 0 ? null : d.g().toDoubleArray(),
                h = m == 0 ? null : d.h().toDoubleArray();
        double[] a = pe == 0 ? null : d.a().toDoubleArray(),
                b = pe == 0 ? null : d.b().toDoubleArray();
        double viol = 0, eq = 0, obj = 0, kkt = 0;
        for (int s = 0; s < batch; s++) {
            for (int c = 0; c < m; c++) {
                viol = Math.max(viol, dot(g, c * n, z, s * n, n) - h[s * m + c]);
            }
            for (int c = 0; c < pe; c++) {
                eq = Math.max(eq, Math.abs(dot(a, c * n, z, s * n, n) - b[s * pe + c]));
            }
            for (int i = 0; i < n; i++) {
                obj += z[s * n + i] * (0.5 * dot(q, i * n, z, s * n, n) + p[s * n + i]);
            }
            kkt = Math.max(kkt, r.reports().get(s).residual());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("max_ineq_violation", viol);
        out.put("max_eq_residual", eq);
        out.put("objective_mean", obj / batch);
        out.put("failed", r.failed());
        out.put("ipm_iterations", r.iterations());
        out.put("max_kkt_residual", kkt);
        return out;
    }

    private static double dot(double[] x, int xo, double[] y, int yo, int n) {
        double v = 0;
        for (int i = 0; i < n; i++) {
            v += x[xo + i] * y[yo + i];
        }
        return v;
    }
}
