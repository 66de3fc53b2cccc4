package org.implicitlayers.sdf.fit;

import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.sdf.net.SdfNetwork;

/**
 * Neural-Pull (Ma et al. 2021, eq. 1): a query q is pulled to the surface along the field's
 * gradient by its signed distance, p = q - f(q) grad f(q) / |grad f(q)|^2, one Newton step toward
 * the zero level set. The gradient is taken with createGraph, so p is differentiable with respect
 * to the queries and the network's parameters (the Neural-Pull loss, mean |p - nearest input
 * point|^2, trains through it).
 */
public final class NeuralPull {
    private NeuralPull() {}

    /** Projections [n, 3] of queries [n, 3]; on the tape of the queries and the parameters. */
    public static Tensor project(SdfNetwork net, Tensor queries) {
        Tensor q = queries.requiresGrad() ? queries : queries.detach().requiringGrad();
        Tensor f;
        Tensor g;
        try (Grad.Scope ignored = Grad.enableGrad()) {
            f = net.forward(q);
            g = Grad.of(f.sum(), q, true);
        }
        Tensor scale = f.div(g.square().sum(new int[] {1}, true).add(1e-12));
        return q.sub(g.mul(scale));
    }

    /**
     * The Neural-Pull loss: mean over queries of |project(q) - target|^2, targets [n, 3] (nearest
     * input points).
     */
    public static Tensor loss(SdfNetwork net, Tensor queries, Tensor targets) {
        return project(net, queries).sub(targets).square().sum(1).mean();
    }
}
