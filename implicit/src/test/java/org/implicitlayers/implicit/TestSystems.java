package org.implicitlayers.implicit;

import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.ArrayRealVector;
import org.hipparchus.linear.LUDecomposition;
import org.implicitlayers.core.Rng;
import org.implicitlayers.core.Tensor;

/** Linear test systems with known solutions, shared by the solver tests. */
public final class TestSystems {
    private TestSystems() {}

    /**
     * A symmetric M = Q diag(e) Q' with eigenvalues spread over [0, 0.95]: slow for plain
     * iteration.
     */
    public static double[][] contraction(int n, long seed) {
        Rng rng = Rng.seeded(seed);
        double[][] r = new double[n][n];
        for (double[] row : r) {
            for (int j = 0; j < n; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        double[][] q =
                new org.hipparchus.linear.QRDecomposition(new Array2DRowRealMatrix(r))
                        .getQ()
                        .getData();
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += q[i][k] * (0.95 * k / (n - 1)) * q[j][k];
                }
                m[i][j] = s;
            }
        }
        return m;
    }

    public static Tensor apply(double[][] m, Tensor x) {
        int n = m.length;
        double[] flat = new double[n * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(m[i], 0, flat, i * n, n);
        }
        return x.matmul(Tensor.of(flat, n, n), false, true);
    }

    /** The exact solution of z = M z + b by LU, for comparison. */
    public static double[] exactFixedPoint(double[][] m, double[] b) {
        int n = m.length;
        double[][] a = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                a[i][j] = (i == j ? 1 : 0) - m[i][j];
            }
        }
        return new LUDecomposition(new Array2DRowRealMatrix(a))
                .getSolver()
                .solve(new ArrayRealVector(b))
                .toArray();
    }
}
