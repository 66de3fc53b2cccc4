package org.implicitlayers.implicit.linear;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.solve.Solution;

/** Conjugate gradients (Hestenes and Stiefel 1952) for symmetric positive definite operators. */
public record ConjugateGradient(int maxIter, double tol) implements LinearSolver {
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
