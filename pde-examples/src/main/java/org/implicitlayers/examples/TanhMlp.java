package org.implicitlayers.examples;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/**
 * A plain MLP: Linear layers with tanh between them and PyTorch's default Linear
 * initialisation (weights and biases uniform in +-1/sqrt(fan_in)).
 */
public final class TanhMlp {
    final Tensor[] weights;
    final Tensor[] biases;

    public TanhMlp(Rng rng, DType dtype, int... widths) {
        int layers = widths.length - 1;
        weights = new Tensor[layers];
        biases = new Tensor[layers];
        for (int l = 0; l < layers; l++) {
            double bound = 1.0 / Math.sqrt(widths[l]);
            weights[l] = uniform(rng, dtype, bound, widths[l + 1], widths[l]);
            biases[l] = uniform(rng, dtype, bound, widths[l + 1]);
        }
    }

    private static Tensor uniform(Rng rng, DType dtype, double bound, int... shape) {
        return Tensor.rand(rng, dtype, shape).mul(2 * bound).sub(bound).requiresGrad(true);
    }

    public Tensor apply(Tensor x) {
        Tensor h = x;
        for (int l = 0; l < weights.length; l++) {
            h = Tensor.linear(h, weights[l], biases[l]);
            if (l < weights.length - 1) {
                h = h.tanh();
            }
        }
        return h;
    }

    public Tensor[] parameters() {
        Tensor[] p = new Tensor[2 * weights.length];
        for (int l = 0; l < weights.length; l++) {
            p[2 * l] = weights[l];
            p[2 * l + 1] = biases[l];
        }
        return p;
    }
}
