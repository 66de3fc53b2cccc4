package org.implicitlayers.implicit.layers;

import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/**
 * The benchmark's family of random strictly feasible QPs: Q = LL'/n + 0.1 I, G and A with N(0,1)
 * entries (shared by the batch), z0 ~ N(0,1) per sample, h = G z0 + U(0.1, 1), b = A z0, p ~
 * N(0,1); all float64. Every problem is strictly feasible (z0) and bounded (Q positive definite).
 */
record QpFamily(Tensor q, Tensor p, Tensor g, Tensor h, Tensor a, Tensor b) {
    static QpFamily random(long seed, int batch, int n, int m, int pe) {
        Rng rng = Rng.seeded(seed);
        double[] l = gaussian(rng, n * n, 1 / Math.sqrt(n));
        double[] q = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double v = i == j ? 0.1 : 0;
                for (int k = 0; k < n; k++) {
                    v += l[i * n + k] * l[j * n + k];
                }
                q[i * n + j] = v;
            }
        }
        double[] g = gaussian(rng, m * n, 1), a = gaussian(rng, pe * n, 1);
        double[] z0 = gaussian(rng, batch * n, 1), p = gaussian(rng, batch * n, 1);
        double[] h = new double[batch * m], b = new double[batch * pe];
        for (int s = 0; s < batch; s++) {
            for (int c = 0; c < m; c++) {
                h[s * m + c] = dot(g, c * n, z0, s * n, n) + 0.1 + 0.9 * rng.nextDouble();
            }
            for (int c = 0; c < pe; c++) {
                b[s * pe + c] = dot(a, c * n, z0, s * n, n);
            }
        }
        return new QpFamily(
                Tensor.of(q, n, n),
                Tensor.of(p, batch, n),
                m == 0 ? null : Tensor.of(g, m, n),
                m == 0 ? null : Tensor.of(h, batch, m),
                pe == 0 ? null : Tensor.of(a, pe, n),
                pe == 0 ? null : Tensor.of(b, batch, pe));
    }

    static double[] gaussian(Rng rng, int len, double scale) {
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = scale * rng.nextGaussian();
        }
        return v;
    }

    static double dot(double[] x, int xo, double[] y, int yo, int n) {
        double v = 0;
        for (int i = 0; i < n; i++) {
            v += x[xo + i] * y[yo + i];
        }
        return v;
    }

    int batch() {
        return p.shape(0);
    }

    int n() {
        return p.shape(1);
    }

    int m() {
        return g == null ? 0 : g.shape(0);
    }

    int pe() {
        return a == null ? 0 : a.shape(0);
    }
}
