package org.implicitlayers.implicit.bilevel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.DecompositionSolver;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.hipparchus.linear.RealVector;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Grad;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.core.nn.Mlp;
import org.implicitlayers.core.nn.Parameter;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.solve.NewtonKrylov;
import org.junit.jupiter.api.Test;

/**
 * Hypergradients against independent truth: the closed form of ridge regression (Hipparchus LU),
 * float64 central finite differences of the outer objective with tightly solved inner problems, and
 * finite differences of the unrolled maps for the unrolled modes.
 */
class BilevelTest {
    static final DType F64 = DType.FLOAT64;
    static final Bilevel.Options TIGHT =
            Bilevel.Options.defaults()
                    .withInnerSolver(new NewtonCg(100, 1e-14, 500, 1e-14))
                    .withMode(GradientMode.Implicit.cg(1e-14, 500))
                    .withPolicy(NonConvergence.RETURN_LAST);

    static Tensor randn(Rng rng, double scale, int... shape) {
        return Tensor.randn(rng, F64, shape).mul(scale);
    }

    /**
     * Central differences of F over every element of every outer variable, each inner problem
     * solved from w*.
     */
    static double[][] finiteDifferences(
            Bilevel.Problem p, Tensor wStar, Tensor[] x, Bilevel.Options o, double h) {
        double[][] g = new double[x.length][];
        for (int i = 0; i < x.length; i++) {
            double[] xi = x[i].toDoubleArray();
            g[i] = new double[xi.length];
            for (int j = 0; j < xi.length; j++) {
                double[] plus = xi.clone(), minus = xi.clone();
                plus[j] += h;
                minus[j] -= h;
                Tensor[] xp = x.clone(), xm = x.clone();
                xp[i] = Tensor.of(F64, plus, x[i].shape());
                xm[i] = Tensor.of(F64, minus, x[i].shape());
                g[i][j] =
                        (Bilevel.evaluate(p, wStar, xp, o).value()
                                        - Bilevel.evaluate(p, wStar, xm, o).value())
                                / (2 * h);
            }
        }
        return g;
    }

    /** max |a - b| / max(|b|_inf, 1e-12) over all outer variables. */
    static double relErr(Tensor[] a, double[][] b) {
        double num = 0, den = 1e-12;
        for (int i = 0; i < a.length; i++) {
            double[] ai = a[i].toDoubleArray();
            for (int j = 0; j < ai.length; j++) {
                num = Math.max(num, Math.abs(ai[j] - b[i][j]));
                den = Math.max(den, Math.abs(b[i][j]));
            }
        }
        return num / den;
    }

    static RealMatrix matrix(Tensor t) {
        return new Array2DRowRealMatrix(t.toDoubleArray2d());
    }

    /**
     * Ridge with per-feature strengths exp(x): inner 1/2 |X w - y|^2 + 1/2 sum exp(x) w^2, outer
     * 1/2 |Xv w - yv|^2.
     */
    static Bilevel.Problem ridge(Tensor xt, Tensor yt, Tensor xv, Tensor yv) {
        return Bilevel.Problem.argmin(
                Variables.tensor(F64, xt.shape(1)),
                (w, x) ->
                        xt.matmul(w.unsqueeze(1))
                                .squeeze(1)
                                .sub(yt)
                                .square()
                                .sum()
                                .mul(0.5)
                                .add(x[0].exp().mul(w.square()).sum().mul(0.5)),
                (w, x) -> xv.matmul(w.unsqueeze(1)).squeeze(1).sub(yv).square().sum().mul(0.5));
    }

    @Property(tries = 15)
    void ridgeHypergradientEqualsItsClosedForm(
            @ForAll long seed,
            @ForAll @IntRange(min = 1, max = 8) int d,
            @ForAll @IntRange(min = 1, max = 20) int m) {
        Rng rng = Rng.seeded(seed);
        Tensor xt = randn(rng, 1, m, d),
                yt = randn(rng, 1, m),
                xv = randn(rng, 1, 7, d),
                yv = randn(rng, 1, 7);
        Tensor logLambda = randn(rng, 1, d);
        double damping = 0.3;
        // Closed form (Hipparchus): A = X^T X + diag(lambda), w* = A^-1 X^T y, and with u = A^-1
        // Xv^T (Xv w* - yv),
        // dF/dlambda_j = -w*_j u_j, so dF/dlog(lambda_j) = -lambda_j w*_j u_j.
        RealMatrix x = matrix(xt), a = x.transpose().multiply(x), xvm = matrix(xv);
        double[] lam = logLambda.toDoubleArray();
        for (int j = 0; j < d; j++) {
            lam[j] = Math.exp(lam[j]);
            a.addToEntry(j, j, lam[j]);
        }
        DecompositionSolver lu = new LUDecomposition(a).getSolver();
        RealVector wStar = lu.solve(x.transpose().operate(new ArrayRealVector(yt.toDoubleArray())));
        RealVector gw =
                xvm.transpose()
                        .operate(
                                xvm.operate(wStar)
                                        .subtract(new ArrayRealVector(yv.toDoubleArray())));
        RealVector u = lu.solve(gw);
        // The damped adjoint (A + damping I) v = gw of the same formula.
        RealMatrix ad =
                a.add(
                        org.hipparchus.linear.MatrixUtils.createRealIdentityMatrix(d)
                                .scalarMultiply(damping));
        RealVector ud = new LUDecomposition(ad).getSolver().solve(gw);
        double[][] exact = new double[1][d], damped = new double[1][d];
        for (int j = 0; j < d; j++) {
            exact[0][j] = -lam[j] * wStar.getEntry(j) * u.getEntry(j);
            damped[0][j] = -lam[j] * wStar.getEntry(j) * ud.getEntry(j);
        }
        Bilevel.Problem p = ridge(xt, yt, xv, yv);
        Bilevel.Result r = Bilevel.solve(p, null, new Tensor[] {logLambda}, TIGHT);
        assertArrayEquals(
                wStar.toArray(),
                r.innerSolution().toDoubleArray(),
                1e-9 * (1 + wStar.getLInfNorm()));
        assertTrue(
                relErr(r.hypergradient(), exact) < 1e-8,
                "rel err " + relErr(r.hypergradient(), exact));
        assertTrue(r.linear().orElseThrow().converged());
        Bilevel.Result rd =
                Bilevel.solve(
                        p,
                        null,
                        new Tensor[] {logLambda},
                        TIGHT.withMode(GradientMode.Implicit.cg(1e-14, 500).withDamping(damping)));
        assertTrue(
                relErr(rd.hypergradient(), damped) < 1e-8,
                "damped: rel err " + relErr(rd.hypergradient(), damped));
    }

    /**
     * A strictly convex, non-quadratic inner objective with two outer variables; the outer
     * objective also depends on x directly.
     */
    static Bilevel.Problem smooth(Rng rng, int n) {
        Tensor m = randn(rng, 0.7, n + 2, n),
                b = randn(rng, 1, n + 2),
                pm = randn(rng, 1, 3, n),
                q = randn(rng, 1, 3);
        return Bilevel.Problem.argmin(
                Variables.tensor(F64, n),
                (w, x) ->
                        m.matmul(w.unsqueeze(1))
                                .squeeze(1)
                                .sub(b)
                                .square()
                                .sum()
                                .mul(0.5)
                                .add(x[0].exp().mul(w.square()).sum().mul(0.5))
                                .add(w.sub(x[1]).softplus(1).sum()),
                (w, x) ->
                        pm.matmul(w.unsqueeze(1))
                                .squeeze(1)
                                .sub(q)
                                .square()
                                .sum()
                                .mul(0.5)
                                .add(w.tanh().mul(x[1]).sum().mul(0.1))
                                .add(x[0].square().sum().mul(0.05)));
    }

    /**
     * An inner objective that differentiates inside (as a Ritz energy takes grad u in space): d/dy
     * tanh(w y) by Grad.of, against the same objective with the derivative w (1 - tanh^2(w y))
     * written out. Newton-CG must evaluate it in its line search too, and the two problems must
     * give the same solution and hypergradient.
     */
    @Test
    void anObjectiveThatDifferentiatesInsideSolvesAndDifferentiatesAsItsClosedForm() {
        Rng rng = Rng.seeded(11);
        int n = 4;
        Tensor y = randn(rng, 0.5, n), t = randn(rng, 1, n), pm = randn(rng, 1, 2, n);
        java.util.function.BiFunction<Tensor, Tensor[], Tensor> outer =
                (w, x) -> pm.matmul(w.unsqueeze(1)).square().sum().mul(0.5);
        Bilevel.Problem inside =
                Bilevel.Problem.argmin(
                        Variables.tensor(F64, n),
                        (w, x) -> {
                            Tensor yl = y.requiringGrad();
                            Tensor du =
                                    Grad.of(
                                            new Tensor[] {w.mul(yl).tanh().sum()},
                                            new Tensor[] {yl},
                                            null,
                                            Grad.Options.defaults().withCreateGraph(true))[0];
                            return du.sub(t)
                                    .square()
                                    .sum()
                                    .mul(0.5)
                                    .add(x[0].exp().mul(w.square()).sum().mul(0.5));
                        },
                        outer);
        Bilevel.Problem written =
                Bilevel.Problem.argmin(
                        Variables.tensor(F64, n),
                        (w, x) -> {
                            Tensor th = w.mul(y).tanh();
                            Tensor du = w.mul(th.square().neg().add(1));
                            return du.sub(t)
                                    .square()
                                    .sum()
                                    .mul(0.5)
                                    .add(x[0].exp().mul(w.square()).sum().mul(0.5));
                        },
                        outer);
        Tensor[] x = {randn(rng, 0.3, n)};
        Bilevel.Result a = Bilevel.solve(inside, null, x, TIGHT),
                b = Bilevel.solve(written, null, x, TIGHT);
        assertTrue(a.inner().residual() < 1e-12, "inner residual " + a.inner().residual());
        assertArrayEquals(
                b.innerSolution().toDoubleArray(), a.innerSolution().toDoubleArray(), 1e-10);
        assertArrayEquals(
                b.hypergradient()[0].toDoubleArray(), a.hypergradient()[0].toDoubleArray(), 1e-9);
    }

    @Property(tries = 10)
    void implicitHypergradientMatchesFiniteDifferences(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int n) {
        Rng rng = Rng.seeded(seed);
        Bilevel.Problem p = smooth(rng, n);
        Tensor[] x = {randn(rng, 0.5, n), randn(rng, 1, n)};
        Bilevel.Result r = Bilevel.solve(p, null, x, TIGHT);
        assertTrue(r.inner().residual() < 1e-12, "inner residual " + r.inner().residual());
        double err =
                relErr(r.hypergradient(), finiteDifferences(p, r.innerSolution(), x, TIGHT, 1e-5));
        assertTrue(err < 1e-6, "rel err " + err);
    }

    @Property(tries = 10)
    void implicitHypergradientOfARootConditionMatchesFiniteDifferences(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 6) int n) {
        // w = tanh(A w + B x + c): a contraction (|A| small) with a non-symmetric Jacobian, by
        // GMRES.
        Rng rng = Rng.seeded(seed);
        Tensor a = randn(rng, 0.5 / Math.sqrt(n), n, n),
                bm = randn(rng, 1, n, 2),
                c = randn(rng, 0.3, n),
                t = randn(rng, 1, n);
        Bilevel.Problem p =
                Bilevel.Problem.root(
                        Variables.tensor(F64, n),
                        (w, x) ->
                                w.sub(
                                        a.matmul(w.unsqueeze(1))
                                                .squeeze(1)
                                                .add(bm.matmul(x[0].unsqueeze(1)).squeeze(1))
                                                .add(c)
                                                .tanh()),
                        (w, x) -> w.sub(t).square().sum().mul(0.5).add(x[0].sin().sum()));
        Bilevel.Options o =
                Bilevel.Options.defaults()
                        .withInnerSolver(
                                InnerSolver.root(
                                        NewtonKrylov.defaults()
                                                .withTol(1e-14)
                                                .withKrylov(n + 1, 1e-14)))
                        .withMode(GradientMode.Implicit.gmres(1e-14, 100))
                        .withPolicy(NonConvergence.RETURN_LAST);
        Tensor[] x = {randn(rng, 1, 2)};
        Bilevel.Result r = Bilevel.solve(p, null, x, o);
        assertTrue(r.inner().residual() < 1e-12, "inner residual " + r.inner().residual());
        double err = relErr(r.hypergradient(), finiteDifferences(p, r.innerSolution(), x, o, 1e-5));
        assertTrue(err < 1e-6, "rel err " + err);
    }

    @Test
    void moduleParametersAsInnerVariablesMatchFiniteDifferences() {
        // A 2-3-1 tanh network fitted with weight decay exp(x0) on every weight; outer: validation
        // MSE.
        Rng rng = Rng.seeded(4);
        Mlp net = Mlp.builder(2, 3, 1).dtype(F64).build(rng);
        Tensor xt = randn(rng, 1, 12, 2),
                yt = randn(rng, 1, 12, 1),
                xv = randn(rng, 1, 9, 2),
                yv = randn(rng, 1, 9, 1);
        Variables vars = Variables.parameters(net);
        Bilevel.Problem p =
                Bilevel.Problem.argmin(
                        vars,
                        (w, x) ->
                                net.forward(xt)
                                        .sub(yt)
                                        .square()
                                        .mean()
                                        .add(x[0].exp().mul(w.square().sum()).mul(0.5)),
                        (w, x) -> net.forward(xv).sub(yv).square().mean());
        Tensor[] x = {Tensor.of(F64, new double[] {Math.log(0.05)}, 1)};
        Bilevel.Result r = Bilevel.solve(p, null, x, TIGHT);
        assertEquals(13, vars.size());
        assertTrue(r.inner().residual() < 1e-12, "inner residual " + r.inner().residual());
        assertArrayEquals(
                r.innerSolution().toDoubleArray(),
                vars.current().toDoubleArray(),
                0,
                "the module holds w* afterwards");
        // The outer objective read through the module is the one evaluated at w*.
        Tensor direct = net.forward(xv).sub(yv).square().mean();
        assertEquals(direct.item(), r.value(), 1e-14);
        for (Parameter q : net.parameters().values()) {
            assertTrue(
                    q.value().isLeaf() && q.value().requiresGrad(),
                    "parameters are plain leaves again after the solve");
        }
        double err =
                relErr(r.hypergradient(), finiteDifferences(p, r.innerSolution(), x, TIGHT, 1e-5));
        assertTrue(err < 1e-6, "rel err " + err);
    }

    /**
     * The QP layer as the inner solver: min 0.5 |z|^2 + p'z subject to z1 <= 1 and z2 <= 5, with
     * the linear term p as the outer variable and F = 0.5 |z - t|^2. The inner variables are (z,
     * lambda) and the condition is the KKT residual (stationarity, complementarity), differentiated
     * by GMRES. At p = (-2, -1) the first constraint is active (z = (1, 1), lambda = (1, 0)), so z1
     * does not move and z2 = -p2: dF/dp = (0, -(z2 - t2)) = (0, -0.3), in closed form.
     */
    @Test
    void theQpLayerAsInnerSolverGivesTheClosedFormHypergradient() {
        Tensor g = Tensor.of(F64, new double[] {1, 0, 0, 1}, 2, 2),
                h = Tensor.of(F64, new double[] {1, 5}, 2);
        Tensor t = Tensor.of(F64, new double[] {0.3, 0.7}, 2);
        Tensor[] x = {Tensor.of(F64, new double[] {-2, -1}, 2)};
        Bilevel.Problem p =
                Bilevel.Problem.root(
                        Variables.tensor(F64, 4),
                        (w, xs) -> {
                            Tensor z = w.slice(0, 0, 2), lam = w.slice(0, 2, 4);
                            Tensor stationarity =
                                    z.add(xs[0])
                                            .add(
                                                    g.matmul(lam.unsqueeze(1), true, false)
                                                            .squeeze(1));
                            Tensor complementarity =
                                    lam.mul(g.matmul(z.unsqueeze(1)).squeeze(1).sub(h));
                            return Tensor.concat(0, stationarity, complementarity);
                        },
                        (w, xs) -> w.slice(0, 0, 2).sub(t).square().sum().mul(0.5));
        InnerSolver qp =
                (problem, w0) -> {
                    org.implicitlayers.implicit.layers.QpLayer.Result r =
                            org.implicitlayers.implicit.layers.QpLayer.solve(
                                    Tensor.eye(F64, 2),
                                    x[0].unsqueeze(0),
                                    g,
                                    h.unsqueeze(0),
                                    null,
                                    null,
                                    org.implicitlayers.implicit.layers.QpLayer.Options.defaults()
                                            .withTol(1e-13));
                    Tensor w =
                            Tensor.concat(0, r.z().squeeze(0), r.inequalityMultipliers().squeeze(0))
                                    .detach();
                    double res = problem.residual(w).abs().max().item();
                    return new org.implicitlayers.implicit.convergence.Solution(
                            w, r.iterations(), java.util.List.of(res), res < 1e-9);
                };
        Bilevel.Result r =
                Bilevel.solve(
                        p,
                        null,
                        x,
                        Bilevel.Options.defaults()
                                .withInnerSolver(qp)
                                .withMode(GradientMode.Implicit.gmres(1e-13, 50)));
        assertArrayEquals(new double[] {1, 1, 1, 0}, r.innerSolution().toDoubleArray(), 1e-9);
        assertArrayEquals(new double[] {0, -0.3}, r.hypergradient()[0].toDoubleArray(), 1e-7);
    }

    @Test
    void lbfgsAndAdamAsInnerSolversGiveTheSameHypergradient() {
        Rng rng = Rng.seeded(11);
        Bilevel.Problem p = smooth(rng, 4);
        Tensor[] x = {randn(rng, 0.5, 4), randn(rng, 1, 4)};
        Bilevel.Result ref = Bilevel.solve(p, null, x, TIGHT);
        Bilevel.Result lb =
                Bilevel.solve(
                        p,
                        null,
                        x,
                        TIGHT.withInnerSolver(
                                InnerSolver.lbfgs(
                                        org.implicitlayers.core.optim.Lbfgs.Options.defaults()
                                                .withTolerances(1e-13, 0))));
        double[][] refG = {
            ref.hypergradient()[0].toDoubleArray(), ref.hypergradient()[1].toDoubleArray()
        };
        assertTrue(
                relErr(lb.hypergradient(), refG) < 1e-7,
                "L-BFGS: rel err " + relErr(lb.hypergradient(), refG));
        Bilevel.Result ad =
                Bilevel.solve(
                        p,
                        null,
                        x,
                        TIGHT.withInnerSolver(
                                InnerSolver.adam(
                                        org.implicitlayers.core.optim.Adam.Options.defaults()
                                                .withLr(0.05),
                                        3000,
                                        1e-9)));
        assertTrue(ad.inner().residual() < 1e-7, "Adam residual " + ad.inner().residual());
        assertTrue(
                relErr(ad.hypergradient(), refG) < 1e-5,
                "Adam: rel err " + relErr(ad.hypergradient(), refG));
    }

    @Property(tries = 8)
    void unrolledGradientIsTheDerivativeOfTheUnrolledMap(
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 25) int steps) {
        Rng rng = Rng.seeded(seed);
        Bilevel.Problem p = smooth(rng, 3);
        Tensor[] x = {randn(rng, 0.5, 3), randn(rng, 1, 3)};
        Bilevel.Options o =
                Bilevel.Options.defaults()
                        .withInnerSolver(GradientDescent.steps(0.1, steps))
                        .withMode(new GradientMode.Unrolled())
                        .withPolicy(NonConvergence.RETURN_LAST);
        Tensor w0 = randn(rng, 1, 3);
        Bilevel.Result r = Bilevel.solve(p, w0, x, o);
        assertEquals(steps, r.inner().evaluations());
        double err = relErr(r.hypergradient(), finiteDifferences(p, w0, x, o, 1e-5));
        assertTrue(err < 1e-7, "rel err " + err);
        // Truncated through at least every step taken is the full unrolled gradient.
        Bilevel.Result t =
                Bilevel.solve(p, w0, x, o.withMode(new GradientMode.TruncatedUnrolled(steps)));
        assertArrayEquals(
                r.hypergradient()[0].toDoubleArray(), t.hypergradient()[0].toDoubleArray(), 1e-13);
        assertArrayEquals(
                r.hypergradient()[1].toDoubleArray(), t.hypergradient()[1].toDoubleArray(), 1e-13);
    }

    @Test
    void truncatedGradientHoldsTheIterateBeforeTheLastKStepsFixed() {
        Rng rng = Rng.seeded(21);
        Bilevel.Problem p = smooth(rng, 3);
        Tensor[] x = {randn(rng, 0.5, 3), randn(rng, 1, 3)};
        Tensor w0 = randn(rng, 1, 3);
        int steps = 20, k = 4;
        Bilevel.Options o =
                Bilevel.Options.defaults()
                        .withInnerSolver(GradientDescent.steps(0.1, steps))
                        .withMode(new GradientMode.TruncatedUnrolled(k))
                        .withPolicy(NonConvergence.RETURN_LAST);
        Bilevel.Result r = Bilevel.solve(p, w0, x, o);
        // Independently: the iterate after steps - k steps at x, then k steps from it, differenced
        // in x.
        Bilevel.Options head = o.withInnerSolver(GradientDescent.steps(0.1, steps - k));
        Tensor wHead = Bilevel.evaluate(p, w0, x, head).innerSolution();
        Bilevel.Options tail = o.withInnerSolver(GradientDescent.steps(0.1, k));
        double err = relErr(r.hypergradient(), finiteDifferences(p, wHead, x, tail, 1e-5));
        assertTrue(err < 1e-7, "rel err " + err);
        assertEquals(Bilevel.evaluate(p, w0, x, o).value(), r.value(), 1e-13);
    }

    @Test
    void unrolledGradientTendsToTheImplicitOneAsTheInnerSolveConverges() {
        Rng rng = Rng.seeded(5);
        Bilevel.Problem p = smooth(rng, 4);
        Tensor[] x = {randn(rng, 0.5, 4), randn(rng, 1, 4)};
        Bilevel.Result imp = Bilevel.solve(p, null, x, TIGHT);
        double[][] g = {
            imp.hypergradient()[0].toDoubleArray(), imp.hypergradient()[1].toDoubleArray()
        };
        double previous = Double.POSITIVE_INFINITY;
        for (int steps : new int[] {20, 60, 150}) {
            Bilevel.Result u =
                    Bilevel.solve(
                            p,
                            null,
                            x,
                            Bilevel.Options.defaults()
                                    .withInnerSolver(GradientDescent.steps(0.1, steps))
                                    .withMode(new GradientMode.Unrolled()));
            double err = relErr(u.hypergradient(), g);
            assertTrue(err < previous, steps + " steps: rel err " + err + " not below " + previous);
            previous = err;
        }
        assertTrue(previous < 1e-6, "150 steps: rel err " + previous);
    }

    @Test
    void implicitTapeDoesNotGrowWithTheInnerIterationsAndUnrolledGrowsLinearly() {
        Rng rng = Rng.seeded(6);
        Bilevel.Problem p = smooth(rng, 5);
        Tensor[] x = {randn(rng, 0.5, 5), randn(rng, 1, 5)};
        Bilevel.Options imp =
                new Bilevel.Options(
                        GradientDescent.steps(0.05, 10),
                        GradientMode.Implicit.cg(1e-12, 100),
                        NonConvergence.RETURN_LAST);
        Grad.TapeStats t10 =
                Bilevel.solve(p, null, x, imp.withInnerSolver(GradientDescent.steps(0.05, 10)))
                        .tape();
        Grad.TapeStats t1000 =
                Bilevel.solve(p, null, x, imp.withInnerSolver(GradientDescent.steps(0.05, 1000)))
                        .tape();
        assertTrue(t10.operations() > 0);
        assertEquals(t10, t1000);
        Bilevel.Options unr = imp.withMode(new GradientMode.Unrolled());
        int[] ops = new int[3];
        long[] bytes = new long[3];
        int[] ks = {10, 20, 40};
        for (int i = 0; i < 3; i++) {
            Grad.TapeStats t =
                    Bilevel.solve(
                                    p,
                                    null,
                                    x,
                                    unr.withInnerSolver(GradientDescent.steps(0.05, ks[i])))
                            .tape();
            ops[i] = t.operations();
            bytes[i] = t.bytes();
        }
        int perStep = (ops[1] - ops[0]) / 10;
        assertTrue(perStep > 0);
        assertEquals(ops[1] - ops[0], 10L * perStep);
        assertEquals(
                ops[2] - ops[1], 20L * perStep, "linear growth: " + java.util.Arrays.toString(ops));
        assertEquals(bytes[2] - bytes[1], 2 * (bytes[1] - bytes[0]));
        assertTrue(
                ops[0] > t10.operations(),
                "ten unrolled steps already record more than the implicit mode");
        Grad.TapeStats trunc =
                Bilevel.solve(
                                p,
                                null,
                                x,
                                unr.withMode(new GradientMode.TruncatedUnrolled(3))
                                        .withInnerSolver(GradientDescent.steps(0.05, 1000)))
                        .tape();
        Grad.TapeStats trunc2 =
                Bilevel.solve(
                                p,
                                null,
                                x,
                                unr.withMode(new GradientMode.TruncatedUnrolled(3))
                                        .withInnerSolver(GradientDescent.steps(0.05, 40)))
                        .tape();
        assertEquals(trunc2, trunc, "truncated: the last 3 steps only");
    }

    @Test
    void asLossHandsTheHypergradientToBackward() {
        Rng rng = Rng.seeded(8);
        Bilevel.Problem p = smooth(rng, 3);
        Tensor a = randn(rng, 0.5, 3).requiringGrad(), c = randn(rng, 1, 3).requiringGrad();
        Bilevel.Result r = Bilevel.solve(p, null, new Tensor[] {a, c}, TIGHT);
        Tensor loss = r.asLoss(a, c);
        assertEquals(r.value(), loss.item(), 0);
        loss.mul(2.0).backward();
        assertArrayEquals(
                r.hypergradient()[0].mul(2.0).toDoubleArray(), a.grad().toDoubleArray(), 0);
        assertArrayEquals(
                r.hypergradient()[1].mul(2.0).toDoubleArray(), c.grad().toDoubleArray(), 0);
    }

    @Test
    void boundModuleValuesAreDifferentiableAndRestoredAfterAnError() {
        Rng rng = Rng.seeded(9);
        Mlp net = Mlp.builder(1, 2, 1).dtype(F64).build(rng);
        Variables v = Variables.parameters(net);
        Tensor before = v.current();
        Tensor flat = randn(rng, 1, v.size()).requiringGrad();
        Tensor x = Tensor.of(F64, new double[] {0.3, -1.2}, 2, 1);
        // d/dflat of sum(net(x)) through the binding equals the gradient with respect to the
        // parameters set to those values.
        Tensor g = Grad.of(v.bind(flat, w -> net.forward(x).sum()), flat, false);
        v.assign(flat.detach());
        net.forward(x).sum().backward();
        double[] expected =
                v.bind(
                                Tensor.concat(
                                        0,
                                        net.parameters().values().stream()
                                                .map(q -> q.grad().reshape(-1))
                                                .toArray(Tensor[]::new)),
                                w -> w)
                        .toDoubleArray();
        assertArrayEquals(expected, g.toDoubleArray(), 1e-14);
        v.assign(before);
        assertThrows(
                IllegalStateException.class,
                () ->
                        v.bind(
                                flat,
                                w -> {
                                    throw new IllegalStateException("inside");
                                }));
        assertArrayEquals(
                before.toDoubleArray(),
                v.current().toDoubleArray(),
                0,
                "the values are the module's own again");
        for (Parameter q : net.parameters().values()) {
            assertTrue(q.value().isLeaf(), "unbound after the error");
        }
    }

    @Test
    void badSettingsAreRefusedWithTheirNames() {
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> Bilevel.Options.defaults().withMode(new GradientMode.Unrolled()));
        assertTrue(e.getMessage().contains("UnrollableSolver"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new GradientMode.TruncatedUnrolled(0));
        assertThrows(
                IllegalArgumentException.class,
                () -> GradientMode.Implicit.defaults().withDamping(-1));
        Bilevel.Problem p = smooth(Rng.seeded(1), 3);
        IllegalArgumentException w =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Bilevel.solve(
                                        p,
                                        Tensor.zeros(F64, 4),
                                        new Tensor[] {Tensor.zeros(F64, 3), Tensor.zeros(F64, 3)},
                                        TIGHT));
        assertTrue(w.getMessage().contains("w0") && w.getMessage().contains("3"), w.getMessage());
        Bilevel.Problem cond =
                Bilevel.Problem.root(
                        Variables.tensor(F64, 3), (v, x) -> v.sub(x[0]), (v, x) -> v.sum());
        IllegalArgumentException a =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                Bilevel.solve(
                                        cond,
                                        null,
                                        new Tensor[] {Tensor.zeros(F64, 3)},
                                        TIGHT.withInnerSolver(
                                                InnerSolver.adam(
                                                        org.implicitlayers.core.optim.Adam.Options
                                                                .defaults(),
                                                        10,
                                                        0))));
        assertTrue(a.getMessage().contains("optimality condition"), a.getMessage());
    }
}
