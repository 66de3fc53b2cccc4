package org.implicitlayers.implicit.ot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.GradCheck;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.linear.Dense;
import org.junit.jupiter.api.Test;

/**
 * Sinkhorn against independent truth: marginals of the plan, the envelope theorem (d OT / d C = P,
 * d OT / d eps = KL(P | a b^T)), the exact 1-D transport cost as eps -&gt; 0, float64 central
 * finite differences on random instances, implicit against converged unrolled gradients, and the
 * size of the tape in both modes.
 */
class SinkhornTest {
    static final Sinkhorn.Options TIGHT =
            Sinkhorn.Options.defaults()
                    .withTol(1e-13)
                    .withMaxIter(20000)
                    .withPolicy(NonConvergence.RAISE);

    static Tensor points(Rng rng, int n, int d) {
        return Tensor.randn(rng, DType.FLOAT64, n, d);
    }

    /** Positive weights summing to 1, not uniform. */
    static Tensor weights(Rng rng, int n) {
        return Tensor.randn(rng, DType.FLOAT64, n).mul(0.5).softmax(0);
    }

    @Test
    void planHasTheGivenMarginals() {
        Rng rng = Rng.seeded(3);
        Tensor x = points(rng, 7, 2),
                y = points(rng, 5, 2),
                a = weights(rng, 7),
                b = weights(rng, 5);
        Sinkhorn.Result r =
                Sinkhorn.solve(Sinkhorn.squaredEuclidean(x, y), a, b, TIGHT.withEpsilon(0.1));
        assertTrue(r.forward().converged());
        Tensor p = r.plan();
        assertArrayClose(a.toDoubleArray(), p.sum(1).toDoubleArray(), 1e-12);
        assertArrayClose(b.toDoubleArray(), p.sum(0).toDoubleArray(), 1e-12);
        // The regularised cost equals the primal objective <C, P> + eps KL(P | a b^T) at the
        // optimum.
        double[] pv = p.toDoubleArray(),
                cv = Sinkhorn.squaredEuclidean(x, y).toDoubleArray(),
                av = a.toDoubleArray(),
                bv = b.toDoubleArray();
        double primal = 0;
        for (int i = 0; i < 7; i++) {
            for (int j = 0; j < 5; j++) {
                double q = pv[i * 5 + j];
                primal +=
                        q * cv[i * 5 + j]
                                + 0.1 * (q * Math.log(q / (av[i] * bv[j])) - q + av[i] * bv[j]);
            }
        }
        assertEquals(primal, r.cost().item(), 1e-11);
    }

    @Test
    void gradientOfTheCostWithRespectToTheCostMatrixIsThePlan() {
        Rng rng = Rng.seeded(4);
        Tensor c = Sinkhorn.squaredEuclidean(points(rng, 6, 3), points(rng, 8, 3)).requiringGrad();
        Tensor a = weights(rng, 6), b = weights(rng, 8);
        for (GradientMode mode :
                new GradientMode[] {GradientMode.implicit(), GradientMode.unrolled()}) {
            Sinkhorn.Result r = Sinkhorn.solve(c, a, b, TIGHT.withEpsilon(0.2).withGradient(mode));
            double[] plan = r.plan().detach().toDoubleArray();
            Tensor grad = Grad.of(r.cost(), c, false);
            assertArrayClose(plan, grad.toDoubleArray(), 1e-10);
        }
    }

    @Test
    void gradientWithRespectToEpsilonIsTheKullbackLeiblerDivergenceOfThePlan() {
        Rng rng = Rng.seeded(5);
        Tensor c = Sinkhorn.squaredEuclidean(points(rng, 5, 2), points(rng, 6, 2));
        Tensor a = weights(rng, 5), b = weights(rng, 6);
        Tensor eps = Tensor.scalar(DType.FLOAT64, 0.3).requiringGrad();
        Sinkhorn.Result r = Sinkhorn.solve(c, a, b, eps, TIGHT);
        double[] p = r.plan().detach().toDoubleArray(),
                av = a.toDoubleArray(),
                bv = b.toDoubleArray();
        double kl = 0;
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 6; j++) {
                double q = p[i * 6 + j];
                kl += q * Math.log(q / (av[i] * bv[j])) - q + av[i] * bv[j];
            }
        }
        assertEquals(kl, Grad.of(r.cost(), eps, false).item(), 1e-10);
    }

    @Test
    void smallEpsilonGivesTheExactOneDimensionalTransportCost() {
        // In 1-D with uniform weights and equal sizes, the optimal plan pairs the sorted points:
        // W_2^2 = (1/n) sum_k (x_(k) - y_(k))^2.
        double[] x = {0.3, -1.2, 2.5, 0.9, -0.4, 1.7}, y = {1.1, -2.0, 0.2, 3.1, -0.7, 2.2};
        double[] xs = x.clone(), ys = y.clone();
        Arrays.sort(xs);
        Arrays.sort(ys);
        double w2 = 0;
        for (int k = 0; k < 6; k++) {
            w2 += (xs[k] - ys[k]) * (xs[k] - ys[k]) / 6;
        }
        Tensor c = Sinkhorn.squaredEuclidean(Tensor.of(x, 6, 1), Tensor.of(y, 6, 1));
        Tensor u = Sinkhorn.uniform(DType.FLOAT64, 6);
        for (double eps : new double[] {1e-2, 1e-3, 1e-4}) {
            Sinkhorn.Result r =
                    Sinkhorn.solve(
                            c,
                            u,
                            u,
                            TIGHT.withEpsilon(eps)
                                    .withTol(1e-10)
                                    .withScaling(EpsilonScaling.geometric(0.5)));
            assertTrue(r.forward().converged(), "eps " + eps);
            assertEquals(w2, r.transportCost().item(), 1e-8, "eps " + eps);
            // OT_eps = <C, P> + eps KL with 0 <= KL <= log n.
            assertTrue(
                    r.cost().item() >= w2 - 1e-9
                            && r.cost().item() <= w2 + eps * Math.log(6) + 1e-9,
                    "eps " + eps);
        }
    }

    /**
     * Positions, weight logits and epsilon of a random instance against central differences; both
     * gradient modes.
     */
    @Property(tries = 12)
    void gradientsMatchCentralFiniteDifferences(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 1, max = 6) int n,
            @ForAll @IntRange(min = 1, max = 6) int m,
            @ForAll boolean implicit) {
        Rng rng = Rng.seeded(seed);
        Tensor x = points(rng, n, 2), y = points(rng, m, 2);
        Tensor la = Tensor.randn(rng, DType.FLOAT64, n).mul(0.5),
                lb = Tensor.randn(rng, DType.FLOAT64, m).mul(0.5);
        Tensor eps = Tensor.scalar(DType.FLOAT64, 0.5 + rng.nextDouble());
        Tensor w = Tensor.randn(rng, DType.FLOAT64, n, m);
        Sinkhorn.Options o =
                TIGHT.withGradient(implicit ? GradientMode.implicit() : GradientMode.unrolled());
        // A loss that reads the cost, both potentials and the plan, so every output's gradient is
        // checked.
        GradCheck.check(
                p -> {
                    Sinkhorn.Result r =
                            Sinkhorn.solve(
                                    Sinkhorn.squaredEuclidean(p[0], p[1]),
                                    p[2].softmax(0),
                                    p[3].softmax(0),
                                    p[4],
                                    o);
                    return r.cost()
                            .add(r.plan().mul(w).sum())
                            .add(r.f().square().sum().mul(0.1))
                            .add(r.g().sin().sum().mul(0.1));
                },
                GradCheck.Options.defaults().withTolerances(1e-7, 1e-5),
                x,
                y,
                la,
                lb,
                eps);
    }

    @Test
    void implicitGradientEqualsTheConvergedUnrolledGradient() {
        Rng rng = Rng.seeded(6);
        Tensor x = points(rng, 20, 2).requiringGrad(), y = points(rng, 25, 2);
        Tensor a = weights(rng, 20),
                b = weights(rng, 25),
                w = Tensor.randn(rng, DType.FLOAT64, 20, 25);
        double[][] grads = new double[2][];
        int k = 0;
        for (GradientMode mode :
                new GradientMode[] {GradientMode.implicit(), GradientMode.unrolled()}) {
            Sinkhorn.Result r =
                    Sinkhorn.solve(
                            Sinkhorn.squaredEuclidean(x, y),
                            a,
                            b,
                            TIGHT.withEpsilon(0.05)
                                    .withGradient(mode)
                                    .withScaling(EpsilonScaling.geometric(0.7)));
            grads[k++] = Grad.of(r.plan().mul(w).sum(), x, false).toDoubleArray();
        }
        assertTrue(
                relErr(grads[0], grads[1]) < 1e-8, "relative error " + relErr(grads[0], grads[1]));
    }

    @Test
    void implicitGradientWithAnExactLinearSolveMatchesGmres() {
        Rng rng = Rng.seeded(7);
        Tensor x = points(rng, 9, 2).requiringGrad(), y = points(rng, 11, 2);
        Tensor a = weights(rng, 9), b = weights(rng, 11);
        double[] gmres =
                Grad.of(
                                Sinkhorn.solve(
                                                Sinkhorn.squaredEuclidean(x, y),
                                                a,
                                                b,
                                                TIGHT.withEpsilon(0.1))
                                        .f()
                                        .square()
                                        .sum(),
                                x,
                                false)
                        .toDoubleArray();
        double[] lu =
                Grad.of(
                                Sinkhorn.solve(
                                                Sinkhorn.squaredEuclidean(x, y),
                                                a,
                                                b,
                                                TIGHT.withEpsilon(0.1)
                                                        .withGradient(
                                                                new GradientMode.Implicit(
                                                                        Dense.lu())))
                                        .f()
                                        .square()
                                        .sum(),
                                x,
                                false)
                        .toDoubleArray();
        assertTrue(relErr(gmres, lu) < 1e-9, "relative error " + relErr(gmres, lu));
    }

    @Test
    void implicitTapeDoesNotGrowWithTheIterationCountAndUnrolledDoes() {
        Rng rng = Rng.seeded(8);
        Tensor x = points(rng, 12, 2).requiringGrad(), y = points(rng, 10, 2);
        Tensor a = Sinkhorn.uniform(DType.FLOAT64, 12), b = Sinkhorn.uniform(DType.FLOAT64, 10);
        long[][] bytes = new long[2][2];
        int[] iters = {20, 80};
        for (int mode = 0; mode < 2; mode++) {
            for (int k = 0; k < 2; k++) {
                // tol 0: exactly iters[k] sweeps.
                Sinkhorn.Options o =
                        Sinkhorn.Options.defaults()
                                .withEpsilon(0.01)
                                .withTol(0)
                                .withMaxIter(iters[k])
                                .withPolicy(NonConvergence.RETURN_LAST)
                                .withGradient(
                                        mode == 0
                                                ? GradientMode.implicit()
                                                : GradientMode.unrolled());
                Sinkhorn.Result r = Sinkhorn.solve(Sinkhorn.squaredEuclidean(x, y), a, b, o);
                assertEquals(iters[k], r.sweeps());
                bytes[mode][k] = Grad.tapeStats(r.cost()).bytes();
            }
        }
        assertEquals(bytes[0][0], bytes[0][1], "implicit tape bytes");
        // Each sweep records at least the two [12, 10] exponentials of its log-sum-exps.
        assertTrue(
                bytes[1][1] - bytes[1][0] >= 60L * 2 * 12 * 10 * 8,
                "unrolled tape bytes " + Arrays.toString(bytes[1]));
        assertTrue(
                bytes[0][0] < bytes[1][0],
                "implicit " + bytes[0][0] + " vs unrolled " + bytes[1][0]);
    }

    @Test
    void selfTransportAgreesWithTheGeneralSolverInValueAndGradient() {
        Rng rng = Rng.seeded(10);
        Tensor x = points(rng, 9, 2).requiringGrad(), a = weights(rng, 9);
        Sinkhorn.Options o = TIGHT.withEpsilon(0.3).withTol(1e-12);
        Sinkhorn.Result sym = Sinkhorn.selfTransport(Sinkhorn.squaredEuclidean(x, x), a, o);
        Sinkhorn.Result gen = Sinkhorn.solve(Sinkhorn.squaredEuclidean(x, x), a, a, o);
        assertEquals(gen.cost().item(), sym.cost().item(), 1e-11);
        assertTrue(
                sym.sweeps() < gen.sweeps(),
                "symmetric " + sym.sweeps() + " vs alternating " + gen.sweeps() + " sweeps");
        double[] gs = Grad.of(sym.cost(), x, false).toDoubleArray(),
                gg = Grad.of(gen.cost(), x, false).toDoubleArray();
        assertTrue(relErr(gs, gg) < 1e-9, "relative error " + relErr(gs, gg));
    }

    @Property(tries = 8)
    void selfTransportGradientsMatchCentralFiniteDifferences(
            @ForAll @LongRange(min = 0, max = 1_000_000) long seed,
            @ForAll @IntRange(min = 1, max = 6) int n,
            @ForAll boolean implicit) {
        Rng rng = Rng.seeded(seed);
        Tensor x = points(rng, n, 2), la = Tensor.randn(rng, DType.FLOAT64, n).mul(0.5);
        Tensor eps = Tensor.scalar(DType.FLOAT64, 0.3 + rng.nextDouble());
        Sinkhorn.Options o =
                TIGHT.withTol(1e-12)
                        .withGradient(implicit ? GradientMode.implicit() : GradientMode.unrolled());
        GradCheck.check(
                p -> {
                    Sinkhorn.Result r =
                            Sinkhorn.selfTransport(
                                    Sinkhorn.squaredEuclidean(p[0], p[0]),
                                    p[1].softmax(0),
                                    p[2],
                                    o);
                    return r.cost().add(r.f().square().sum().mul(0.1));
                },
                GradCheck.Options.defaults().withTolerances(1e-7, 1e-5),
                x,
                la,
                eps);
    }

    @Test
    void divergenceIsZeroForEqualMeasuresAndPositiveOtherwise() {
        Rng rng = Rng.seeded(9);
        Tensor x = points(rng, 8, 2), a = weights(rng, 8);
        // The alternating solve of OT(x, x) converges slowly (its plan is nearly diagonal): a
        // moderate tolerance.
        Sinkhorn.Options o = TIGHT.withEpsilon(1.0).withTol(1e-9);
        assertEquals(0, Sinkhorn.divergence(x, a, x, a, o).item(), 1e-8);
        Tensor y = points(rng, 9, 2), b = weights(rng, 9);
        assertTrue(Sinkhorn.divergence(x, a, y, b, o).item() > 1e-3);
    }

    @Test
    void badInputsAreRefusedNamingWhatIsWrong() {
        Tensor c = Tensor.ones(DType.FLOAT64, 2, 3),
                a = Sinkhorn.uniform(DType.FLOAT64, 2),
                b = Sinkhorn.uniform(DType.FLOAT64, 3);
        assertMessage("epsilon", () -> Sinkhorn.Options.defaults().withEpsilon(0));
        assertMessage(
                "epsilon",
                () ->
                        Sinkhorn.solve(
                                c,
                                a,
                                b,
                                Tensor.scalar(DType.FLOAT64, -1),
                                Sinkhorn.Options.defaults()));
        assertMessage(
                "weights b must be [3]",
                () -> Sinkhorn.solve(c, a, a, Sinkhorn.Options.defaults()));
        assertMessage(
                "sum to",
                () ->
                        Sinkhorn.solve(
                                c, a, Tensor.ones(DType.FLOAT64, 3), Sinkhorn.Options.defaults()));
        assertMessage(
                "non-empty",
                () ->
                        Sinkhorn.solve(
                                Tensor.zeros(DType.FLOAT64, 0, 3),
                                Tensor.zeros(DType.FLOAT64, 0),
                                b,
                                Sinkhorn.Options.defaults()));
        assertMessage("factor", () -> EpsilonScaling.geometric(1.0));
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable e) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(part), ex.getMessage());
    }

    static double relErr(double[] a, double[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            num += (a[i] - b[i]) * (a[i] - b[i]);
            den += b[i] * b[i];
        }
        return Math.sqrt(num / Math.max(den, 1e-300));
    }

    static void assertArrayClose(double[] expected, double[] actual, double tol) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], tol, "element " + i);
        }
    }
}
