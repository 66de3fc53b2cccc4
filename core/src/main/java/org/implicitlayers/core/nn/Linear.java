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

    /**
     * A layer from {@code in} to {@code out} features; parameters drawn from {@code rng} by {@code
     * init}.
     *
     * @throws IllegalArgumentException if a width is not positive
     */
    public Linear(int in, int out, boolean withBias, Init init, Rng rng, DType dtype) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException(
                    "Linear: widths must be positive, got in=" + in + ", out=" + out);
        }
        this.in = in;
        this.out = out;
        this.weight = param("weight", init.weight(rng, dtype, out, in));
        this.bias = withBias ? param("bias", init.bias(rng, dtype, out, in)) : null;
    }

    /** With bias and PyTorch's default initialisation (uniform in +-1/sqrt(in)). */
    public Linear(int in, int out, Rng rng, DType dtype) {
        this(in, out, true, Init.pytorchDefault(), rng, dtype);
    }

    @Override
    public Tensor forward(Tensor x) {
        if (x.shape(-1) != in) {
            throw new IllegalArgumentException(
                    "Linear("
                            + in
                            + " -> "
                            + out
                            + "): input has "
                            + x.shape(-1)
                            + " features (shape "
                            + java.util.Arrays.toString(x.shape())
                            + ")");
        }
        DType own = weight.value().dtype();
        if (x.dtype() != own) {
            throw new IllegalArgumentException(
                    "Linear("
                            + in
                            + " -> "
                            + out
                            + "): the input is "
                            + x.dtype()
                            + java.util.Arrays.toString(x.shape())
                            + " but the layer's parameters are "
                            + own
                            + "; convert the input with x.to(DType."
                            + own.name()
                            + "), or create the layer with DType."
                            + x.dtype().name());
        }
        return Tensor.linear(x, weight.value(), bias == null ? null : bias.value());
    }

    @Override
    protected String describeSettings() {
        return "in=" + in + ", out=" + out + ", bias=" + (bias != null);
    }

    /** The weight W [out, in]. */
    public Parameter weight() {
        return weight;
    }

    /** The bias b [out], or null for a layer without bias. */
    public Parameter bias() {
        return bias;
    }

    /** Input features. */
    public int in() {
        return in;
    }

    /** Output features. */
    public int out() {
        return out;
    }
}
