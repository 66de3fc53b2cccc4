package org.implicitlayers.sdf.fit;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.sdf.io.PointCloud;
import org.implicitlayers.sdf.net.IgrNetwork;
import org.implicitlayers.sdf.net.SdfNetwork;

/**
 * The loss of Implicit Geometric Regularization (Gropp et al. 2020, eq. 2): on a batch of B surface
 * points x_i with normals n_i and B off-surface points y_j,
 *
 * <pre>
 *   mean_i |f(x_i)| + normalWeight mean_i ||grad f(x_i) - n_i|| + eikonalWeight mean_j (||grad f(y_j)|| - 1)^2
 * </pre>
 *
 * where half of the y_j are the first B/2 surface points plus N(0, sigma^2) noise and half are
 * uniform in [-box, box]^3. grad f is taken with respect to the input inside the loss ({@link
 * Grad#of} with createGraph), so the loss is differentiated twice. Without normals the normal term
 * is dropped. The points are expected in normalised units (unit ball).
 *
 * @param batch surface points per step, B (2048); as many off-surface points
 * @param normalWeight weight of the normal term (1.0)
 * @param eikonalWeight weight of the eikonal term (0.1)
 * @param sigma std of the noise of the near-surface points (0.05)
 * @param box half-width of the cube of the uniform points (1.1)
 */
public record IgrLoss(
        int batch, double normalWeight, double eikonalWeight, double sigma, double box) {
    public IgrLoss {
        if (batch < 2
                || !(sigma >= 0)
                || !(box > 0)
                || !(normalWeight >= 0)
                || !(eikonalWeight >= 0)) {
            throw new IllegalArgumentException(
                    "IgrLoss: need batch >= 2, sigma >= 0, box > 0 and weights >= 0; got batch "
                            + batch
                            + ", sigma "
                            + sigma
                            + ", box "
                            + box
                            + ", weights "
                            + normalWeight
                            + ", "
                            + eikonalWeight);
        }
    }

    /** The benchmark's settings: B 2048, weights 1.0 and 0.1, sigma 0.05, box 1.1. */
    public static IgrLoss defaults() {
        return new IgrLoss(2048, 1.0, 0.1, 0.05, 1.1);
    }

    public IgrLoss withBatch(int b) {
        return new IgrLoss(b, normalWeight, eikonalWeight, sigma, box);
    }

    /** The three terms and their weighted sum (scalars on the tape). */
    public record Terms(Tensor total, Tensor surface, Tensor normal, Tensor eikonal) {}

    /**
     * One batch: 2B points [2B, 3] (surface first) and the normals of the first B [B, 3] (null
     * without normals).
     */
    public record Batch(Tensor points, Tensor normals) {}

    /**
     * Draws B surface points (with replacement), B/2 of them jittered and B/2 uniform in the box,
     * in {@code dtype}.
     */
    public Batch sample(PointCloud cloud, Rng rng, DType dtype) {
        int b = batch, half = b / 2, n = cloud.size();
        double[] p = cloud.points(), nr = cloud.normals();
        double[] x = new double[3 * 2 * b];
        double[] normals = nr == null || normalWeight == 0 ? null : new double[3 * b];
        int[] idx = new int[b];
        for (int i = 0; i < b; i++) {
            idx[i] = rng.nextInt(n);
        }
        for (int i = 0; i < b; i++) {
            for (int a = 0; a < 3; a++) {
                x[3 * i + a] = p[3 * idx[i] + a];
                if (normals != null) {
                    normals[3 * i + a] = nr[3 * idx[i] + a];
                }
            }
        }
        for (int i = 0; i < half; i++) {
            for (int a = 0; a < 3; a++) {
                x[3 * (b + i) + a] = p[3 * idx[i] + a] + sigma * rng.nextGaussian();
            }
        }
        for (int i = half; i < b; i++) {
            for (int a = 0; a < 3; a++) {
                x[3 * (b + i) + a] = (2 * rng.nextDouble() - 1) * box;
            }
        }
        return new Batch(
                Tensor.of(dtype, x, 2 * b, 3),
                normals == null ? null : Tensor.of(dtype, normals, b, 3));
    }

    /**
     * Draws a batch from {@code cloud} with {@code rng} and evaluates the loss on it: in closed
     * form for a plain {@link IgrNetwork} (no skip connection), on the tape otherwise.
     */
    public Terms evaluate(SdfNetwork net, PointCloud cloud, Rng rng, DType dtype) {
        Batch b = sample(cloud, rng, dtype);
        if (net instanceof IgrNetwork igr && igr.options().skipAt() == 0) {
            return IgrGradient.loss(igr, b.points(), b.normals(), batch, this);
        }
        return onTape(net, b);
    }

    /**
     * The loss recorded op by op, with grad f from {@link Grad#of} with createGraph, then
     * differentiable twice.
     */
    public Terms onTape(SdfNetwork net, Batch batchPoints) {
        int b = batch;
        Tensor xs = batchPoints.points().requiringGrad();
        Tensor f = net.forward(xs);
        Tensor g = Grad.of(f.sum(), xs, true);
        Tensor surface = f.slice(0, 0, b).abs().mean();
        Tensor total = surface;
        Tensor normal = null;
        if (batchPoints.normals() != null) {
            normal = g.slice(0, 0, b).sub(batchPoints.normals()).norm(1).mean();
            total = total.add(normal.mul(normalWeight));
        }
        Tensor eikonal = g.slice(0, b, 2 * b).norm(1).sub(1).square().mean();
        total = total.add(eikonal.mul(eikonalWeight));
        return new Terms(total, surface, normal, eikonal);
    }

    /**
     * The closed-form loss of a plain {@link IgrNetwork} on a given batch (see {@link #evaluate}).
     */
    public Terms closedForm(IgrNetwork net, Batch batchPoints) {
        if (net.options().skipAt() != 0) {
            throw new IllegalArgumentException(
                    "IgrLoss.closedForm: the network has a skip connection; use onTape");
        }
        return IgrGradient.loss(net, batchPoints.points(), batchPoints.normals(), batch, this);
    }
}
