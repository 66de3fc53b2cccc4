package org.implicitlayers.implicit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.NotConvergedException;
import org.junit.jupiter.api.Test;

/**
 * Problems the layer cannot solve are reported, by default with an exception that names the sample,
 * never passed on silently.
 */
class QpLayerFailureTest {
    static final QpLayer.Options QUIET =
            QpLayer.Options.defaults().withPolicy(NonConvergence.RETURN_LAST);

    /**
     * Three samples of min 1/2 |z|^2 + p'z s.t. z1 &lt;= h1, -z1 &lt;= h2 (shared G); sample 1 asks
     * for z1 &lt;= -1 and z1 &gt;= 1.
     */
    static Tensor[] oneInfeasible() {
        Tensor q = Tensor.of(new double[] {1, 0, 0, 1}, 2, 2);
        Tensor p = Tensor.of(new double[] {1, -1, 0.5, 0.5, -2, 0}, 3, 2);
        Tensor g = Tensor.of(new double[] {1, 0, -1, 0}, 2, 2);
        Tensor h = Tensor.of(new double[] {1, 1, -1, -1, 2, 0}, 3, 2);
        return new Tensor[] {q, p, g, h};
    }

    @Test
    void anInfeasibleSampleRaisesByDefaultNamingItsIndex() {
        Tensor[] t = oneInfeasible();
        QpLayer.NotSolvedException e =
                assertThrows(
                        QpLayer.NotSolvedException.class,
                        () ->
                                QpLayer.solve(
                                        t[0],
                                        t[1],
                                        t[2],
                                        t[3],
                                        null,
                                        null,
                                        QpLayer.Options.defaults()));
        assertEquals(1, e.sample());
        assertEquals(QpLayer.Status.PRIMAL_INFEASIBLE, e.report().status());
        assertTrue(
                e.getMessage().contains("sample 1 of 3") && e.getMessage().contains("infeasible"),
                e.getMessage());
        assertTrue(
                e instanceof NotConvergedException,
                "callers catching NotConvergedException see it too");
    }

    @Test
    void anInfeasibleSampleCarriesAFarkasCertificateAndTheOthersAreSolved() {
        Tensor[] t = oneInfeasible();
        QpLayer.Result r = QpLayer.solve(t[0], t[1], t[2], t[3], null, null, QUIET);
        assertEquals(1, r.failed());
        assertEquals(QpLayer.Status.SOLVED, r.reports().get(0).status());
        assertEquals(QpLayer.Status.SOLVED, r.reports().get(2).status());
        QpLayer.Report bad = r.reports().get(1);
        assertEquals(QpLayer.Status.PRIMAL_INFEASIBLE, bad.status());
        double[] y = bad.certificate();
        // lambda >= 0, G'lambda = (y0 - y1, 0) ~ 0 and h'lambda = -y0 - y1 < 0.
        assertTrue(y[0] >= 0 && y[1] >= 0);
        double hl = -y[0] - y[1];
        assertTrue(hl < 0);
        assertTrue(
                Math.abs(y[0] - y[1]) <= 1e-6 * -hl,
                "G'lambda " + (y[0] - y[1]) + " vs h'lambda " + hl);
        assertNull(r.reports().get(0).certificate());
    }

    @Test
    void inconsistentEqualitiesAndBoundsAreInfeasible() {
        // z1 + z2 = 5 with z1 <= 1, z2 <= 1.
        Tensor q = Tensor.of(new double[] {1, 0, 0, 1}, 2, 2),
                p = Tensor.of(new double[] {0, 0}, 1, 2);
        Tensor g = Tensor.of(new double[] {1, 0, 0, 1}, 2, 2),
                h = Tensor.of(new double[] {1, 1}, 1, 2);
        Tensor a = Tensor.of(new double[] {1, 1}, 1, 2), b = Tensor.of(new double[] {5}, 1, 1);
        QpLayer.Report rep = QpLayer.solve(q, p, g, h, a, b, QUIET).reports().get(0);
        assertEquals(QpLayer.Status.PRIMAL_INFEASIBLE, rep.status());
        double[] y = rep.certificate();
        double hl = y[0] + y[1] + 5 * y[2];
        assertTrue(y[0] >= 0 && y[1] >= 0 && hl < 0, java.util.Arrays.toString(y));
        assertTrue(
                Math.max(Math.abs(y[0] + y[2]), Math.abs(y[1] + y[2])) <= 1e-6 * -hl,
                java.util.Arrays.toString(y));
    }

    @Test
    void anUnboundedSampleCarriesARayOfDescent() {
        // min 1/2 z1^2 + p'z s.t. z >= 0 with Q = diag(1, 0): p2 = -1 runs off along z2, p2 = +1 is
        // solved at z2 = 0.
        Tensor q = Tensor.of(new double[] {1, 0, 0, 0}, 2, 2);
        Tensor p = Tensor.of(new double[] {-1, 1, 0.5, -1}, 2, 2);
        Tensor g = Tensor.of(new double[] {-1, 0, 0, -1}, 2, 2),
                h = Tensor.zeros(org.implicitlayers.core.DType.FLOAT64, 2, 2);
        QpLayer.NotSolvedException e =
                assertThrows(
                        QpLayer.NotSolvedException.class,
                        () -> QpLayer.solve(q, p, g, h, null, null, QpLayer.Options.defaults()));
        assertEquals(1, e.sample());
        assertTrue(e.getMessage().contains("unbounded"), e.getMessage());
        QpLayer.Result r = QpLayer.solve(q, p, g, h, null, null, QUIET);
        assertEquals(QpLayer.Status.SOLVED, r.reports().get(0).status());
        assertEquals(1.0, r.z().toDoubleArray()[0], 1e-9);
        double[] d = r.reports().get(1).certificate();
        assertEquals(QpLayer.Status.DUAL_INFEASIBLE, r.reports().get(1).status());
        double pd = 0.5 * d[0] - d[1];
        double dMax = Math.max(Math.abs(d[0]), Math.abs(d[1]));
        // Qd = (d1, 0) ~ 0, Gd = -d <= ~0, p'd < 0: relative to the length of the ray.
        assertTrue(
                pd < -0.5 * dMax && Math.abs(d[0]) <= 1e-6 * dMax && d[1] > 0,
                java.util.Arrays.toString(d));
    }

    @Test
    void anIterationLimitRaisesWithResidualsAndIterationsOrWarnsWhenAsked() {
        QpFamily f = QpFamily.random(3, 4, 10, 15, 2);
        QpLayer.Options two = QpLayer.Options.defaults().withMaxIter(2);
        QpLayer.NotSolvedException e =
                assertThrows(
                        QpLayer.NotSolvedException.class,
                        () -> QpLayer.solve(f.q(), f.p(), f.g(), f.h(), f.a(), f.b(), two));
        assertEquals(0, e.sample());
        assertTrue(
                e.getMessage()
                        .matches(
                                "(?s)QpLayer: sample 0 of 4 did not converge: primal residual .*, dual residual .*, gap .* after 2 iterations.*"),
                e.getMessage());
        QpLayer.Result r =
                QpLayer.solve(
                        f.q(),
                        f.p(),
                        f.g(),
                        f.h(),
                        f.a(),
                        f.b(),
                        two.withPolicy(NonConvergence.WARN));
        assertEquals(4, r.failed());
        assertEquals(QpLayer.Status.NOT_CONVERGED, r.reports().get(2).status());
        assertEquals(2, r.iterations());
    }

    @Test
    void badShapesAreNamed() {
        QpFamily f = QpFamily.random(3, 2, 4, 3, 0);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                QpLayer.solve(
                                        f.q(),
                                        f.p(),
                                        f.g(),
                                        f.p(),
                                        null,
                                        null,
                                        QpLayer.Options.defaults()));
        assertTrue(e.getMessage().contains("h must have shape [2, 3]"), e.getMessage());
        e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                QpLayer.solve(
                                        f.q(),
                                        f.p(),
                                        f.g(),
                                        null,
                                        null,
                                        null,
                                        QpLayer.Options.defaults()));
        assertTrue(e.getMessage().contains("G and h"), e.getMessage());
    }
}
