package org.implicitlayers.implicit.linear;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * Conjugate gradients (Hestenes and Stiefel 1952) for symmetric positive definite operators.
 *
 * @param maxIter iterations at most (at least 1); default 200
 * @param tol on the linear residual ||b - A x|| / ||b|| (by the recurrence); default 1e-8
 */
public record ConjugateGradient(int maxIter, double tol) implements LinearSolver {
    public ConjugateGradient {
        if (maxIter < 1 || !(tol >= 0)) {
            throw new IllegalArgumentException(
                    "ConjugateGradient: maxIter >= 1 and tol >= 0 required, got "
                            + maxIter
                            + ", "
                            + tol);
        }
    }

    /** 200 iterations, tol 1e-8. */
    public static ConjugateGradient defaults() {
        return new ConjugateGradient(200, 1e-8);
    }

    public ConjugateGradient withMaxIter(int n) {
        return new ConjugateGradient(n, tol);
    }

    public ConjugateGradient withTol(double t) {
        return new ConjugateGradient(maxIter, t);
    }

    @Override
    public Solution solve(UnaryOperator<Tensor> a, Tensor b, Tensor x0) {
        double bn = Math.max(LinearSolver.norm(b), 1e-300);
        Tensor x = x0;
        Tensor r = b.sub(a.apply(x));
        Tensor p = r;
        double rr = LinearSolver.dot(r, r);
        List<Double> res = new ArrayList<>();
        for (int k = 1; k <= maxIter; k++) {
            double rel = Math.sqrt(rr) / bn;
            res.add(rel);
            if (rel < tol) {
                return new Solution(x, k, res, true);
            }
            Tensor ap = a.apply(p);
            double alpha = rr / LinearSolver.dot(p, ap);
            x = x.add(p.mul(alpha));
            r = r.sub(ap.mul(alpha));
            double rrNew = LinearSolver.dot(r, r);
            p = r.add(p.mul(rrNew / rr));
            rr = rrNew;
        }
        res.add(Math.sqrt(rr) / bn);
        return new Solution(x, maxIter, res, res.get(res.size() - 1) < tol);
    }
}
