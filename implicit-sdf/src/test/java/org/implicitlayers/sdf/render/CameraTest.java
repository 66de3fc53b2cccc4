package org.implicitlayers.sdf.render;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class CameraTest {
    @Test
    void orbitPutsTheEyeAboveTheChosenUpAxisAndTurnsAboutIt() {
        // y up: azimuth 0 looks from +z, azimuth 90 from +x, elevation 90 from straight above (+y).
        assertArrayEquals(new double[] {0, 0, 3}, Camera.orbit(0, 0, 3, 8, 8, 1).eye(), 1e-12);
        assertArrayEquals(new double[] {3, 0, 0}, Camera.orbit(90, 0, 3, 8, 8, 1).eye(), 1e-12);
        assertArrayEquals(new double[] {0, 3, 0}, Camera.orbit(0, 90, 3, 8, 8, 1).eye(), 1e-12);
        assertArrayEquals(new double[] {0, 1, 0}, Camera.orbit(10, 20, 3, 8, 8, 1).up());
        // z up is the three-argument default: azimuth 0 from +x, 90 from +y.
        assertArrayEquals(
                Camera.orbit(90, 30, 2, 8, 8, 2).eye(), Camera.orbit(90, 30, 2, 8, 8).eye());
        assertArrayEquals(new double[] {0, 2, 0}, Camera.orbit(90, 0, 2, 8, 8).eye(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Camera.orbit(0, 0, 1, 8, 8, 3));
    }

    @Test
    void theCentreRayLooksAtTheTargetAndTheTopRowLeansUp() {
        Camera c = Camera.orbit(0, 0, 3, 3, 3, 1); // from +z, y up
        double[] d = c.directions();
        assertArrayEquals(
                new double[] {0, 0, -1}, new double[] {d[12], d[13], d[14]}, 1e-12); // pixel (1, 1)
        assertEquals(
                1,
                Math.signum(d[4])); // pixel (1, 0), the top row: its ray has a positive y component
    }
}
