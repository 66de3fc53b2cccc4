package org.implicitlayers.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Tensors print as NumPy 2 prints the same array with {@code np.array2string(a, precision=4,
 * separator=', ', prefix='tensor(')} (the expected texts below were produced by NumPy 2.4),
 * followed by dtype and shape.
 */
class TensorFormatTest {
    private static String values(Tensor t) {
        String s = t.toString();
        String suffix = ", " + t.dtype() + Shapes.str(t.shape()) + ")";
        assertTrue(s.startsWith("tensor(") && s.endsWith(suffix), s);
        return s.substring("tensor(".length(), s.length() - suffix.length());
    }

    @Test
    void smallMatricesAlignIntegerPartsAndPadFractions() {
        Tensor m = Tensor.of(new float[][] {{1.0f, -1.5f}, {2.25f, 0.1f}});
        assertEquals(
                "tensor([[ 1.  , -1.5 ],\n        [ 2.25,  0.1 ]], float32[2, 2])", m.toString());
        assertEquals("tensor(2.5, float64[])", Tensor.scalar(DType.FLOAT64, 2.5).toString());
        assertEquals("[2., 4.]", values(Tensor.of(new double[] {2, 4}, 2)));
    }

    @Test
    void valuesAreRoundedToFourDigits() {
        assertEquals(
                "[ 0.3333,  0.6667, 10.    ]",
                values(Tensor.of(new double[] {1.0 / 3, 2.0 / 3, 10}, 3)));
        assertEquals(
                "[ 0.3,  nan, -inf]",
                values(
                        Tensor.of(
                                new double[] {0.1 + 0.2, Double.NaN, Double.NEGATIVE_INFINITY},
                                3)));
    }

    @Test
    void wideRangesSwitchToScientificNotation() {
        assertEquals(
                "[1.0000e-05, 1.5000e+00, 1.2346e+05]",
                values(Tensor.of(new double[] {1e-5, 1.5, 123456}, 3)));
    }

    @Test
    void longRowsWrapAtSeventyFiveColumns() {
        Tensor t = Tensor.arange(DType.FLOAT64, 0, 40, 1).div(7.0);
        assertEquals(
                "[0.    , 0.1429, 0.2857, 0.4286, 0.5714, 0.7143, 0.8571, 1.    ,\n"
                        + "        1.1429, 1.2857, 1.4286, 1.5714, 1.7143, 1.8571, 2.    , 2.1429,\n"
                        + "        2.2857, 2.4286, 2.5714, 2.7143, 2.8571, 3.    , 3.1429, 3.2857,\n"
                        + "        3.4286, 3.5714, 3.7143, 3.8571, 4.    , 4.1429, 4.2857, 4.4286,\n"
                        + "        4.5714, 4.7143, 4.8571, 5.    , 5.1429, 5.2857, 5.4286, 5.5714]",
                values(t));
    }

    @Test
    void higherRanksSeparateBlocksWithBlankLines() {
        assertEquals(
                "[[[ 0.,  1.,  2.,  3.],\n"
                        + "         [ 4.,  5.,  6.,  7.],\n"
                        + "         [ 8.,  9., 10., 11.]],\n\n"
                        + "        [[12., 13., 14., 15.],\n"
                        + "         [16., 17., 18., 19.],\n"
                        + "         [20., 21., 22., 23.]]]",
                values(Tensor.arange(DType.FLOAT64, 0, 24, 1).reshape(2, 3, 4)));
    }

    @Test
    void largeTensorsAreSummarisedWithTheirEnds() {
        assertEquals(
                "[0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n        1.999e+03]",
                values(Tensor.arange(DType.FLOAT32, 0, 2000, 1)));
        String m = values(Tensor.arange(DType.FLOAT64, 0, 1200, 1).reshape(40, 30));
        assertEquals(
                "[[0.000e+00, 1.000e+00, 2.000e+00, ..., 2.700e+01, 2.800e+01,\n"
                        + "         2.900e+01],\n"
                        + "        [3.000e+01, 3.100e+01, 3.200e+01, ..., 5.700e+01, 5.800e+01,\n"
                        + "         5.900e+01],\n"
                        + "        [6.000e+01, 6.100e+01, 6.200e+01, ..., 8.700e+01, 8.800e+01,\n"
                        + "         8.900e+01],\n"
                        + "        ...,\n"
                        + "        [1.110e+03, 1.111e+03, 1.112e+03, ..., 1.137e+03, 1.138e+03,\n"
                        + "         1.139e+03],\n"
                        + "        [1.140e+03, 1.141e+03, 1.142e+03, ..., 1.167e+03, 1.168e+03,\n"
                        + "         1.169e+03],\n"
                        + "        [1.170e+03, 1.171e+03, 1.172e+03, ..., 1.197e+03, 1.198e+03,\n"
                        + "         1.199e+03]]",
                m);
        // A large tensor's text stays short: a few lines whatever its size.
        String big = Tensor.zeros(DType.FLOAT32, 1000, 1000).toString();
        assertTrue(big.length() < 400, big.length() + " characters");
    }

    @Test
    void gradientStateIsShown() {
        Tensor x = Tensor.of(new double[] {1, 2}, 2).requiringGrad();
        assertEquals("tensor([2., 4.], float64[2], requiresGrad, op=scale)", x.mul(2.0).toString());
    }
}
