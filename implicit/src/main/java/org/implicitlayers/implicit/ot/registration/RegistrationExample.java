package org.implicitlayers.implicit.ot.registration;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/**
 * A registration problem with a known answer: the source is a (stratified) sample of a closed 2-D
 * curve without symmetries, r(phi) = 1 + 0.3 cos(3 phi) + 0.2 sin(2 phi), (x, y) = (r cos phi, 0.75
 * r sin phi); the target is another, independent sample of the same curve (so no point has an exact
 * partner), moved by the ground-truth similarity transform, with Gaussian noise, plus outliers
 * drawn uniformly in the target's bounding box enlarged by 20% on each side.
 *
 * @param source [n, 2]
 * @param target [m, 2], the outliers last
 * @param angle the true rotation, radians
 * @param translation the true translation (t_x, t_y)
 * @param scale the true scale
 * @param outliers how many of the target's points are outliers
 */
public record RegistrationExample(
        Tensor source,
        Tensor target,
        double angle,
        double[] translation,
        double scale,
        int outliers) {
    /**
     * The ground truth of {@link #curve}: 40 degrees, (0.5, -0.3), and scale 1.2 when the scale is
     * part of the problem.
     */
    public static final double TRUE_ANGLE_DEGREES = 40;

    public static final double[] TRUE_TRANSLATION = {0.5, -0.3};
    public static final double TRUE_SCALE = 1.2;

    public RegistrationExample {
        translation = translation.clone();
    }

    @Override
    public double[] translation() {
        return translation.clone();
    }

    /**
     * The built-in example.
     *
     * @param seed the sample, noise and outliers
     * @param n source points (and inliers of the target), >= 3
     * @param noise standard deviation of the target's noise (curve units), >= 0
     * @param outlierFraction outliers as a fraction of n, in [0, 1)
     * @param withScale whether the true transform scales (by {@link #TRUE_SCALE}) or not
     */
    public static RegistrationExample curve(
            long seed,
            int n,
            double noise,
            double outlierFraction,
            boolean withScale,
            DType dtype) {
        if (n < 3) {
            throw new IllegalArgumentException(
                    "registration example: at least 3 points needed, got " + n);
        }
        if (!(noise >= 0) || Double.isInfinite(noise)) {
            throw new IllegalArgumentException(
                    "registration example: the noise must be finite and >= 0, got " + noise);
        }
        if (!(outlierFraction >= 0 && outlierFraction < 1)) {
            throw new IllegalArgumentException(
                    "registration example: the outlier fraction must lie in [0, 1), got "
                            + outlierFraction);
        }
        Rng rng = Rng.seeded(seed);
        double angle = Math.toRadians(TRUE_ANGLE_DEGREES), s = withScale ? TRUE_SCALE : 1;
        double[] t = TRUE_TRANSLATION;
        double[] src = sample(rng, n);
        double[] in = sample(rng, n);
        int k = (int) Math.round(outlierFraction * n);
        double[] tgt = new double[2 * (n + k)];
        double c = Math.cos(angle), sn = Math.sin(angle);
        double lox = Double.POSITIVE_INFINITY, hix = Double.NEGATIVE_INFINITY, loy = lox, hiy = hix;
        for (int i = 0; i < n; i++) {
            double x = in[2 * i], y = in[2 * i + 1];
            tgt[2 * i] = s * (c * x - sn * y) + t[0] + noise * rng.nextGaussian();
            tgt[2 * i + 1] = s * (sn * x + c * y) + t[1] + noise * rng.nextGaussian();
            lox = Math.min(lox, tgt[2 * i]);
            hix = Math.max(hix, tgt[2 * i]);
            loy = Math.min(loy, tgt[2 * i + 1]);
            hiy = Math.max(hiy, tgt[2 * i + 1]);
        }
        double mx = 0.2 * (hix - lox), my = 0.2 * (hiy - loy);
        for (int i = n; i < n + k; i++) {
            tgt[2 * i] = lox - mx + (hix - lox + 2 * mx) * rng.nextDouble();
            tgt[2 * i + 1] = loy - my + (hiy - loy + 2 * my) * rng.nextDouble();
        }
        return new RegistrationExample(
                Tensor.of(dtype, src, n, 2), Tensor.of(dtype, tgt, n + k, 2), angle, t, s, k);
    }

    /**
     * n points of the curve at stratified random parameters phi_i = 2 pi (i + u_i) / n, u_i uniform
     * in [0, 1): [n, 2] flattened. Stratification keeps the two samples' moments within O(1/n) of
     * the curve's (plain random parameters shift the centroid and the spread by O(1/sqrt n), which
     * a registration would then report as error).
     */
    static double[] sample(Rng rng, int n) {
        double[] p = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double phi = 2 * Math.PI * (i + rng.nextDouble()) / n;
            double r = 1 + 0.3 * Math.cos(3 * phi) + 0.2 * Math.sin(2 * phi);
            p[2 * i] = r * Math.cos(phi);
            p[2 * i + 1] = 0.75 * r * Math.sin(phi);
        }
        return p;
    }

    /** The target's inliers [n, 2]. */
    public Tensor inliers() {
        return target.slice(0, 0, target.shape(0) - outliers);
    }
}
