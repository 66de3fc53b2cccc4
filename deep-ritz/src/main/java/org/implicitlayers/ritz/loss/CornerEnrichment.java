package org.implicitlayers.ritz.loss;

import java.util.ArrayList;
import java.util.List;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.ritz.domain.Corner;
import org.implicitlayers.ritz.problem.Expression;

/**
 * Corner-singular terms added to the network's solution: for each re-entrant corner of the domain
 * (interior angle omega, see {@link Corner}) and each exponent lambda_k = k pi / omega below 2 that
 * is not a whole number, the function psi = chi(r / R) r^lambda sin(lambda phi), with r and phi the
 * polar coordinates about the vertex (phi from the corner's first edge, through the domain), R the
 * corner's radius and chi a cutoff; u gets sum_k c_k psi_k with trainable coefficients c_k (zero at
 * the start). This is the singular-function enrichment of finite elements (Fix 1973; Strang and
 * Fix, "An Analysis of the Finite Element Method", sec. 8.2; the generalised/extended FEM), here
 * applied to a network: r^lambda sin(lambda phi) is harmonic and vanishes on both edges of the
 * corner, so the part of the solution that the network must represent, u - sum c_k psi_k, has one
 * more derivative than u for each exponent removed (for the leading one on an L-shape, H^2 instead
 * of H^(5/3)).
 *
 * <p>The cutoff chi(t) = 1 - S(t), S(t) = t^4 (35 - 84 t + 70 t^2 - 20 t^3) for t in [0, 1] (S(1) =
 * 1, three continuous derivatives at t = 1, zero beyond), keeps psi inside the disk of radius R
 * where the domain is the corner's sector, so psi is zero on the whole boundary.
 *
 * <p>Exponents below 2: terms with lambda of 2 or more have square-integrable second derivatives
 * and are left to the network; a whole-number lambda gives a polynomial, which is smooth.
 */
public final class CornerEnrichment extends Module {
    private final List<Corner> corners;
    private final double[] lambda;
    private final int[] cornerOf;
    private final org.implicitlayers.core.nn.Parameter coefficients;

    /**
     * @param corners the domain's re-entrant corners ({@link
     *     org.implicitlayers.ritz.domain.Domain#reentrantCorners()}); not empty
     * @param dtype the coefficients' dtype
     */
    public CornerEnrichment(List<Corner> corners, DType dtype) {
        if (corners.isEmpty()) {
            throw new IllegalArgumentException(
                    "corner enrichment: the domain has no re-entrant corner");
        }
        this.corners = List.copyOf(corners);
        List<double[]> terms = new ArrayList<>();
        for (int c = 0; c < corners.size(); c++) {
            double w = corners.get(c).omega();
            for (int k = 1; k * Math.PI / w < 2 - 1e-9; k++) {
                double l = k * Math.PI / w;
                if (Math.abs(l - Math.rint(l)) > 1e-9) {
                    terms.add(new double[] {c, l});
                }
            }
        }
        this.lambda = new double[terms.size()];
        this.cornerOf = new int[terms.size()];
        for (int i = 0; i < lambda.length; i++) {
            cornerOf[i] = (int) terms.get(i)[0];
            lambda[i] = terms.get(i)[1];
        }
        this.coefficients = param("coefficients", Tensor.zeros(dtype, lambda.length));
    }

    /** The number of terms K. */
    public int size() {
        return lambda.length;
    }

    /** The exponent of each term [K]. */
    public double[] exponents() {
        return lambda.clone();
    }

    /** The corners, in the order their terms come. */
    public List<Corner> corners() {
        return corners;
    }

    /** The terms psi_k at x [n, 2]: [n, K], differentiable in x to any order (x's dtype). */
    public Tensor features(Tensor x) {
        if (x.shape(1) != 2) {
            throw new IllegalArgumentException(
                    "corner enrichment: expected points [n, 2], got " + x.shapeString());
        }
        Tensor x0 = x.slice(1, 0, 1), x1 = x.slice(1, 1, 2);
        Tensor[] out = new Tensor[lambda.length];
        Tensor[] r = new Tensor[corners.size()],
                phi = new Tensor[corners.size()],
                chi = new Tensor[corners.size()];
        for (int k = 0; k < lambda.length; k++) {
            int c = cornerOf[k];
            if (r[c] == null) {
                Corner cr = corners.get(c);
                // Angles from the bisector of the sector, so that the branch cut of atan2 lies in
                // the middle of the
                // wedge outside the domain (or along a slit), where rounding cannot move an edge
                // point across it.
                double bisector = cr.start() + cr.omega() / 2;
                double cs = Math.cos(bisector), sn = Math.sin(bisector);
                Tensor dx = x0.sub(cr.x()), dy = x1.sub(cr.y());
                Tensor xi = dx.mul(cs).add(dy.mul(sn)), eta = dy.mul(cs).sub(dx.mul(sn));
                phi[c] = Expression.atan2(eta, xi).add(cr.omega() / 2);
                r[c] =
                        xi.square()
                                .add(eta.square())
                                .add(1e-60)
                                .sqrt(); // finite derivatives at the vertex itself, value there
                // 1e-30^lambda
                Tensor t = r[c].mul(1 / cr.radius()).minimum(Tensor.onesLike(r[c]));
                Tensor t2 = t.square();
                Tensor s =
                        t2.square()
                                .mul(
                                        t.mul(-84.0)
                                                .add(35.0)
                                                .add(t2.mul(70.0))
                                                .sub(t2.mul(t).mul(20.0)));
                chi[c] = s.neg().add(1.0);
            }
            out[k] = chi[c].mul(r[c].pow(lambda[k])).mul(phi[c].mul(lambda[k]).sin());
        }
        return out.length == 1 ? out[0] : Tensor.concat(1, out);
    }

    /** sum_k c_k psi_k(x): [n, 1]. */
    @Override
    public Tensor forward(Tensor x) {
        return features(x).matmul(coefficients.value().to(x.dtype()).reshape(lambda.length, 1));
    }

    @Override
    protected String describeSettings() {
        return lambda.length + " corner terms";
    }
}
