package org.implicitlayers.implicit.linear;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Restarted GMRES(k) (Saad and Schultz 1986): Arnoldi with modified Gram-Schmidt, the small least
 * squares problem kept triangular by Givens rotations. For general (non-symmetric) operators such
 * as the adjoint systems of implicit layers.
 *
 * @param restart k, the Krylov dimension before a restart (at least 1); default 20
 * @param maxIter operator applications at most (at least 1); default 200
 * @param tol on the linear residual ||b - A x|| / ||b||; default 1e-8
 */
public record Gmres(int restart, int maxIter, double tol) implements LinearSolver {
    public Gmres {
        if (restart < 1 || maxIter < 1 || !(tol >= 0)) {
            throw new IllegalArgumentException(
                    "Gmres: restart >= 1, maxIter >= 1 and tol >= 0 required, got "
                            + restart
                            + ", "
                            + maxIter
                            + ", "
                            + tol);
        }
    }

    /** GMRES(20), 200 applications, tol 1e-8. */
    public static Gmres defaults() {
        return new Gmres(20, 200, 1e-8);
    }

    public Gmres withRestart(int k) {
        return new Gmres(k, maxIter, tol);
    }

    public Gmres withMaxIter(int n) {
        return new Gmres(restart, n, tol);
    }

    public Gmres withTol(double t) {
        return new Gmres(restart, maxIter, t);
    }

    @Override
    public Solution solve(UnaryOperator<Tensor> a, Tensor b, Tensor x0) {
        double bn = Math.max(LinearSolver.norm(b), 1e-300);
        Tensor x = x0;
        List<Double> res = new ArrayList<>();
        int evals = 0;
        while (evals < maxIter) {
            Tensor r = b.sub(a.apply(x));
            evals++;
            double beta = LinearSolver.norm(r);
            res.add(beta / bn);
            if (beta / bn < tol) {
                return new Solution(x, evals, res, true);
            }
            int m = Math.min(restart, maxIter - evals);
            if (m <= 0) {
                break;
            }
            List<Tensor> v = new ArrayList<>();
            v.add(r.div(beta));
            double[][] h = new double[m + 1][m];
            double[] cs = new double[m], sn = new double[m], g = new double[m + 1];
            g[0] = beta;
            int j = 0;
            for (; j < m; j++) {
                Tensor w = a.apply(v.get(j));
                evals++;
                for (int i = 0; i <= j; i++) {
                    h[i][j] = LinearSolver.dot(w, v.get(i));
                    w = w.sub(v.get(i).mul(h[i][j]));
                }
                h[j + 1][j] = LinearSolver.norm(w);
                for (int i = 0; i < j; i++) {
                    double t = cs[i] * h[i][j] + sn[i] * h[i + 1][j];
                    h[i + 1][j] = -sn[i] * h[i][j] + cs[i] * h[i + 1][j];
                    h[i][j] = t;
                }
                double den = Math.hypot(h[j][j], h[j + 1][j]);
                cs[j] = den == 0 ? 1 : h[j][j] / den;
                sn[j] = den == 0 ? 0 : h[j + 1][j] / den;
                double hj1 = h[j + 1][j];
                h[j][j] = cs[j] * h[j][j] + sn[j] * hj1;
                h[j + 1][j] = 0;
                g[j + 1] = -sn[j] * g[j];
                g[j] = cs[j] * g[j];
                res.add(Math.abs(g[j + 1]) / bn);
                if (Math.abs(g[j + 1]) / bn < tol || hj1 == 0) {
                    j++;
                    break;
                }
                v.add(w.div(hj1));
            }
            // Back-substitution for the Krylov coefficients, then the update.
            double[] y = new double[j];
            for (int i = j - 1; i >= 0; i--) {
                double s = g[i];
                for (int k = i + 1; k < j; k++) {
                    s -= h[i][k] * y[k];
                }
                y[i] = s / h[i][i];
            }
            for (int i = 0; i < j; i++) {
                x = x.add(v.get(i).mul(y[i]));
            }
            if (res.get(res.size() - 1) < tol) {
                return new Solution(x, evals, res, true);
            }
        }
        double rel = LinearSolver.norm(b.sub(a.apply(x))) / bn;
        res.add(rel);
        return new Solution(x, evals + 1, res, rel < tol);
    }
}
