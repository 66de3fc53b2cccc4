package org.implicitlayers.core.nn;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/**
 * A multilayer perceptron: Linear layers with an activation after every hidden one (none after the
 * last). Built with {@link #builder(int...)}: {@code Mlp.builder(2, 64, 64,
 * 1).activation(Activation.tanh()).build(rng)}. Parameters are float32 unless the builder says
 * otherwise; inputs must have the parameters' dtype: {@code Tensor.of(double[][])} is float64, so
 * either build with {@code .dtype(DType.FLOAT64)} or make the input with {@code
 * Tensor.of(DType.FLOAT32, rows)}.
 */
public final class Mlp extends Module {
    private final Linear[] layers;
    private final Activation activation;

    private Mlp(Builder b, Rng rng) {
        int n = b.widths.length - 1;
        layers = new Linear[n];
        for (int l = 0; l < n; l++) {
            Init init =
                    l == n - 1 && b.lastInit != null
                            ? b.lastInit
                            : l == 0 && b.firstInit != null ? b.firstInit : b.init;
            layers[l] =
                    child(
                            "layers." + l,
                            new Linear(b.widths[l], b.widths[l + 1], true, init, rng, b.dtype));
        }
        activation = b.activation;
    }

    /** A builder for the widths from input to output, e.g. {@code builder(2, 64, 64, 1)}. */
    public static Builder builder(int... widths) {
        return new Builder(widths);
    }

    @Override
    public Tensor forward(Tensor x) {
        DType own = dtype();
        if (x.dtype() != own) {
            throw new IllegalArgumentException(
                    "Mlp "
                            + widths()
                            + ": the input is "
                            + x.dtype()
                            + java.util.Arrays.toString(x.shape())
                            + " but the network's parameters are "
                            + own
                            + "; convert the input with x.to(DType."
                            + own.name()
                            + ") (or make it as "
                            + own
                            + ": Tensor.of(DType."
                            + own.name()
                            + ", rows)), or build the network in "
                            + x.dtype()
                            + " with Mlp.builder(...).dtype(DType."
                            + x.dtype().name()
                            + ")");
        }
        Tensor h = x;
        for (int l = 0; l < layers.length; l++) {
            h = layers[l].forward(h);
            if (l < layers.length - 1) {
                h = activation.apply(h);
            }
        }
        return h;
    }

    @Override
    protected String describeSettings() {
        return "activation=" + activation.name();
    }

    /** The dtype of the parameters (and so of the inputs the network takes). */
    public DType dtype() {
        return layers[0].weight().value().dtype();
    }

    private String widths() {
        StringBuilder sb = new StringBuilder().append(layers[0].weight().shape()[1]);
        for (Linear l : layers) {
            sb.append('-').append(l.weight().shape()[0]);
        }
        return sb.toString();
    }

    /** The i-th linear layer, from 0. */
    public Linear layer(int i) {
        return layers[i];
    }

    /** The number of linear layers. */
    public int depth() {
        return layers.length;
    }

    /** Options of an {@link Mlp}; defaults: tanh, PyTorch's default init, float32. */
    public static final class Builder {
        private final int[] widths;
        private Activation activation = Activation.tanh();
        private Init init = Init.pytorchDefault();
        private Init firstInit;
        private Init lastInit;
        private DType dtype = DType.FLOAT32;

        private Builder(int[] widths) {
            if (widths.length < 2) {
                throw new IllegalArgumentException(
                        "Mlp: give at least input and output widths, got "
                                + java.util.Arrays.toString(widths));
            }
            this.widths = widths.clone();
        }

        /** The activation after each hidden layer (default tanh). */
        public Builder activation(Activation a) {
            activation = a;
            return this;
        }

        /** The initialisation of every layer (default PyTorch's). */
        public Builder init(Init i) {
            init = i;
            return this;
        }

        /** A different initialisation for the first layer (SIREN). */
        public Builder firstInit(Init i) {
            firstInit = i;
            return this;
        }

        /** A different initialisation for the last layer (IGR's geometric init). */
        public Builder lastInit(Init i) {
            lastInit = i;
            return this;
        }

        /** The parameters' dtype (default float32). */
        public Builder dtype(DType d) {
            dtype = d;
            return this;
        }

        /** The network, its parameters drawn from rng. */
        public Mlp build(Rng rng) {
            return new Mlp(this, rng);
        }
    }
}
