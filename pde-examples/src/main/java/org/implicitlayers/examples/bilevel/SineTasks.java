package org.implicitlayers.examples.bilevel;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/**
 * Finn, Abbeel and Levine (2017), section 5.1: regression of y = A sin(x - phi) with amplitude A
 * uniform on [0.1, 5], phase phi uniform on [0, pi], inputs uniform on [-5, 5].
 */
public final class SineTasks {
    private SineTasks() {}

    /** One task: its amplitude and phase, K support points and the query points. */
    public record Task(
            double amplitude,
            double phase,
            Tensor xSupport,
            Tensor ySupport,
            Tensor xQuery,
            Tensor yQuery) {
        /** The true function at x. */
        public double at(double x) {
            return amplitude * Math.sin(x - phase);
        }
    }

    /**
     * A task with {@code shots} support and {@code queries} query points, all drawn from {@code
     * rng}.
     */
    public static Task draw(Rng rng, int shots, int queries, DType dtype) {
        double a = 0.1 + 4.9 * rng.nextDouble(), phase = Math.PI * rng.nextDouble();
        Tensor[] s = points(rng, a, phase, shots, dtype), q = points(rng, a, phase, queries, dtype);
        return new Task(a, phase, s[0], s[1], q[0], q[1]);
    }

    private static Tensor[] points(Rng rng, double a, double phase, int n, DType dtype) {
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -5 + 10 * rng.nextDouble();
            y[i] = a * Math.sin(x[i] - phase);
        }
        return new Tensor[] {Tensor.of(dtype, x, n, 1), Tensor.of(dtype, y, n, 1)};
    }
}
