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
}
