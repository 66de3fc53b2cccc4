package org.implicitlayers.ritz.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Module;
import org.implicitlayers.core.optim.Engd;
import org.implicitlayers.ritz.RitzOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Per-sample Jacobians against float64 central finite differences of the same features computed by
 * the tape: N, its partial derivatives and its Laplacian at random points, in every parameter.
 */
class NetworkJacobianTest {
    /**
     * c0 N + sum_k c_k d_k N + cL Lap N summed over nothing: at the single point x [1, d], by the
     * tape.
     */
    static double feature(Module net, Tensor x, double[] seed) {
        Tensor xr = x.requiringGrad();
        Tensor u = net.forward(xr);
        Tensor g = Grad.of(u.sum(), xr, true);
        int d = x.shape(1);
        double v = seed[0] * u.item();
        double lap = 0;
        for (int k = 0; k < d; k++) {
            v += seed[1 + k] * g.select(1, k).sum().item();
            if (seed.length > 1 + d) {
                lap += Grad.of(g.select(1, k).sum(), xr, true).toDoubleArray()[k];
            }
        }
        return seed.length > 1 + d ? v + seed[1 + d] * lap : v;
    }

    @ParameterizedTest
    @CsvSource({
        "mlp, tanh, 2, 11",
        "resnet, tanh, 2, 12",
        "mlp, sine:2, 3, 13",
        "resnet, softplus:3, 3, 14",
        "mlp, sigmoid, 1, 15"
    })
    void rowsEqualCentralDifferencesOfTheTapesFeatures(String type, String act, int d, long seed) {
        Rng rng = Rng.seeded(seed);
        Module net =
                new RitzOptions.Network(RitzOptions.NetworkType.parse("type", type), 5, 2, act)
                        .build(d, DType.FLOAT64, rng);
        NetworkJacobian jac = new NetworkJacobian(net, act);
        double[] x = new double[2 * d];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble() * 2 - 1;
        }
        NetworkJacobian.Jets jets = jac.forward(x, 2, true);
        Engd flat = new Engd(net.parameters(), Engd.Options.defaults());
        double[] theta = flat.flatParameters();
        for (int i = 0; i < 2; i++) {
            Tensor xi = Tensor.of(java.util.Arrays.copyOfRange(x, i * d, i * d + d), 1, d);
            // the jets' values against the tape
            double[] unit = new double[d + 2];
            unit[0] = 1;
            assertEquals(feature(net, xi, unit), jets.value(i), 1e-12);
            unit[0] = 0;
            unit[d + 1] = 1;
            assertEquals(feature(net, xi, unit), jets.laplacian(i), 1e-10);
            double[] s = new double[d + 2];
            for (int k = 0; k < s.length; k++) {
                s[k] = rng.nextDouble() * 2 - 1;
            }
            double[] row = new double[jac.size()];
            jets.row(i, s, row, 0);
            double h = 1e-5, worst = 0, scale = 0;
            for (int p = 0; p < theta.length; p++) {
                double[] t = theta.clone();
                t[p] += h;
                flat.setFlatParameters(t);
                double up = feature(net, xi, s);
                t[p] -= 2 * h;
                flat.setFlatParameters(t);
                double down = feature(net, xi, s);
                flat.setFlatParameters(theta);
                double fd = (up - down) / (2 * h);
                worst = Math.max(worst, Math.abs(fd - row[p]));
                scale = Math.max(scale, Math.abs(fd));
            }
            assertTrue(
                    worst < 1e-6 * Math.max(1, scale),
                    type + " " + act + ": max |row - fd| = " + worst + " (scale " + scale + ")");
        }
    }
}
