package org.implicitlayers.implicit.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The benchmark's problem family, solved with the default options: every sample satisfies its KKT conditions. */
class QpLayerFamilyTest {
    static void assertSolved(QpFamily f, double tol) {
        QpLayer.Result r = QpLayer.solve(f.q(), f.p(), f.g(), f.h(), f.a(), f.b(), QpLayer.Options.defaults());
        QpKkt[] kkt = QpKkt.of(f, r.z(), r.inequalityMultipliers(), r.equalityMultipliers());
        int bad = 0;
        double worst = 0;
        for (QpKkt k : kkt) {
            worst = Math.max(worst, k.worst());
            bad += k.worst() > tol ? 1 : 0;
        }
        assertTrue(bad == 0, bad + " of " + kkt.length + " samples with a relative KKT residual above " + tol + " (worst " + worst + ")");
    }

    @Test
    void benchmarkSizeWithEqualities() {
        assertSolved(QpFamily.random(0, 128, 40, 60, 10), 1e-9);
    }

    @Test
    void benchmarkSizeWithoutEqualities() {
        assertSolved(QpFamily.random(1, 128, 40, 60, 0), 1e-9);
    }
}
