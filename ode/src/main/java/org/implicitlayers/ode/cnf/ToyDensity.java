package org.implicitlayers.ode.cnf;

import java.util.Locale;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/**
 * Two-dimensional toy densities of the normalising-flow literature (as in FFJORD's experiments),
 * with their samplers.
 */
public enum ToyDensity {
    /**
     * Two interleaved half circles of radius 1 with Gaussian noise of standard deviation 0.1,
     * scaled by 1.5 and centred.
     */
    TWO_MOONS,
    /**
     * Eight Gaussians of standard deviation 0.2 at radius 2 (angles k pi / 4), scaled by 1 / 1.414.
     */
    EIGHT_GAUSSIANS;

    /** n samples [n, 2] from the generator. */
    public Tensor sample(Rng rng, int n, DType dtype) {
        double[] xy = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double x;
            double y;
            if (this == TWO_MOONS) {
                double a = Math.PI * rng.nextDouble();
                if (rng.nextDouble() < 0.5) {
                    x = Math.cos(a);
                    y = Math.sin(a);
                } else {
                    x = 1 - Math.cos(a);
                    y = 0.5 - Math.sin(a);
                }
                x = 1.5 * (x - 0.5 + 0.1 * rng.nextGaussian());
                y = 1.5 * (y - 0.25 + 0.1 * rng.nextGaussian());
            } else {
                int k = rng.nextInt(8);
                x = (2 * Math.cos(k * Math.PI / 4) + 0.2 * rng.nextGaussian()) / 1.414;
                y = (2 * Math.sin(k * Math.PI / 4) + 0.2 * rng.nextGaussian()) / 1.414;
            }
            xy[2 * i] = x;
            xy[2 * i + 1] = y;
        }
        return Tensor.of(dtype, xy, n, 2);
    }

    /** By name: two-moons or eight-gaussians. */
    public static ToyDensity byName(String name) {
        return switch (name.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "two-moons", "moons" -> TWO_MOONS;
            case "eight-gaussians", "8gaussians" -> EIGHT_GAUSSIANS;
            default ->
                    throw new IllegalArgumentException(
                            "unknown toy density '"
                                    + name
                                    + "'; expected two-moons or eight-gaussians");
        };
    }
}
