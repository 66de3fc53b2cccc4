package org.implicitlayers.implicit.linear;

import static org.implicitlayers.implicit.TestSystems.apply;
import static org.implicitlayers.implicit.TestSystems.contraction;
import static org.implicitlayers.implicit.TestSystems.exactFixedPoint;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.UnaryOperator;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.LUDecomposition;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Solution;
import org.implicitlayers.implicit.solve.Anderson;
import org.implicitlayers.implicit.solve.AsFixedPoint;
import org.junit.jupiter.api.Test;

/** Linear solvers from products only, against LU; residuals relative to ||b||. */
class LinearSolversTest {
    @Test
    void linearSolversAgreeWithLu() {
        int n = 25;
        Rng rng = Rng.seeded(5);
        double[][] a = new double[n][n], spd = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = rng.nextGaussian() / Math.sqrt(n) + (i == j ? 2 : 0);
            }
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += a[k][i] * a[k][j];
                }
                spd[i][j] = s;
            }
        }
        double[] b = new double[n];
        for (int i = 0; i < n; i++) {
            b[i] = rng.nextGaussian();
        }
        double[] xa =
                new LUDecomposition(new Array2DRowRealMatrix(a))
                        .getSolver()
                        .solve(new ArrayRealVector(b))
                        .toArray();
        double[] xs =
                new LUDecomposition(new Array2DRowRealMatrix(spd))
                        .getSolver()
                        .solve(new ArrayRealVector(b))
                        .toArray();
        Tensor bt = Tensor.of(b, 1, n), x0 = Tensor.zeros(DType.FLOAT64, 1, n);
        UnaryOperator<Tensor> opA = x -> apply(a, x), opS = x -> apply(spd, x);
        assertArrayEquals(
                xs,
                new ConjugateGradient(200, 1e-12).solve(opS, bt, x0).value().toDoubleArray(),
                1e-9,
                "CG");
        assertArrayEquals(
                xa,
                new Gmres(8, 400, 1e-12).solve(opA, bt, x0).value().toDoubleArray(),
                1e-9,
                "GMRES(8)");
        assertArrayEquals(
                xa,
                new BiCgStab(200, 1e-12).solve(opA, bt, x0).value().toDoubleArray(),
                1e-9,
                "BiCGSTAB");
        assertArrayEquals(
                xa, Dense.lu().solve(opA, bt, x0).value().toDoubleArray(), 1e-11, "dense");
        // Neumann and the fixed-point form on I - M with a contraction M.
        double[][] m = contraction(n, 6);
        UnaryOperator<Tensor> iMinusM = x -> x.sub(apply(m, x));
        double[] xm = exactFixedPoint(m, b);
        assertArrayEquals(
                xm,
                new Neumann(1000, 1e-13).solve(iMinusM, bt, x0).value().toDoubleArray(),
                1e-9,
                "Neumann");
        assertArrayEquals(
                xm,
                new AsFixedPoint(new Anderson(200, 1e-13, 5, 1e-12, 1, true))
                        .solve(iMinusM, bt, x0)
                        .value()
                        .toDoubleArray(),
                1e-9,
                "Anderson on x = Mx + b");
        // Batched dense: two independent 25x25 systems in one call.
        Tensor b2 = Tensor.concat(0, bt, bt.mul(2));
        double[] x2 =
                Dense.batchedLu().solve(opA, b2, Tensor.zerosLike(b2)).value().toDoubleArray();
        for (int i = 0; i < n; i++) {
            assertEquals(xa[i], x2[i], 1e-11);
            assertEquals(2 * xa[i], x2[n + i], 1e-11);
        }
    }

    @Test
    void linearSolverResidualIsRelative() {
        Solution s =
                new ConjugateGradient(1, 1e-30)
                        .solve(
                                x -> x.mul(3.0),
                                Tensor.ones(DType.FLOAT64, 4),
                                Tensor.zeros(DType.FLOAT64, 4));
        assertEquals(1.0, s.residuals().get(0), 1e-15);
        assertTrue(LinearSolver.norm(Tensor.ones(DType.FLOAT64, 4)) == 2.0);
    }
}
