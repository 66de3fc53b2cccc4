package org.implicitlayers.ode;

import org.implicitlayers.core.CustomFunction;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;

/**
 * A solve as one node on the tape: inputs y0 and the parameters, output the states at the output
 * times; the backward rule is the gradient kind's own.
 */
abstract class SolveNode extends CustomFunction {
    SolveNode(String name) {
        super(name);
    }

    /**
     * The gradients of y0 and of each parameter, given the output gradient (no tape is recorded).
     */
    abstract Tensor[] pullBack(Tensor out, Tensor g);

    @Override
    protected final Tensor[] backward(Tensor g, Tensor out, Tensor[] in, boolean[] needs) {
        Tensor[] grads;
        try (Grad.Scope ignored = Grad.noGrad()) {
            grads = pullBack(out.detach(), g.detach());
        }
        for (int i = 0; i < grads.length; i++) {
            if (!needs[i]) {
                grads[i] = null;
            }
        }
        return grads;
    }

    static Tensor[] concat(Tensor y0, Tensor[] params) {
        Tensor[] in = new Tensor[params.length + 1];
        in[0] = y0;
        System.arraycopy(params, 0, in, 1, params.length);
        return in;
    }
}
