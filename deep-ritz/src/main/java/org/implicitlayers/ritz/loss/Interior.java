package org.implicitlayers.ritz.loss;

import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;

/**
 * The ansatz on interior points: x [n, d] (requiring grad), u [n, 1] and grad u [n, d]
 * (differentiable).
 */
record Interior(Tensor x, Tensor u, Tensor du) {
    static Interior of(Ansatz ansatz, Tensor points) {
        Tensor x = points.requiringGrad();
        Tensor u = ansatz.at(x);
        return new Interior(x, u, Grad.of(u.sum(), x, true));
    }

    /** |grad u|^2 per point [n, 1]. */
    Tensor gradSquared() {
        return du.square().sum(new int[] {1}, true);
    }
}
