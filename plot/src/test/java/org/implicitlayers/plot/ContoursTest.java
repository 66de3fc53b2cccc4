package org.implicitlayers.plot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContoursTest {
    @Test
    void outlineOfADiskLiesOnItsCircle() {
        List<double[]> s = Contours.outline((x, y) -> x * x + y * y < 1, -1.1, 1.1, -1.1, 1.1, 60);
        assertFalse(s.isEmpty());
        double length = 0;
        for (double[] seg : s) {
            assertEquals(1, Math.hypot(seg[0], seg[1]), 1e-5);
            assertEquals(1, Math.hypot(seg[2], seg[3]), 1e-5);
            length += Math.hypot(seg[2] - seg[0], seg[3] - seg[1]);
        }
        // Chords of a circle: slightly shorter than 2 pi, closer as the grid refines.
        assertEquals(2 * Math.PI, length, 2e-3);
    }

    @Test
    void outlineOfTheLShapeHasItsReentrantCorner() {
        // [-1, 1]^2 without the quadrant x > 0, y < 0.
        List<double[]> s =
                Contours.outline(
                        (x, y) -> Math.abs(x) < 1 && Math.abs(y) < 1 && !(x > 0 && y < 0),
                        -1.1,
                        1.1,
                        -1.1,
                        1.1,
                        45);
        double length = 0;
        for (double[] seg : s) {
            length += Math.hypot(seg[2] - seg[0], seg[3] - seg[1]);
        }
        // Perimeter 8; within a cell each of the 6 corners becomes a chord, shorter by at most (2 -
        // sqrt 2) h.
        double h = 2.2 / 44;
        assertTrue(
                length <= 8 + 1e-9 && length >= 8 - 6 * (2 - Math.sqrt(2)) * h, "length " + length);
    }

    @Test
    void levelSetOfAGridFieldIsTheCircleOfThatRadius() {
        Grid2 g = Grid2.sample(-1, 1, 101, -1, 1, 101, (x, y) -> x * x + y * y);
        List<double[]> s = Contours.of(g, 0.25);
        assertFalse(s.isEmpty());
        for (double[] seg : s) {
            // Linear interpolation of r^2 along an edge of length h = 0.02: error below h^2.
            assertEquals(0.5, Math.hypot(seg[0], seg[1]), 4e-4);
        }
    }

    @Test
    void cellsWithUndefinedCornersAreSkipped() {
        Grid2 g = Grid2.sample(-1, 1, 41, -1, 1, 41, (x, y) -> x > 0 ? Double.NaN : x * x + y * y);
        for (double[] seg : Contours.of(g, 0.25)) {
            assertTrue(seg[0] <= 0 && seg[2] <= 0);
        }
    }
}
