package org.implicitlayers.implicit.layers;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Init;
import org.implicitlayers.core.nn.Linear;
import org.implicitlayers.core.nn.Module;

/**
 * f(z, x) = tanh(W z + U x + b), W [width, width] without bias, U [width, in] with bias b: the
 * tutorial DEQ cell.
 */
public final class TanhCell extends Module implements DeqLayer.Cell {
    private final Linear w;
    private final Linear u;

    public TanhCell(int width, int in, Rng rng, DType dtype) {
        this.w = child("W", new Linear(width, width, false, Init.pytorchDefault(), rng, dtype));
        this.u = child("U", new Linear(in, width, true, Init.pytorchDefault(), rng, dtype));
    }

    @Override
    public Tensor apply(Tensor z, Tensor x) {
        return w.forward(z).add(u.forward(x)).tanh();
    }

    @Override
    public Tensor forward(Tensor x) {
        throw new UnsupportedOperationException("TanhCell is applied as f(z, x) inside a DeqLayer");
    }

    public Linear w() {
        return w;
    }
}
