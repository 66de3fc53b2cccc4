package org.implicitlayers.core.nn;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/** The Deep Ritz block (E and Yu 2018): h -> h + act(L2(act(L1(h)))), both layers width x width. */
public final class ResidualBlock extends Module {
    private final Linear l1;
    private final Linear l2;
    private final Activation activation;

    /** A block of the given width; both layers initialised by {@code init}. */
    public ResidualBlock(int width, Activation activation, Init init, Rng rng, DType dtype) {
        this.l1 = child("l1", new Linear(width, width, true, init, rng, dtype));
        this.l2 = child("l2", new Linear(width, width, true, init, rng, dtype));
        this.activation = activation;
    }

    @Override
    protected String describeSettings() {
        return "width=" + l1.in() + ", activation=" + activation.name();
    }

    @Override
    public Tensor forward(Tensor h) {
        return h.add(activation.apply(l2.forward(activation.apply(l1.forward(h)))));
    }
}
