package org.implicitlayers.implicit.layers;

import org.implicitlayers.core.CustomFunction;
import org.implicitlayers.core.Tensor;

/**
 * Euclidean projections along the last axis: the simplest argmin layers, with closed forms. Each is
 * the QP argmin ||z - x||^2 over its set; {@link QpLayer} computes the same and the tests compare.
 */
public final class Projections {
    private Projections() {}

    /** Onto [lo, hi] elementwise: a clamp. */
    public static Tensor box(Tensor x, double lo, double hi) {
        return x.clamp(lo, hi);
    }

    /** Onto the ball ||z|| &lt;= r: x scaled by min(1, r / ||x||). */
    public static Tensor ball(Tensor x, double r) {
        Tensor n = x.norm(new int[] {-1}, true);
        Tensor scale = Tensor.where(n.gt(r), n.pow(-1.0).mul(r), Tensor.onesLike(n));
        return x.mul(scale);
    }

    /**
     * Onto the probability simplex {z >= 0, sum z = 1} (sorting algorithm of Held, Wolfe and
     * Crowder 1974; Duchi et al. 2008): z = max(x - tau, 0). Its Jacobian on the support S is I -
     * 11'/|S| (zero elsewhere); the backward rule applies it with tensor ops.
     */
    public static Tensor simplex(Tensor x) {
        return new CustomFunction("simplex_projection") {
            @Override
            protected Tensor forward(Tensor[] in) {
                int[] shape = in[0].shape();
                int d = shape[shape.length - 1];
                int rows = in[0].numel() / d;
                double[] v = in[0].toDoubleArray(), out = new double[v.length];
                for (int r = 0; r < rows; r++) {
                    double[] u = java.util.Arrays.copyOfRange(v, r * d, (r + 1) * d);
                    java.util.Arrays.sort(u);
                    double cum = 0, tau = 0;
                    for (int j = d - 1, k = 1; j >= 0; j--, k++) {
                        cum += u[j];
                        double t = (cum - 1) / k;
                        if (u[j] - t > 0) {
                            tau = t;
                        }
                    }
                    for (int j = 0; j < d; j++) {
                        out[r * d + j] = Math.max(v[r * d + j] - tau, 0);
                    }
                }
                return Tensor.of(in[0].dtype(), out, shape).to(in[0].backend());
            }

            @Override
            protected Tensor[] backward(Tensor g, Tensor out, Tensor[] in, boolean[] needs) {
                Tensor mask = out.gt(0.0);
                Tensor mean =
                        g.mul(mask).sum(new int[] {-1}, true).div(mask.sum(new int[] {-1}, true));
                return new Tensor[] {g.sub(mean).mul(mask)};
            }
        }.apply(x);
    }
}
