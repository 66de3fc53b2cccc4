package org.implicitlayers.implicit.solve;

import static org.implicitlayers.implicit.TestSystems.apply;
import static org.implicitlayers.implicit.TestSystems.contraction;
import static org.implicitlayers.implicit.TestSystems.exactFixedPoint;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.NonConvergence;
import org.implicitlayers.implicit.convergence.NotConvergedException;
import org.implicitlayers.implicit.convergence.Residuals;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.linear.BiCgStab;
import org.implicitlayers.implicit.linear.Gmres;
import org.implicitlayers.implicit.linear.LinearSolver;
import org.implicitlayers.implicit.linear.Neumann;
import org.junit.jupiter.api.Test;

class SolversTest {
    @Test
    void everyFixedPointSolverFindsTheSolutionOfALinearContraction() {
        int n = 40;
        double[][] m = contraction(n, 1);
        double[] b = new double[n];
        Rng rng = Rng.seeded(2);
        for (int i = 0; i < n; i++) {
            b[i] = rng.nextGaussian();
        }
        Tensor bt = Tensor.of(b, 1, n);
        UnaryOperator<Tensor> f = z -> apply(m, z).add(bt);
        double[] exact = exactFixedPoint(m, b);
        List<FixedPointSolver> solvers =
                List.of(
                        new Picard(2000, 1e-12, 1.0),
                        new Picard(4000, 1e-12, 0.8),
                        new Anderson(300, 1e-12, 5, 1e-10, 1.0, true),
                        new Broyden(300, 1e-12, 30));
        int picardEvals = 0, andersonEvals = 0;
        for (FixedPointSolver s : solvers) {
            Solution sol = s.solve(f, Tensor.zeros(DType.FLOAT64, 1, n));
            assertTrue(sol.converged(), s + ": " + sol.residual());
            assertArrayEquals(exact, sol.value().toDoubleArray(), 1e-9, s.toString());
            if (s instanceof Picard && ((Picard) s).damping() == 1) {
                picardEvals = sol.evaluations();
            }
            if (s instanceof Anderson) {
                andersonEvals = sol.evaluations();
            }
        }
        assertTrue(
                andersonEvals < picardEvals / 3,
                "Anderson " + andersonEvals + " vs Picard " + picardEvals + " evaluations");
    }

    /**
     * One residual per kind: whatever the solver, a converged answer meets tol by the definition in
     * Residuals.
     */
    @Test
    void everySolverMeetsItsToleranceByTheSharedResidualDefinition() {
        int n = 20;
        double[][] m = contraction(n, 11);
        double[] b = new double[n];
        java.util.Arrays.fill(b, 0.5);
        Tensor bt = Tensor.of(b, 1, n);
        UnaryOperator<Tensor> f = z -> apply(m, z).add(bt);
        double tol = 1e-8;
        for (FixedPointSolver s :
                List.of(
                        Picard.defaults().withTol(tol).withMaxIter(5000),
                        Anderson.defaults().withTol(tol),
                        Broyden.defaults().withTol(tol))) {
            Solution sol = s.solve(f, Tensor.zeros(DType.FLOAT64, 1, n));
            assertTrue(sol.converged() && sol.residual() < tol, s + ": " + sol.residual());
            assertTrue(
                    Residuals.fixedPoint(f.apply(sol.value()), sol.value()) < tol,
                    s + " at its answer");
        }
        UnaryOperator<Tensor> root = z -> z.sub(f.apply(z));
        for (RootSolver s :
                List.<RootSolver>of(
                        NewtonKrylov.defaults().withTol(tol), Broyden.defaults().withTol(tol))) {
            Solution sol = s.solveRoot(root, Tensor.zeros(DType.FLOAT64, 1, n));
            assertTrue(sol.converged(), s + ": " + sol.residual());
            assertTrue(
                    Residuals.root(root.apply(sol.value()), sol.value()) < tol,
                    s + " at its answer");
        }
        UnaryOperator<Tensor> iMinusM = z -> z.sub(apply(m, z));
        for (LinearSolver s :
                List.of(
                        Gmres.defaults().withTol(tol),
                        BiCgStab.defaults().withTol(tol),
                        Neumann.defaults()
                                .withTol(tol)
                                .withTerms(2000))) { // I - M is not symmetric: no CG here
            Solution sol = s.solve(iMinusM, bt, Tensor.zerosLike(bt));
            double rel = bt.sub(iMinusM.apply(sol.value())).norm().item() / bt.norm().item();
            assertTrue(sol.converged() && rel < tol * 1.01, s + ": " + rel);
        }
    }

    @Test
    void boundedMemoryBroydenStillConverges() {
        int n = 30;
        double[][] m = contraction(n, 3);
        double[] b = new double[n];
        java.util.Arrays.fill(b, 1);
        Solution s =
                new Broyden(500, 1e-10, 3)
                        .solve(
                                z -> apply(m, z).add(Tensor.of(b, 1, n)),
                                Tensor.zeros(DType.FLOAT64, 1, n));
        assertTrue(s.converged());
        assertArrayEquals(exactFixedPoint(m, b), s.value().toDoubleArray(), 1e-8);
    }

    @Test
    void newtonKrylovFindsRootsQuadratically() {
        // z^3 + z = c elementwise; c chosen so that the roots are known.
        double[] roots = {-1.5, -0.2, 0.7, 2.0};
        double[] c = new double[4];
        for (int i = 0; i < 4; i++) {
            c[i] = roots[i] * roots[i] * roots[i] + roots[i];
        }
        Tensor ct = Tensor.of(c, 4);
        Solution s =
                NewtonKrylov.defaults()
                        .withMaxIter(30)
                        .withTol(1e-13)
                        .solveRoot(z -> z.pow(3).add(z).sub(ct), Tensor.zeros(DType.FLOAT64, 4));
        assertTrue(s.converged());
        assertArrayEquals(roots, s.value().toDoubleArray(), 1e-12);
        assertTrue(
                s.residuals().size() < 12,
                "Newton's method needs few iterations: " + s.residuals());
    }

    @Test
    void andersonIsBatchedPerSample() {
        // Two independent scalar fixed points z = cos(z) (0.739085...) and z = 0.5 cos(z) + 1.
        Tensor shift = Tensor.of(new double[] {0, 1}, 2, 1),
                scale = Tensor.of(new double[] {1, 0.5}, 2, 1);
        Solution s =
                Anderson.defaults()
                        .withMaxIter(100)
                        .withTol(1e-12)
                        .solve(
                                z -> z.cos().mul(scale).add(shift),
                                Tensor.zeros(DType.FLOAT64, 2, 1));
        assertEquals(0.7390851332151607, s.value().get(0), 1e-10);
        double z = 1;
        for (int i = 0; i < 200; i++) {
            z = 0.5 * Math.cos(z) + 1;
        }
        assertEquals(z, s.value().get(1), 1e-10);
    }

    @Test
    void nonConvergenceIsReportedNotHidden() {
        UnaryOperator<Tensor> slow = z -> z.mul(0.99).add(1.0);
        Solution s = new Picard(3, 1e-12, 1).solve(slow, Tensor.zeros(DType.FLOAT64, 1));
        assertFalse(s.converged());
        NotConvergedException e =
                assertThrows(
                        NotConvergedException.class,
                        () -> NonConvergence.RAISE.check("test solve", s));
        assertTrue(
                e.getMessage().contains("test solve") && e.getMessage().contains("3 evaluations"),
                e.getMessage());
        assertEquals(s, NonConvergence.RETURN_LAST.check("x", s));
        assertEquals(s, NonConvergence.WARN.check("x", s));
    }
}
