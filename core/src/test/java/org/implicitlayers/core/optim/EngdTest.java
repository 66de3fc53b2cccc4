package org.implicitlayers.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Parameter;
import org.junit.jupiter.api.Test;

/** ENGD on problems whose Gauss-Newton step is known exactly. */
class EngdTest {
    /**
     * 0.5 |A theta - b|^2 with theta split over two parameters: Gauss-Newton is exact for linear
     * residuals.
     */
    static final class LeastSquares implements Engd.Objective {
        final double[] a;
        final double[] b;
        final int m;
        final int n;
        final Engd engd;

        LeastSquares(double[] a, double[] b, int m, int n, Engd engd) {
            this.a = a;
            this.b = b;
            this.m = m;
            this.n = n;
            this.engd = engd;
        }

        double[] residual() {
            double[] t = engd.flatParameters(), r = new double[m];
            for (int i = 0; i < m; i++) {
                r[i] = -b[i];
                for (int j = 0; j < n; j++) {
                    r[i] += a[i * n + j] * t[j];
                }
            }
            return r;
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
            double[] r = residual(), g = new double[n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    g[j] += a[i * n + j] * r[i];
                }
            }
            return new Engd.Linearisation(loss(), g, a.clone(), m);
        }
    }

    static Map<String, Parameter> params() {
        Map<String, Parameter> p = new LinkedHashMap<>();
        p.put("w", new Parameter(Tensor.zeros(DType.FLOAT64, 2, 2)));
        p.put("b", new Parameter(Tensor.zeros(DType.FLOAT64, 3)));
        return p;
    }

    @Test
    void oneStepSolvesALinearLeastSquaresProblem() {
        Rng rng = Rng.seeded(4);
        int m = 20, n = 7;
        double[] a = new double[m * n], b = new double[m];
        for (int i = 0; i < a.length; i++) {
            a[i] = rng.nextDouble() * 2 - 1;
        }
        for (int i = 0; i < m; i++) {
            b[i] = rng.nextDouble() * 2 - 1;
        }
        Engd engd = new Engd(params(), Engd.Options.defaults());
        LeastSquares ls = new LeastSquares(a, b, m, n, engd);
        Engd.Step s = engd.step(ls);
        assertEquals(1.0, s.stepSize());
        // The normal equations hold at the minimiser: A^T r = 0.
        double[] g = ls.linearise().gradient();
        for (double v : g) {
            assertEquals(0, v, 1e-9);
        }
        Engd.Step again = engd.step(ls);
        assertTrue(again.loss() <= s.loss() + 1e-15);
    }

    @Test
    void stateRoundTripsAndBadStateIsRefusedUnchanged() {
        Engd engd = new Engd(params(), Engd.Options.defaults());
        Map<String, Tensor> st = engd.stateDict();
        assertEquals(List.of("steps", "last_step_size", "damping"), List.copyOf(st.keySet()));
        Engd other = new Engd(params(), Engd.Options.defaults().withDamping(1e-6));
        other.loadStateDict(st);
        assertEquals(st.get("damping").item(), other.stateDict().get("damping").item());
        Map<String, Tensor> bad = new LinkedHashMap<>(st);
        bad.put("damping", Tensor.scalar(DType.FLOAT64, -1));
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(bad));
        assertTrue(e.getMessage().contains("damping"), e.getMessage());
        bad.put("momentum", Tensor.scalar(DType.FLOAT64, 0));
        e = assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(bad));
        assertTrue(e.getMessage().contains("momentum"), e.getMessage());
    }
}
