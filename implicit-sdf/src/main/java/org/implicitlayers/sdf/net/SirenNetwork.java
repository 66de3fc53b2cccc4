package org.implicitlayers.sdf.net;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Activation;
import org.implicitlayers.core.nn.Init;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.nn.Module;

/**
 * SIREN (Sitzmann et al. 2020): an MLP with sin(omega0 (W x + b)) after every hidden layer and the
 * initialisation of their sec. 3.2 (first layer uniform in +-1/in, later layers uniform in
 * +-sqrt(6/in)/omega0), which keeps activations well spread at any depth. Input [n, 3], output [n,
 * 1].
 */
public final class SirenNetwork extends Module implements SdfNetwork {
    private final Mlp mlp;
    private final double omega0;
    private final int width;
    private final int depth;
    private final DType dtype;

    /**
     * @param width hidden width (the paper: 256)
     * @param depth hidden layers (the paper: 3 for SDFs, 5 in total with the outer ones)
     * @param omega0 frequency of the sines (30)
     */
    public SirenNetwork(int width, int depth, double omega0, DType dtype, Rng rng) {
        if (width < 1 || depth < 1 || !(omega0 > 0)) {
            throw new IllegalArgumentException(
                    "SirenNetwork: need width, depth >= 1 and omega0 > 0, got "
                            + width
                            + ", "
                            + depth
                            + ", "
                            + omega0);
        }
        int[] widths = new int[depth + 2];
        widths[0] = 3;
        for (int l = 1; l <= depth; l++) {
            widths[l] = width;
        }
        widths[depth + 1] = 1;
        this.omega0 = omega0;
        this.width = width;
        this.depth = depth;
        this.dtype = dtype;
        this.mlp =
                child(
                        "mlp",
                        Mlp.builder(widths)
                                .activation(Activation.sine(omega0))
                                .firstInit(Init.siren(omega0, true))
                                .init(Init.siren(omega0, false))
                                .dtype(dtype)
                                .build(rng));
    }

    public double omega0() {
        return omega0;
    }

    public int width() {
        return width;
    }

    public int depth() {
        return depth;
    }

    public DType dtype() {
        return dtype;
    }

    @Override
    public Tensor forward(Tensor x) {
        return mlp.forward(x);
    }

    @Override
    public Module module() {
        return this;
    }
}
