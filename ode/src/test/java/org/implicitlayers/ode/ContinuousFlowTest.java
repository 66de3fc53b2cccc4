package org.implicitlayers.ode;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.ode.cnf.ContinuousFlow;
import org.junit.jupiter.api.Test;

class ContinuousFlowTest {
    private static ContinuousFlow flow(boolean hutchinson, Gradient g) {
        return new ContinuousFlow(
                8,
                hutchinson,
                OdeSolve.Options.defaults().withTolerances(1e-9, 1e-9).withGradient(g),
                Rng.seeded(4),
                DType.FLOAT64);
    }

    /**
     * The change of variables makes p a density whatever the weights: it integrates to 1 over the
     * plane.
     */
    @Test
    void theDensityIntegratesToOne() {
        int n = 41;
        double[] xs = new double[n];
        for (int i = 0; i < n; i++) {
            xs[i] = -6 + 12.0 * i / (n - 1);
        }
        double[][] lp = flow(false, Gradient.direct()).logDensityGrid(xs, xs);
        double mass = 0;
        double cell = (12.0 / (n - 1)) * (12.0 / (n - 1));
        for (double[] row : lp) {
            for (double v : row) {
                mass += Math.exp(v) * cell;
            }
        }
        assertEquals(1.0, mass, 5e-3);
    }

    /**
     * Hutchinson's estimator is unbiased: its average over many probes approaches the exact
     * log-density.
     */
    @Test
    void hutchinsonAveragesToTheExactTrace() {
        Tensor x = Tensor.of(new double[] {0.3, -0.7, 1.2, 0.4}, 2, 2);
        double exact = flow(false, Gradient.direct()).logDensity(x, null).sum().item();
        // 400 copies of the two points in one batch, each row with its own probe vector.
        int probes = 400;
        Tensor rep =
                Tensor.concat(0, java.util.Collections.nCopies(probes, x).toArray(new Tensor[0]));
        double mean =
                flow(true, Gradient.direct()).logDensity(rep, Rng.seeded(9)).sum().item() / probes;
        assertEquals(exact, mean, 0.02 * Math.abs(exact));
    }

    /**
     * d log p / dx against central differences, direct and adjoint (the adjoint differentiates the
     * trace once more).
     */
    @Test
    void logDensityGradientsEqualFiniteDifferences() {
        for (Gradient g : new Gradient[] {Gradient.direct(), Gradient.adjoint()}) {
            ContinuousFlow f = flow(false, g);
            GradCheck.check(
                    in -> f.logDensity(in[0], null),
                    new GradCheck.Options(1e-5, 1e-6, 1e-5, 1),
                    Tensor.of(new double[] {0.3, -0.7}, 1, 2));
        }
    }
}
