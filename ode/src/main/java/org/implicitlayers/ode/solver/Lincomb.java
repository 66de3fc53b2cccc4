package org.implicitlayers.ode.solver;

import java.util.Arrays;
import org.implicitlayers.core.CustomFunction;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.backend.Backend;
import org.implicitlayers.core.backend.Storage;
import org.implicitlayers.core.backend.UnaryOp;

/**
 * {@code y + sum_j c_j k_j} as one operation on the tape (one node instead of two per term): the
 * stage sums, steps and dense outputs of a Runge-Kutta method. The backward rule, {@code g} for y
 * and {@code c_j g} for each k_j, is written with tensor operations, so it differentiates again.
 */
final class Lincomb {
    private Lincomb() {}

    /**
     * @param y the base, any shape
     * @param c coefficients (terms with a zero coefficient are skipped)
     * @param k tensors of y's shape; only the first {@code c.length} are used
     */
    static Tensor of(Tensor y, double[] c, Tensor[] k) {
        int n = 0;
        for (double v : c) {
            n += v != 0 ? 1 : 0;
        }
        if (n == 0) {
            return y;
        }
        double[] cs = new double[n];
        Tensor[] ks = new Tensor[n];
        boolean taped = y.requiresGrad();
        for (int j = 0, m = 0; j < c.length; j++) {
            if (c[j] != 0) {
                cs[m] = c[j];
                ks[m++] = k[j];
                taped |= k[j].requiresGrad();
            }
        }
        if (!taped || !Grad.isEnabled()) {
            return compute(y, cs, ks);
        }
        Tensor[] in = new Tensor[n + 1];
        in[0] = y;
        System.arraycopy(ks, 0, in, 1, n);
        return new CustomFunction("lincomb") {
            @Override
            protected Tensor forward(Tensor[] inputs) {
                return compute(inputs[0], cs, Arrays.copyOfRange(inputs, 1, inputs.length));
            }

            @Override
            protected Tensor[] backward(Tensor g, Tensor out, Tensor[] inputs, boolean[] needs) {
                Tensor[] gs = new Tensor[inputs.length];
                gs[0] = needs[0] ? g : null;
                for (int j = 1; j < inputs.length; j++) {
                    gs[j] = needs[j] ? g.mul(cs[j - 1]) : null;
                }
                return gs;
            }
        }.apply(in);
    }

    private static Tensor compute(Tensor y, double[] c, Tensor[] k) {
        Backend be = y.backend();
        Storage s = be.unary(UnaryOp.SCALE, y.storage(), 1.0, 0);
        for (int j = 0; j < c.length; j++) {
            if (!Arrays.equals(k[j].shape(), y.shape()) || k[j].dtype() != y.dtype()) {
                throw new IllegalArgumentException(
                        "ODE step: dy/dt has shape "
                                + Arrays.toString(k[j].shape())
                                + " "
                                + k[j].dtype()
                                + ", the state "
                                + Arrays.toString(y.shape())
                                + " "
                                + y.dtype()
                                + "; the dynamics must return the state's shape and dtype");
            }
            be.addScaledInPlace(s, c[j], k[j].storage());
        }
        return Tensor.wrap(s, y.shape());
    }
}
