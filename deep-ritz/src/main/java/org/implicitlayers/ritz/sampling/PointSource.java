package org.implicitlayers.ritz.sampling;

import java.util.function.IntFunction;
import org.hipparchus.random.HaltonSequenceGenerator;
import org.hipparchus.random.RandomVectorGenerator;
import org.hipparchus.random.SobolSequenceGenerator;
import org.implicitlayers.core.Rng;

/**
 * Points in the unit cube [0, 1)^dim, pseudo-random or quasi-random (Sobol and Halton sequences
 * from Hipparchus). Domains map them onto interiors and boundaries.
 *
 * <p>A quasi-random source has a position in its sequence, which a checkpoint must hold for a
 * resumed run to continue with the points the uninterrupted run would have drawn ({@link
 * #position()}, {@link #seek(long)}); a uniform source draws from the run's generator, whose state
 * the checkpoint holds already.
 */
public interface PointSource {
    int dim();

    double[] next();

    /**
     * Points given so far: the position in the sequence (0 for a uniform source, whose state is its
     * generator's).
     */
    default long position() {
        return 0;
    }

    /**
     * Continues as if {@code position} points had been drawn from the start.
     *
     * @throws IllegalArgumentException for a negative position or one beyond the sequence
     */
    default void seek(long position) {
        if (position != 0) {
            throw new IllegalArgumentException(
                    "a uniform point source has no position to seek to, got " + position);
        }
    }

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
        return new Sequence(dim, d -> new SobolSequenceGenerator(d));
    }

    /** The Halton sequence (Hipparchus' scrambled bases), without its first point. */
    static PointSource halton(int dim) {
        return new Sequence(dim, d -> new HaltonSequenceGenerator(d));
    }

    /** "uniform", "sobol" or "halton". */
    static PointSource named(String name, Rng rng, int dim) {
        switch (name) {
            case "uniform":
            case "random":
                return uniform(rng, dim);
            case "sobol":
                return sobol(dim);
            case "halton":
                return halton(dim);
            default:
                throw new IllegalArgumentException(
                        "unknown sampling method '"
                                + name
                                + "': expected uniform, sobol or halton");
        }
    }

    /** A quasi-random sequence without its first point, that counts what it gives and can seek. */
    final class Sequence implements PointSource {
        private final int dim;
        private final IntFunction<RandomVectorGenerator> make;
        private RandomVectorGenerator g;
        private long position;

        Sequence(int dim, IntFunction<RandomVectorGenerator> make) {
            this.dim = dim;
            this.make = make;
            seek(0);
        }

        @Override
        public int dim() {
            return dim;
        }

        @Override
        public double[] next() {
            position++;
            return g.nextVector();
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public void seek(long p) {
            if (p < 0 || p >= Integer.MAX_VALUE - 1) {
                throw new IllegalArgumentException(
                        "quasi-random position "
                                + p
                                + ": expected 0 to "
                                + (Integer.MAX_VALUE - 2));
            }
            g = make.apply(dim);
            // skipTo(k) returns point k of the sequence (point 0 is the origin, which we never
            // give),
            // so that the next draw is point k + 1: as after p draws from the start.
            if (g instanceof SobolSequenceGenerator s) {
                s.skipTo((int) p);
            } else {
                ((HaltonSequenceGenerator) g).skipTo((int) p);
            }
            position = p;
        }
    }
}
