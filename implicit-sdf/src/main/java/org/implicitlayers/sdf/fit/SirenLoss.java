package org.implicitlayers.sdf.fit;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.sdf.io.PointCloud;
import org.implicitlayers.sdf.net.SdfNetwork;

/**
 * The SDF loss of SIREN (Sitzmann et al. 2020, eq. 6 and their released weights): over B surface
 * points x_i with normals n_i and B points y_j uniform in [-box, box]^3,
 *
 * <pre>
 *   surfaceWeight mean_i |f(x_i)| + normalWeight mean_i (1 - cos(grad f(x_i), n_i))
 *   + offWeight mean_j exp(-alpha |f(y_j)|) + eikonalWeight mean_{x, y} | ||grad f|| - 1 |
 * </pre>
 *
 * with grad f taken inside the loss ({@link Grad#of} with createGraph), so training differentiates
 * twice. Without normals the normal term is dropped.
 *
 * @param batch surface points per step, and as many uniform points (5000 in the paper; 2048 here)
 * @param surfaceWeight 3e3
 * @param normalWeight 1e2
 * @param offWeight 1e2
 * @param eikonalWeight 5e1
 * @param alpha 100, the decay of the off-surface penalty
 * @param box 1.0, half-width of the cube of uniform points
 */
public record SirenLoss(
        int batch,
        double surfaceWeight,
        double normalWeight,
        double offWeight,
        double eikonalWeight,
        double alpha,
        double box) {
    public SirenLoss {
        if (batch < 1
                || !(alpha > 0)
                || !(box > 0)
                || surfaceWeight < 0
                || normalWeight < 0
                || offWeight < 0
                || eikonalWeight < 0) {
            throw new IllegalArgumentException(
                    "SirenLoss: need batch >= 1, alpha > 0, box > 0 and weights >= 0");
        }
    }

    public static SirenLoss defaults() {
        return new SirenLoss(2048, 3e3, 1e2, 1e2, 5e1, 100, 1.0);
    }

    public SirenLoss withBatch(int b) {
        return new SirenLoss(b, surfaceWeight, normalWeight, offWeight, eikonalWeight, alpha, box);
    }

    /** Draws a batch from {@code cloud} (normalised units) and evaluates the loss, on the tape. */
    public Tensor evaluate(SdfNetwork net, PointCloud cloud, Rng rng, DType dtype) {
        int b = batch, n = cloud.size();
        double[] x = new double[6 * b];
        double[] nr = cloud.hasNormals() ? new double[3 * b] : null;
        for (int i = 0; i < b; i++) {
            int j = rng.nextInt(n);
            for (int a = 0; a < 3; a++) {
                x[3 * i + a] = cloud.coord(j, a);
                if (nr != null) {
                    nr[3 * i + a] = cloud.normals()[3 * j + a];
                }
                x[3 * (b + i) + a] = (2 * rng.nextDouble() - 1) * box;
            }
        }
        Tensor xs = Tensor.of(dtype, x, 2 * b, 3).requiringGrad();
        Tensor f = net.forward(xs);
        Tensor g = Grad.of(f.sum(), xs, true);
        Tensor fs = f.slice(0, 0, b), fo = f.slice(0, b, 2 * b);
        Tensor loss =
                fs.abs()
                        .mean()
                        .mul(surfaceWeight)
                        .add(fo.abs().mul(-alpha).exp().mean().mul(offWeight))
                        .add(g.norm(1).sub(1).abs().mean().mul(eikonalWeight));
        if (nr != null) {
            Tensor gs = g.slice(0, 0, b);
            Tensor cos = gs.mul(Tensor.of(dtype, nr, b, 3)).sum(1).div(gs.norm(1).add(1e-12));
            loss = loss.add(cos.neg().add(1).mean().mul(normalWeight));
        }
        return loss;
    }
}
