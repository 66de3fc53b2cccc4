package org.implicitlayers.implicit.sparse;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.nn.Parameter;

/**
 * Sparse coding, min_z 1/2 ||y - D z||^2 + alpha ||z||_1, by unrolled ISTA (Daubechies, Defrise and
 * De Mol 2004) and by learned ISTA, LISTA (Gregor and LeCun 2010): K layers z &lt;- soft(W_e y + S
 * z, theta) with W_e, S and theta trained. Batches are rows: y [B, n], z [B, m].
 */
public final class SparseCoding {
    private SparseCoding() {}

    /** sign(x) max(|x| - theta, 0), as relu(x - theta) - relu(-x - theta) (theta broadcast). */
    public static Tensor softThreshold(Tensor x, Tensor theta) {
        return x.sub(theta).relu().sub(x.neg().sub(theta).relu());
    }

    /**
     * K iterations of ISTA with step 1/L, L = ||D||_2^2 (given), from z = 0; differentiable
     * (unrolled).
     */
    public static Tensor ista(Tensor d, Tensor y, double alpha, double lipschitz, int iterations) {
        Tensor z = Tensor.zeros(y.dtype(), y.shape(0), d.shape(1)).to(y.backend());
        Tensor theta = Tensor.scalar(y.dtype(), alpha / lipschitz).to(y.backend());
        Tensor dty = y.matmul(d).div(lipschitz);
        for (int k = 0; k < iterations; k++) {
            // z + D'(y - Dz)/L = z - (Dz)'D / L + D'y / L, in row form.
            Tensor grad = z.matmul(d, false, true).matmul(d).div(lipschitz);
            z = softThreshold(z.sub(grad).add(dty), theta);
        }
        return z;
    }

    /** The largest singular value squared of D, by power iteration on D'D. */
    public static double lipschitz(Tensor d) {
        Tensor v = Tensor.ones(d.dtype(), d.shape(1), 1).to(d.backend());
        double l = 0;
        for (int i = 0; i < 200; i++) {
            Tensor w = d.matmul(d.matmul(v), true, false);
            l = w.norm().item() / v.norm().item();
            v = w.div(w.norm().item());
        }
        return l;
    }

    /** 1/2 ||y - Dz||^2 + alpha ||z||_1 averaged over the batch. */
    public static double objective(Tensor d, Tensor y, Tensor z, double alpha) {
        return y.sub(z.matmul(d, false, true))
                        .square()
                        .sum()
                        .mul(0.5)
                        .add(z.abs().sum().mul(alpha))
                        .item()
                / y.shape(0);
    }

    /** LISTA with K layers, initialised as ISTA: W_e = D'/L, S = I - D'D/L, theta = alpha/L. */
    public static final class Lista extends Module {
        private final Parameter we;
        private final Parameter s;
        private final Parameter theta;
        private final int layers;

        public Lista(Tensor d, double alpha, int layers) {
            double l = lipschitz(d);
            int m = d.shape(1);
            this.we = param("W_e", d.transpose().div(l));
            Tensor eye = eye(m, d.dtype()).to(d.backend());
            this.s = param("S", eye.sub(d.matmul(d, true, false).div(l)));
            this.theta = param("theta", Tensor.full(d.dtype(), alpha / l, m).to(d.backend()));
            this.layers = layers;
        }

        static Tensor eye(int m, DType dt) {
            double[] v = new double[m * m];
            for (int i = 0; i < m; i++) {
                v[i * m + i] = 1;
            }
            return Tensor.of(dt, v, m, m);
        }

        @Override
        public Tensor forward(Tensor y) {
            Tensor b = y.matmul(we.value(), false, true);
            Tensor z = softThreshold(b, theta.value());
            for (int k = 1; k < layers; k++) {
                z = softThreshold(b.add(z.matmul(s.value(), false, true)), theta.value());
            }
            return z;
        }
    }

    /** A random dictionary with unit-norm columns, D [n, m]. */
    public static Tensor dictionary(Rng rng, DType dt, int n, int m) {
        Tensor d = Tensor.randn(rng, dt, n, m);
        return d.div(d.norm(new int[] {0}, true));
    }
}
