package org.implicitlayers.implicit.ot;

import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/**
 * Soft permutation matrices by Gumbel-Sinkhorn (Mena et al. 2018): S((X + G) / tau), the Sinkhorn
 * normalisation of exp((X + G) / tau) to a doubly stochastic matrix, with X [n, n] the scores and G
 * i.i.d. Gumbel noise (or none). As tau -&gt; 0 (without noise) it tends to the permutation matrix
 * of the assignment that maximises sum_i X_{i, sigma(i)}.
 *
 * <p>It is entropic OT between uniform weights with cost -(X + G) and epsilon = tau, scaled by n:
 * the solve and its gradient (implicit or unrolled, as {@code options.gradient()} says) are {@link
 * Sinkhorn}'s; {@code options.epsilon()} is replaced by tau.
 */
public final class GumbelSinkhorn {
    private GumbelSinkhorn() {}

    /**
     * The doubly stochastic matrix S((X + G) / tau) [n, n] (rows and columns sum to 1), on the tape
     * in X.
     *
     * @param scores X [n, n], finite
     * @param tau the temperature (> 0)
     * @param noise the generator of the Gumbel noise, or null for none
     */
    public static Tensor softPermutation(
            Tensor scores, double tau, Rng noise, Sinkhorn.Options options) {
        if (scores.rank() != 2 || scores.shape(0) != scores.shape(1) || scores.shape(0) < 1) {
            throw new IllegalArgumentException(
                    "GumbelSinkhorn: scores must be a non-empty square matrix [n, n], got "
                            + scores.shapeString());
        }
        if (!(tau > 0) || Double.isInfinite(tau)) {
            throw new IllegalArgumentException(
                    "GumbelSinkhorn: tau must be finite and > 0, got " + tau);
        }
        int n = scores.shape(0);
        Tensor x = scores;
        if (noise != null) {
            double[] g = new double[n * n];
            for (int i = 0; i < g.length; i++) {
                // -log(-log U), U uniform in (0, 1).
                double u = Math.max(noise.nextDouble(), Double.MIN_NORMAL);
                g[i] = -Math.log(-Math.log(u));
            }
            x = x.add(Tensor.of(scores.dtype(), g, n, n).to(scores.backend()));
        }
        Tensor w = Sinkhorn.uniform(scores.dtype(), n).to(scores.backend());
        return Sinkhorn.solve(x.neg(), w, w, options.withEpsilon(tau)).plan().mul(n);
    }
}
