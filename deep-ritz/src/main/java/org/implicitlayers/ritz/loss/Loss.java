package org.implicitlayers.ritz.loss;

import org.implicitlayers.core.Tensor;

/**
 * A training objective: one scalar from the ansatz on the current training points, differentiable
 * in the network's parameters. One implementation per method: {@link RitzEnergy} (variational
 * form), {@link PinnResidual} (strong form), {@link RayleighQuotient} (smallest eigenvalue).
 */
public sealed interface Loss permits RitzEnergy, PinnResidual, RayleighQuotient {
    /** The loss (a scalar tensor) of {@code u} on the points {@code points} hands out now. */
    Tensor value(Ansatz u, TrainingPoints points);

    /**
     * When the last {@link #value} was not finite: which of its terms were not, with their values
     * ("the boundary penalty term is Infinity"); null otherwise (or when the loss has one term).
     */
    default String nonFiniteTerms() {
        return null;
    }

    /**
     * Names the terms of a loss that are not finite (a helper of {@link #nonFiniteTerms}); null
     * when the total is finite.
     */
    static String nonFinite(Tensor total, String[] names, Tensor... terms) {
        if (Double.isFinite(total.item())) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < terms.length; i++) {
            double v = terms[i].item();
            if (!Double.isFinite(v)) {
                b.append(b.length() > 0 ? " and " : "").append(names[i]).append(" is ").append(v);
            }
        }
        return b.length() > 0
                ? b.toString()
                : "each term is finite, their sum is not (" + total.item() + ")";
    }
}
