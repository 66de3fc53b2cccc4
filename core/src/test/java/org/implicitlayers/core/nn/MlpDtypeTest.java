package org.implicitlayers.core.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.Test;

class MlpDtypeTest {
    private static final double[][] ROWS = {{0.5, -1.0}, {2.0, 0.25}, {-0.75, 1.5}};

    @Test
    void aFloat64InputToAFloat32NetworkNamesBothDtypesAndBothFixes() {
        Mlp net = Mlp.builder(2, 8, 1).build(Rng.seeded(1));
        assertEquals(DType.FLOAT32, net.dtype());
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> net.forward(Tensor.of(ROWS)));
        String m = e.getMessage();
        assertTrue(
                m.contains("Mlp 2-8-1")
                        && m.contains("float64[3, 2]")
                        && m.contains("parameters are float32"),
                m);
        assertTrue(m.contains("x.to(DType.FLOAT32)") && m.contains(".dtype(DType.FLOAT64)"), m);
    }

    @Test
    void aLinearLayerNamesBothDtypes() {
        Linear l = new Linear(2, 3, Rng.seeded(2), DType.FLOAT64);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> l.forward(Tensor.of(DType.FLOAT32, ROWS)));
        assertTrue(
                e.getMessage().contains("input is float32")
                        && e.getMessage().contains("parameters are float64")
                        && e.getMessage().contains("x.to(DType.FLOAT64)"),
                e.getMessage());
    }

    /**
     * Either fix works, and a float64 network computes W2 tanh(W1 x + b1) + b2 exactly as written
     * out by hand.
     */
    @Test
    void eitherFixRunsAndTheFloat64NetworkMatchesTheFormula() {
        Mlp net64 = Mlp.builder(2, 4, 1).dtype(DType.FLOAT64).build(Rng.seeded(3));
        assertEquals(DType.FLOAT64, net64.dtype());
        double[] y = net64.forward(Tensor.of(ROWS)).toDoubleArray();
        double[] w1 = net64.layer(0).weight().value().toDoubleArray();
        double[] b1 = net64.layer(0).bias().value().toDoubleArray();
        double[] w2 = net64.layer(1).weight().value().toDoubleArray();
        double b2 = net64.layer(1).bias().value().toDoubleArray()[0];
        for (int r = 0; r < ROWS.length; r++) {
            double out = b2;
            for (int j = 0; j < 4; j++) {
                out +=
                        w2[j]
                                * Math.tanh(
                                        w1[2 * j] * ROWS[r][0]
                                                + w1[2 * j + 1] * ROWS[r][1]
                                                + b1[j]);
            }
            assertEquals(out, y[r], 1e-14);
        }
        Mlp net32 = Mlp.builder(2, 4, 1).build(Rng.seeded(3));
        Tensor out32 = net32.forward(Tensor.of(ROWS).to(DType.FLOAT32));
        assertEquals(DType.FLOAT32, out32.dtype());
        assertEquals(
                out32.toDoubleArray()[0],
                net32.forward(Tensor.of(DType.FLOAT32, ROWS)).toDoubleArray()[0],
                0);
    }
}
