package org.implicitlayers.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;
import org.junit.jupiter.api.Test;

/**
 * The sample-space (Woodbury) and parameter-space forms of the ENGD step solve the same damped
 * system.
 */
class EngdWoodburyProperties {
    /** |(A^T A + eps I) d - g| / |g|, computed directly from A (independent of both solvers). */
    static double systemResidual(double[] a, int m, int p, double eps, double[] d, double[] g) {
        double[] ad = new double[m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < p; j++) {
                ad[i] += a[i * p + j] * d[j];
            }
        }
        double num = 0, den = 0;
        for (int j = 0; j < p; j++) {
            double v = eps * d[j] - g[j];
            for (int i = 0; i < m; i++) {
                v += a[i * p + j] * ad[i];
            }
            num += v * v;
            den += g[j] * g[j];
        }
        return Math.sqrt(num / den);
    }

    static double relDiff(double[] x, double[] y) {
        double num = 0, den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - y[i]) * (x[i] - y[i]);
            den += y[i] * y[i];
        }
        return Math.sqrt(num / den);
    }

    @Property(tries = 40)
    void bothFormsGiveTheSameStep(
            @ForAll @IntRange(min = 1, max = 40) int m,
            @ForAll @IntRange(min = 1, max = 60) int extra,
            @ForAll @IntRange(min = -6, max = -1) int epsExponent,
            @ForAll boolean leastSquares,
            @ForAll @IntRange(min = 0, max = 1000) int seed) {
        int p = m + extra;
        Random r = new Random(seed);
        double[] a = new double[m * p], rho = new double[m];
        double trace = 0;
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian() * (1 + (i % p)); // columns of different scales
            trace += a[i] * a[i];
        }
        for (int i = 0; i < m; i++) {
            rho[i] = r.nextGaussian();
        }
        double[] g = new double[p];
        if (leastSquares) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < p; j++) {
                    g[j] += a[i * p + j] * rho[i];
                }
            }
        } else {
            for (int j = 0; j < p; j++) {
                g[j] = r.nextGaussian();
            }
        }
        double rel = Math.pow(10, epsExponent), eps = rel * trace / p;
        Engd.Linearisation lin = new Engd.Linearisation(0, g, a, m, leastSquares ? rho : null);
        assertTrue(Engd.sampleSpace(m, p));
        double[] primal = Engd.direction(lin, eps, false),
                woodbury = Engd.direction(lin, eps, true);
        // Rounding in either solve grows like the condition number, about 1 / rel here.
        double tol = 1e-13 / rel;
        assertTrue(systemResidual(a, m, p, eps, primal, g) < tol, "primal residual");
        assertTrue(systemResidual(a, m, p, eps, woodbury, g) < tol, "sample-space residual");
        assertTrue(relDiff(woodbury, primal) < tol, "forms differ by " + relDiff(woodbury, primal));
    }

    /**
     * 0.5 |A theta - b|^2 with fewer equations than unknowns, its residual handed to the optimiser.
     */
    @Test
    void anUnderdeterminedLinearLeastSquaresProblemIsSolvedInOneSampleSpaceStep() {
        int m = 5, p = 12;
        Random r = new Random(3);
        double[] a = new double[m * p], b = new double[m];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextGaussian();
        }
        for (int i = 0; i < m; i++) {
            b[i] = r.nextGaussian();
        }
        Map<String, Parameter> params = new LinkedHashMap<>();
        params.put("theta", new Parameter(Tensor.zeros(DType.FLOAT64, p)));
        Engd engd = new Engd(params, Engd.Options.defaults());
        Engd.Objective f =
                new Engd.Objective() {
                    double[] residual() {
                        double[] t = engd.flatParameters(), res = new double[m];
                        for (int i = 0; i < m; i++) {
                            res[i] = -b[i];
                            for (int j = 0; j < p; j++) {
                                res[i] += a[i * p + j] * t[j];
                            }
                        }
                        return res;
                    }

                    @Override
                    public double loss() {
                        double s = 0;
                        for (double v : residual()) {
                            s += 0.5 * v * v;
                        }
                        return s;
                    }

                    @Override
                    public Engd.Linearisation linearise() {
                        double[] res = residual(), g = new double[p];
                        for (int i = 0; i < m; i++) {
                            for (int j = 0; j < p; j++) {
                                g[j] += a[i * p + j] * res[i];
                            }
                        }
                        return new Engd.Linearisation(loss(), g, a.clone(), m, res);
                    }
                };
        Engd.Step s = engd.step(f);
        assertEquals(1.0, s.stepSize());
        // A theta = b: the loss is (up to the damping of 1e-10) zero after one Gauss-Newton step.
        assertTrue(f.loss() < 1e-16, "loss " + f.loss());
    }
}
