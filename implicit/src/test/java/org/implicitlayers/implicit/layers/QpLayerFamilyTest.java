package org.implicitlayers.implicit.layers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The benchmark's problem family, solved with the default options: every sample satisfies its KKT
 * conditions.
 */
class QpLayerFamilyTest {
    static void assertSolved(QpFamily f, double tol) {
        QpLayer.Result r =
                QpLayer.solve(f.q(), f.p(), f.g(), f.h(), f.a(), f.b(), QpLayer.Options.defaults());
        QpKkt[] kkt = QpKkt.of(f, r.z(), r.inequalityMultipliers(), r.equalityMultipliers());
        int bad = 0;
        double worst = 0;
        for (QpKkt k : kkt) {
            worst = Math.max(worst, k.worst());
            bad += k.worst() > tol ? 1 : 0;
        }
        assertTrue(
                bad == 0,
                bad
                        + " of "
                        + kkt.length
                        + " samples with a relative KKT residual above "
                        + tol
                        + " (worst "
                        + worst
                        + ")");
    }

    @Test
    void benchmarkSizeWithEqualities() {
        assertSolved(QpFamily.random(0, 128, 40, 60, 10), 1e-9);
    }

    /** The Vector API kernels (when enabled) and the plain loops give the same solutions. */
    @Test
    void vectorAndScalarKernelsAgree() {
        QpFamily f = QpFamily.random(5, 8, 37, 50, 7);
        double[] q = f.q().toDoubleArray(),
                p = f.p().toDoubleArray(),
                g = f.g().toDoubleArray(),
                h = f.h().toDoubleArray();
        double[] a = f.a().toDoubleArray(), b = f.b().toDoubleArray();
        for (int s = 0; s < f.batch(); s++) {
            QpInteriorPoint[] both = {
                new QpInteriorPoint(37, 50, 7, QpKernels.DEFAULT),
                new QpInteriorPoint(37, 50, 7, new QpKernels.Scalar())
            };
            for (QpInteriorPoint ipm : both) {
                ipm.setProblem(q, 0, p, s * 37, g, 0, h, s * 50, a, 0, b, s * 7);
                ipm.solve(1e-10, 50);
                org.junit.jupiter.api.Assertions.assertEquals(
                        QpInteriorPoint.Status.SOLVED, ipm.status);
            }
            org.junit.jupiter.api.Assertions.assertArrayEquals(both[1].z, both[0].z, 1e-8);
        }
    }

    @Test
    void benchmarkSizeWithoutEqualities() {
        assertSolved(QpFamily.random(1, 128, 40, 60, 0), 1e-9);
    }
}
