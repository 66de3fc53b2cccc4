package org.implicitlayers.implicit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.junit.jupiter.api.Test;

/**
 * Gumbel-Sinkhorn: doubly stochastic, tends to the best assignment found by enumerating every
 * permutation, differentiable.
 */
class GumbelSinkhornTest {
    static final Sinkhorn.Options TIGHT =
            Sinkhorn.Options.defaults()
                    .withTol(1e-12)
                    .withMaxIter(100_000)
                    .withPolicy(NonConvergence.RAISE)
                    .withScaling(EpsilonScaling.geometric(0.5));

    @Test
    void lowTemperatureGivesTheBestAssignment() {
        Rng rng = Rng.seeded(11);
        int n = 6;
        Tensor x = Tensor.randn(rng, DType.FLOAT64, n, n);
        double[] xv = x.toDoubleArray();
        int[] best = bestPermutation(xv, n);
        double[] p =
                GumbelSinkhorn.softPermutation(x, 1e-3, null, TIGHT.withTol(1e-10)).toDoubleArray();
        for (int i = 0; i < n; i++) {
            double row = 0, col = 0;
            for (int j = 0; j < n; j++) {
                row += p[i * n + j];
                col += p[j * n + i];
                assertEquals(
                        j == best[i] ? 1.0 : 0.0,
                        p[i * n + j],
                        1e-6,
                        "entry (" + i + ", " + j + ")");
            }
            assertEquals(1.0, row, 1e-9);
            assertEquals(1.0, col, 1e-9);
        }
    }

    @Test
    void gradientInTheScoresMatchesCentralFiniteDifferences() {
        Rng rng = Rng.seeded(12);
        Tensor x = Tensor.randn(rng, DType.FLOAT64, 4, 4);
        long seed = 99;
        GradCheck.check(
                p -> GumbelSinkhorn.softPermutation(p[0], 0.5, Rng.seeded(seed), TIGHT),
                GradCheck.Options.defaults().withTolerances(1e-7, 1e-5),
                x);
    }

    /** The permutation maximising sum_i x[i, sigma(i)], by enumerating all n! of them. */
    static int[] bestPermutation(double[] x, int n) {
        int[] perm = new int[n], best = new int[n];
        for (int i = 0; i < n; i++) {
            perm[i] = i;
        }
        double[] bestScore = {Double.NEGATIVE_INFINITY};
        permute(perm, 0, x, n, best, bestScore);
        return best;
    }

    private static void permute(int[] p, int k, double[] x, int n, int[] best, double[] bestScore) {
        if (k == n) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += x[i * n + p[i]];
            }
            if (s > bestScore[0]) {
                bestScore[0] = s;
                System.arraycopy(p, 0, best, 0, n);
            }
            return;
        }
        for (int i = k; i < n; i++) {
            int t = p[k];
            p[k] = p[i];
            p[i] = t;
            permute(p, k + 1, x, n, best, bestScore);
            p[i] = p[k];
            p[k] = t;
        }
    }
}
