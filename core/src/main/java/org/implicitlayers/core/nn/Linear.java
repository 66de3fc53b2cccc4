package org.implicitlayers.core.nn;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/** y = x W^T + b, with W [out, in] and b [out]; x is [batch, in] (or [..., in]). */
public final class Linear extends Module {
    private final Parameter weight;
    private final Parameter bias;
    private final int in;
    private final int out;

    public Linear(int in, int out, boolean withBias, Init init, Rng rng, DType dtype) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Linear: widths must be positive, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = param("weight", init.weight(rng, dtype, out, in));
        this.bias = withBias ? param("bias", init.bias(rng, dtype, out, in)) : null;
    }

    /** With bias and PyTorch's default initialisation. */
    public Linear(int in, int out, Rng rng, DType dtype) {
        this(in, out, true, Init.pytorchDefault(), rng, dtype);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.shape(-1) != in) {
            throw new IllegalArgumentException("Linear(" + in + " -> " + out + "): input has " + x.shape(-1)
                    + " features (shape " + java.util.Arrays.toString(x.shape()) + ")");
        }
        return Tensor.linear(x, weight.value(), bias == null ? null : bias.value());
    }

    public Parameter weight() {
        return weight;
    }

    public Parameter bias() {
        return bias;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }
}
