package org.implicitlayers.implicit.layers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.RealVector;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The QP layer on random problems of the benchmark's family (strictly feasible, Q positive
 * definite): KKT conditions checked from the returned point alone, small problems against an
 * exhaustive active-set enumeration, gradients against float64 central differences.
 */
class QpLayerProperties {
    static final double KKT_TOL = 1e-9;

    static QpLayer.Result solve(QpFamily f) {
        return QpLayer.solve(f.q(), f.p(), f.g(), f.h(), f.a(), f.b(), QpLayer.Options.defaults());
    }

    static void assertKkt(QpFamily f, QpLayer.Result r) {
        QpKkt[] kkt = QpKkt.of(f, r.z(), r.inequalityMultipliers(), r.equalityMultipliers());
        for (int s = 0; s < kkt.length; s++) {
            assertEquals(QpLayer.Status.SOLVED, r.reports().get(s).status(), "sample " + s);
            assertTrue(kkt[s].worst() <= KKT_TOL, "sample " + s + ": " + kkt[s]);
            assertTrue(
                    r.reports().get(s).residual() <= QpLayer.Options.defaults().tol(),
                    "sample " + s + ": " + r.reports().get(s));
        }
    }

    @Property(tries = 40)
    void everySampleOfTheFamilySatisfiesItsKktConditions(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int batch,
            @ForAll @IntRange(min = 1, max = 40) int n,
            @ForAll @IntRange(min = 0, max = 80) int m,
            @ForAll @IntRange(min = 0, max = 10) int pe) {
        Assume.that(pe < n);
        QpFamily f = QpFamily.random(seed, batch, n, m, pe);
        assertKkt(f, solve(f));
    }

    @Test
    void largestSizeOfTheFamilyConverges() {
        QpFamily f = QpFamily.random(7, 3, 200, 400, 20);
        QpLayer.Result r = solve(f);
        assertKkt(f, r);
        assertTrue(r.iterations() <= 30, "iterations " + r.iterations());
    }

    @Test
    void otherSeedsOfTheBenchmarkSizeConverge() {
        for (long seed = 10; seed < 13; seed++) {
            QpFamily f = QpFamily.random(seed, 128, 40, 60, seed % 2 == 0 ? 10 : 0);
            assertKkt(f, solve(f));
        }
    }

    /**
     * Tiny problems: the layer's z equals the best feasible point among the KKT points of every
     * active set.
     */
    @Property(tries = 60)
    void tinyProblemsMatchExhaustiveActiveSetEnumeration(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 4) int n,
            @ForAll @IntRange(min = 1, max = 7) int m,
            @ForAll @IntRange(min = 0, max = 2) int pe) {
        Assume.that(pe < n);
        QpFamily f = QpFamily.random(seed, 2, n, m, pe);
        QpLayer.Result r = solve(f);
        double[] z = r.z().toDoubleArray();
        QpKkt[] kkt = QpKkt.of(f, r.z(), r.inequalityMultipliers(), r.equalityMultipliers());
        double[] q = f.q().toDoubleArray(), p = f.p().toDoubleArray();
        for (int s = 0; s < 2; s++) {
            double[] exact = enumerate(f, s);
            double obj = 0;
            for (int i = 0; i < n; i++) {
                obj += exact[i] * (0.5 * QpFamily.dot(q, i * n, exact, 0, n) + p[s * n + i]);
            }
            // The objective agrees to the tolerance; the point to its square root where the problem
            // is nearly degenerate.
            assertEquals(
                    obj,
                    kkt[s].objective(),
                    1e-9 * (1 + Math.abs(obj)),
                    "sample " + s + " objective");
            for (int i = 0; i < n; i++) {
                assertEquals(
                        exact[i],
                        z[s * n + i],
                        1e-6 * (1 + Math.abs(exact[i])),
                        "sample " + s + " z[" + i + "]");
            }
        }
    }

    /**
     * The minimiser of a strictly convex QP by trying every set of active inequalities (2^m
     * equality-constrained solves).
     */
    static double[] enumerate(QpFamily f, int s) {
        int n = f.n(), m = f.m(), pe = f.pe();
        double[] q = f.q().toDoubleArray(),
                p = f.p().toDoubleArray(),
                g = f.g().toDoubleArray(),
                h = f.h().toDoubleArray();
        double[] a = pe == 0 ? new double[0] : f.a().toDoubleArray(),
                b = pe == 0 ? new double[0] : f.b().toDoubleArray();
        double best = Double.POSITIVE_INFINITY;
        double[] arg = null;
        for (int set = 0; set < 1 << m; set++) {
            int k = Integer.bitCount(set), dim = n + pe + k;
            if (pe + k > n) {
                continue;
            }
            double[][] kkt = new double[dim][dim];
            double[] rhs = new double[dim];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    kkt[i][j] = q[i * n + j];
                }
                rhs[i] = -p[s * n + i];
            }
            int row = n;
            for (int c = 0; c < pe; c++, row++) {
                for (int i = 0; i < n; i++) {
                    kkt[row][i] = kkt[i][row] = a[c * n + i];
                }
                rhs[row] = b[s * pe + c];
            }
            for (int c = 0; c < m; c++) {
                if ((set >> c & 1) == 1) {
                    for (int i = 0; i < n; i++) {
                        kkt[row][i] = kkt[i][row] = g[c * n + i];
                    }
                    rhs[row++] = h[s * m + c];
                }
            }
            LUDecomposition lu = new LUDecomposition(new Array2DRowRealMatrix(kkt, false), 1e-12);
            if (!lu.getSolver().isNonSingular()) {
                continue;
            }
            RealVector sol = lu.getSolver().solve(new ArrayRealVector(rhs, false));
            double[] z = sol.getSubVector(0, n).toArray();
            boolean feasible = true;
            for (int c = 0; c < m && feasible; c++) {
                feasible = QpFamily.dot(g, c * n, z, 0, n) <= h[s * m + c] + 1e-9;
            }
            if (!feasible) {
                continue;
            }
            double obj = 0;
            for (int i = 0; i < n; i++) {
                obj += z[i] * (0.5 * QpFamily.dot(q, i * n, z, 0, n) + p[s * n + i]);
            }
            if (obj < best) {
                best = obj;
                arg = z;
            }
        }
        return arg;
    }

    /**
     * Gradients of z and of both multipliers with respect to every input against central
     * differences; Q, G, A shared by the batch or per sample. Problems whose active set is nearly
     * degenerate (a constraint with both its slack and multiplier below 1e-3) are skipped: there
     * the solution is not differentiable within the difference step.
     */
    @Test
    void theSampleWhoseMultipliersDifferedFromTheirFiniteDifferencesBy3e6() {
        gradientsMatchFiniteDifferences(-1, 3, 6, 1, true, 1);
    }

    @Property(tries = 30)
    void gradientsMatchFiniteDifferences(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 5) int n,
            @ForAll @IntRange(min = 1, max = 6) int m,
            @ForAll @IntRange(min = 0, max = 2) int pe,
            @ForAll boolean perSample,
            @ForAll @IntRange(min = 0, max = 2) int output) {
        Assume.that(pe < n);
        QpFamily f = QpFamily.random(seed, 2, n, m, pe);
        if (perSample) {
            f =
                    new QpFamily(
                            Tensor.stack(0, f.q(), f.q()),
                            f.p(),
                            Tensor.stack(0, f.g(), f.g()),
                            f.h(),
                            pe == 0 ? null : Tensor.stack(0, f.a(), f.a()),
                            f.b());
        }
        QpLayer.Result r = solve(f);
        double[] lam = r.inequalityMultipliers().toDoubleArray(), z = r.z().toDoubleArray();
        double[] g = f.g().toDoubleArray(), h = f.h().toDoubleArray();
        for (int s = 0; s < 2; s++) {
            for (int c = 0; c < m; c++) {
                double slack =
                        h[s * m + c]
                                - QpFamily.dot(
                                        g, perSample ? s * m * n + c * n : c * n, z, s * n, n);
                Assume.that(Math.max(slack, lam[s * m + c]) > 1e-3);
            }
        }
        int out = pe == 0 ? Math.min(output, 1) : output;
        // Solved to 1e-12 and differenced with step 1e-5. The absolute tolerance is 1e-5, against
        // derivatives of order 0.1-10: in one sample (seed -1, n = 3, m = 6, pe = 1, per sample,
        // the multipliers, which reach 5.5 there) the differences of the solver's output read
        // -3.1e-6 where the implicit gradient is 0 (an inactive constraint), and Q's entries
        // differed by 1.5e-7 whatever the step from 3e-5 to 3e-6: the solver's own accuracy, not
        // a wrong formula, which would be off by far more.
        QpLayer.Options tight = QpLayer.Options.defaults().withTol(1e-12);
        java.util.function.Function<Tensor[], Tensor> fn =
                pe == 0
                        ? ps ->
                                pick(
                                        QpLayer.solve(
                                                ps[0], ps[1], ps[2], ps[3], null, null, tight),
                                        out)
                        : ps ->
                                pick(
                                        QpLayer.solve(
                                                ps[0], ps[1], ps[2], ps[3], ps[4], ps[5], tight),
                                        out);
        Tensor[] ins =
                pe == 0
                        ? new Tensor[] {f.q(), f.p(), f.g(), f.h()}
                        : new Tensor[] {f.q(), f.p(), f.g(), f.h(), f.a(), f.b()};
        GradCheck.check(fn, new GradCheck.Options(1e-5, 1e-5, 1e-5, seed), ins);
    }

    private static Tensor pick(QpLayer.Result r, int output) {
        switch (output) {
            case 0:
                return r.z();
            case 1:
                return r.inequalityMultipliers();
            default:
                return r.equalityMultipliers();
        }
    }
}
