/**
 * Entropic optimal transport: {@link org.implicitlayers.implicit.ot.Sinkhorn} in the log domain,
 * with epsilon annealing ({@link org.implicitlayers.implicit.ot.EpsilonScaling}) and gradients in
 * the cost (point positions), the weights and epsilon, implicit through the fixed point of the
 * gauge-fixed Sinkhorn sweep or unrolled ({@link org.implicitlayers.implicit.ot.GradientMode}); the
 * debiased Sinkhorn divergence; soft permutations by Gumbel-Sinkhorn ({@link
 * org.implicitlayers.implicit.ot.GumbelSinkhorn}); and point-cloud registration by the divergence
 * ({@link org.implicitlayers.implicit.ot.registration}).
 */
package org.implicitlayers.implicit.ot;
