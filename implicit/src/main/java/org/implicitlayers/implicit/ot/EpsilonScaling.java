package org.implicitlayers.implicit.ot;

/**
 * Whether Sinkhorn first anneals the regularisation: {@link Off}, or {@link Geometric}, which
 * starts from the largest entry of the cost matrix and multiplies epsilon by a factor after each
 * sweep until it reaches the target (Kosowsky and Yuille 1994; Schmitzer 2019; as geomloss's
 * "scaling"). Annealing warm-starts the potentials: at small epsilon it saves most of the sweeps.
 */
public sealed interface EpsilonScaling permits EpsilonScaling.Off, EpsilonScaling.Geometric {
    /** Every sweep at the target epsilon. */
    record Off() implements EpsilonScaling {}

    /**
     * One sweep at each of max(C) q^0, max(C) q^1, ... while above the target epsilon.
     *
     * @param factor q in (0, 1); geomloss uses 0.5^2 to 0.9^2
     */
    record Geometric(double factor) implements EpsilonScaling {
        public Geometric {
            if (!(factor > 0 && factor < 1)) {
                throw new IllegalArgumentException(
                        "EpsilonScaling.Geometric: factor must lie in (0, 1), got " + factor);
            }
        }
    }

    static EpsilonScaling off() {
        return new Off();
    }

    static EpsilonScaling geometric(double factor) {
        return new Geometric(factor);
    }
}
