package org.implicitlayers.sdf.net;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Init;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Module;

/**
 * The network of Implicit Geometric Regularization (Gropp et al. 2020): an MLP 3 -&gt; width x
 * depth -&gt; 1 with softplus(beta) after every hidden layer and the geometric initialisation of
 * Atzmon and Lipman (2020), so that at the start f(x) is close to |x| - radius, the signed distance
 * of a sphere. With {@code skipAt} &gt; 0 the input is concatenated to the hidden state before
 * hidden layer {@code skipAt} and the sum is divided by sqrt(2), as in IGR's 8-layer network.
 *
 * <p>Input [n, 3] (any number of columns given by {@link Options#inputDim()}), output [n, 1].
 */
public final class IgrNetwork extends Module implements SdfNetwork {
    /**
     * Architecture.
     *
     * @param inputDim coordinates per point (3)
     * @param width hidden width (IGR: 512; the benchmark: 256)
     * @param depth number of hidden layers (IGR: 8; the benchmark: 4)
     * @param beta softplus sharpness (100)
     * @param radius initial sphere radius of the geometric initialisation (1)
     * @param skipAt hidden layer index receiving the input again, or 0 for none
     * @param dtype parameter dtype (float32)
     */
    public record Options(
            int inputDim,
            int width,
            int depth,
            double beta,
            double radius,
            int skipAt,
            DType dtype) {
        public Options {
            if (inputDim < 1 || width < 1 || depth < 1) {
                throw new IllegalArgumentException(
                        "IgrNetwork: inputDim, width and depth must be >= 1, got "
                                + inputDim
                                + ", "
                                + width
                                + ", "
                                + depth);
            }
            if (!(beta > 0) || !(radius > 0)) {
                throw new IllegalArgumentException(
                        "IgrNetwork: beta and radius must be > 0, got " + beta + ", " + radius);
            }
            if (skipAt < 0 || skipAt >= depth) {
                throw new IllegalArgumentException(
                        "IgrNetwork: skipAt must be in [0, depth), got " + skipAt);
            }
        }

        /**
         * The benchmark's network: 3 -&gt; 256 x 4 -&gt; 1, beta 100, radius 1, no skip, float32.
         */
        public static Options defaults() {
            return new Options(3, 256, 4, 100, 1.0, 0, DType.FLOAT32);
        }

        public Options withSkipAt(int layer) {
            return new Options(inputDim, width, depth, beta, radius, layer, dtype);
        }

        public Options withSize(int w, int d) {
            return new Options(inputDim, w, d, beta, radius, skipAt >= d ? 0 : skipAt, dtype);
        }

        public Options withDtype(DType d) {
            return new Options(inputDim, width, depth, beta, radius, skipAt, d);
        }
    }

    private final Options options;
    private final Linear[] layers;

    public IgrNetwork(Options o, Rng rng) {
        this.options = o;
        layers = new Linear[o.depth() + 1];
        int in = o.inputDim();
        for (int l = 0; l <= o.depth(); l++) {
            boolean last = l == o.depth();
            int out = last ? 1 : (l + 1 == o.skipAt() ? o.width() - o.inputDim() : o.width());
            Init init = last ? Init.geometricLast(o.radius()) : Init.geometricHidden();
            layers[l] = child("layers." + l, new Linear(in, out, true, init, rng, o.dtype()));
            in = o.width();
        }
    }

    public Options options() {
        return options;
    }

    /** The linear layers, first to last (depth + 1 of them). */
    public Linear[] layers() {
        return layers.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        Tensor h = x;
        for (int l = 0; l < layers.length; l++) {
            if (options.skipAt() > 0 && l == options.skipAt()) {
                h = Tensor.concat(1, h, x).mul(1 / Math.sqrt(2));
            }
            h = layers[l].forward(h);
            if (l < layers.length - 1) {
                h = h.softplus(options.beta());
            }
        }
        return h;
    }

    @Override
    public Module module() {
        return this;
    }
}
