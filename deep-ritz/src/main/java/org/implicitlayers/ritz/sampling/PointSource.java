package org.implicitlayers.ritz.sampling;

import org.hipparchus.random.HaltonSequenceGenerator;
import org.hipparchus.random.SobolSequenceGenerator;
import org.implicitlayers.core.Rng;

/**
 * Points in the unit cube [0, 1)^dim, pseudo-random or quasi-random (Sobol and Halton sequences
 * from Hipparchus). Domains map them onto interiors and boundaries.
 */
public interface PointSource {
    int dim();

    double[] next();

    /** Independent uniform points from the run's generator. */
    static PointSource uniform(Rng rng, int dim) {
        return new PointSource() {
            public int dim() {
                return dim;
            }

            public double[] next() {
                double[] u = new double[dim];
                for (int i = 0; i < dim; i++) {
                    u[i] = rng.nextDouble();
                }
                return u;
            }
        };
    }

    /** The Sobol sequence (Joe and Kuo direction numbers), without its first point (the origin). */
    static PointSource sobol(int dim) {
        SobolSequenceGenerator g = new SobolSequenceGenerator(dim);
        g.nextVector();
        return new PointSource() {
            public int dim() {
                return dim;
            }

            public double[] next() {
                return g.nextVector();
            }
        };
    }

    /** The Halton sequence (Hipparchus' scrambled bases), without its first point. */
    static PointSource halton(int dim) {
        HaltonSequenceGenerator g = new HaltonSequenceGenerator(dim);
        g.nextVector();
        return new PointSource() {
            public int dim() {
                return dim;
            }

            public double[] next() {
                return g.nextVector();
            }
        };
    }

    /** "uniform", "sobol" or "halton". */
    static PointSource named(String name, Rng rng, int dim) {
        switch (name) {
            case "uniform": case "random": return uniform(rng, dim);
            case "sobol": return sobol(dim);
            case "halton": return halton(dim);
            default: throw new IllegalArgumentException("unknown sampling method '" + name + "': expected uniform, sobol or halton");
        }
    }
}
