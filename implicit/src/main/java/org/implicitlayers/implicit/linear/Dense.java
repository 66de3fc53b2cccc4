package org.implicitlayers.implicit.linear;

import java.util.List;
import java.util.function.UnaryOperator;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.CholeskyDecomposition;
import org.hipparchus.linear.DecompositionSolver;
import org.hipparchus.linear.LUDecomposition;
import org.hipparchus.linear.RealMatrix;
import org.implicitlayers.core.DType;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Materialises the operator column by column and solves by LU (or Cholesky for symmetric positive
 * definite operators), with Hipparchus: exact for small systems. With {@code batched}, the operator
 * is taken to act independently on each row of the first axis (as for a batch of independent
 * problems), so d products give every row's d x d block at once.
 */
public record Dense(boolean batched, boolean cholesky) implements LinearSolver {
    public static Dense lu() {
        return new Dense(false, false);
    }

    public static Dense batchedLu() {
        return new Dense(true, false);
    }

    @Override
    public Solution solve(UnaryOperator<Tensor> a, Tensor b, Tensor x0) {
        int[] shape = b.shape();
        int rows = batched ? shape[0] : 1;
        int d = b.numel() / rows;
        double[][][] blocks = new double[rows][d][d];
        for (int j = 0; j < d; j++) {
            double[] e = new double[rows * d];
            for (int r = 0; r < rows; r++) {
                e[r * d + j] = 1;
            }
            double[] col = a.apply(Tensor.of(b.dtype(), e, shape).to(b.backend())).toDoubleArray();
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < d; i++) {
                    blocks[r][i][j] = col[r * d + i];
                }
            }
        }
        double[] bv = b.toDoubleArray(), x = new double[bv.length];
        for (int r = 0; r < rows; r++) {
            RealMatrix m = new Array2DRowRealMatrix(blocks[r], false);
            DecompositionSolver s =
                    cholesky
                            ? new CholeskyDecomposition(m).getSolver()
                            : new LUDecomposition(m, 1e-300).getSolver();
            double[] sol =
                    s.solve(
                                    new ArrayRealVector(
                                            java.util.Arrays.copyOfRange(bv, r * d, (r + 1) * d),
                                            false))
                            .toArray();
            System.arraycopy(sol, 0, x, r * d, d);
        }
        Tensor xs = Tensor.of(DType.FLOAT64, x, shape).to(b.dtype()).to(b.backend());
        double rel = LinearSolver.norm(b.sub(a.apply(xs))) / Math.max(LinearSolver.norm(b), 1e-300);
        return new Solution(xs, d + 1, List.of(rel), true);
    }
}
