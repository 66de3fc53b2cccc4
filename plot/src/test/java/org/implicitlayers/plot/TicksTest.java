package org.implicitlayers.plot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class TicksTest {
    @Test
    void labelsCarryTheDigitsTheirSpacingNeedsAndNoMore() {
        assertEquals("0", TickFormat.format(-1.1633356961871454E-16, 0.2));
        assertEquals("1.0", TickFormat.format(1.0000076293945312, 0.2));
        assertEquals("0.25", TickFormat.format(0.25, 0.25));
        assertEquals("1500", TickFormat.format(1500, 500));
        assertEquals("\u22120.004", TickFormat.format(-0.004, 0.001));
        assertEquals("2.5×10⁻⁵", TickFormat.format(2.5e-5, 5e-6));
        assertEquals("10⁶", TickFormat.format(1e6, 1e6));
    }

    @Test
    void compactValuesHaveThreeSignificantDigitsAtMost() {
        assertEquals("27", TickFormat.compact(27.0));
        assertEquals("0.0123", TickFormat.compact(0.012345));
        assertEquals("1.5×10⁻⁵", TickFormat.compact(1.5e-5));
        assertEquals("\u2212250", TickFormat.compact(-250.2));
    }

    @Test
    void aCommonPowerOfTenMovesIntoTheAxisLabel() {
        assertEquals(-4, TickFormat.commonExponent(-1.5e-4, 1.5e-4));
        assertEquals(0, TickFormat.commonExponent(-0.5, 2));
        assertEquals(" (×10⁻⁴)", TickFormat.unitSuffix(-4));
        assertEquals("\u22121.5", new TickFormat(5e-5, -4).format(-1.5e-4));
    }

    @Test
    void niceUnitsAreOneTwoTwoAndAHalfOrFiveTimesAPowerOfTen() {
        NiceTickUnits u = new NiceTickUnits();
        assertEquals(0.2, u.getCeilingTickUnit(0.13).getSize(), 1e-15);
        assertEquals(2.5, u.getCeilingTickUnit(2.1).getSize(), 1e-15);
        assertEquals(10, u.getCeilingTickUnit(6).getSize(), 1e-12);
        assertEquals(5e-5, u.getCeilingTickUnit(4.1e-5).getSize(), 1e-18);
    }

    @Test
    void logAxisTicks() {
        // Six decades: a labelled tick at each power of ten.
        List<double[]> wide = LogTicksAxis.ticks(1.5e-6, 2);
        assertArrayEquals(
                new double[] {1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1},
                wide.stream().filter(t -> t[1] > 0).mapToDouble(t -> t[0]).toArray(),
                1e-18);
        // Two decades: 1, 2, 5 times powers of ten.
        List<double[]> mid = LogTicksAxis.ticks(0.003, 0.3);
        assertArrayEquals(
                new double[] {0.005, 0.01, 0.02, 0.05, 0.1, 0.2},
                mid.stream().filter(t -> t[1] > 0).mapToDouble(t -> t[0]).toArray(),
                1e-15);
        // Within a decade (0.5 to 0.82): 0.5, 0.6, 0.7, 0.8; within a few percent, evenly spaced
        // values.
        assertArrayEquals(
                new double[] {0.5, 0.6, 0.7, 0.8},
                LogTicksAxis.ticks(0.5, 0.82).stream().mapToDouble(t -> t[0]).toArray(),
                1e-15);
        long labelled = LogTicksAxis.ticks(0.51, 0.58).stream().filter(t -> t[1] > 0).count();
        assertTrue(labelled >= 3 && labelled <= 8, "labelled " + labelled);
    }

    @Test
    void decimationKeepsEachBinsExtremes() {
        int n = 100_000;
        double[] x = new double[n], y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = Math.sin(i * 0.001) + (i == 77_777 ? 5 : 0) + (i == 12_345 ? -5 : 0);
        }
        double[][] d = Decimation.minMax(x, y, 500);
        assertTrue(d[0].length <= 1000);
        double max = Double.NEGATIVE_INFINITY, min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < d[1].length; i++) {
            max = Math.max(max, d[1][i]);
            min = Math.min(min, d[1][i]);
            assertTrue(i == 0 || d[0][i] > d[0][i - 1], "order kept");
        }
        assertEquals(y[77_777], max, 0);
        assertEquals(y[12_345], min, 0);
    }
}
