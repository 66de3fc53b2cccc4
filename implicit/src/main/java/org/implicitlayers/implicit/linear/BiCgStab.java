package org.implicitlayers.implicit.linear;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * BiCGSTAB (van der Vorst 1992) for general operators; two products per iteration, short
 * recurrences.
 *
 * @param maxIter iterations at most (at least 1); default 200
 * @param tol on the linear residual ||b - A x|| / ||b||; default 1e-8
 */
public record BiCgStab(int maxIter, double tol) implements LinearSolver {
    public BiCgStab {
        if (maxIter < 1 || !(tol >= 0)) {
            throw new IllegalArgumentException(
                    "BiCgStab: maxIter >= 1 and tol >= 0 required, got " + maxIter + ", " + tol);
        }
    }

    /** 200 iterations, tol 1e-8. */
    public static BiCgStab defaults() {
        return new BiCgStab(200, 1e-8);
    }

    public BiCgStab withMaxIter(int n) {
        return new BiCgStab(n, tol);
    }

    public BiCgStab withTol(double t) {
        return new BiCgStab(maxIter, t);
    }

    @Override
    public Solution solve(UnaryOperator<Tensor> a, Tensor b, Tensor x0) {
        double bn = Math.max(LinearSolver.norm(b), 1e-300);
        Tensor x = x0;
        Tensor r = b.sub(a.apply(x));
        Tensor rHat = r;
        double rho = 1, alpha = 1, omega = 1;
        Tensor v = Tensor.zerosLike(b), p = Tensor.zerosLike(b);
        List<Double> res = new ArrayList<>();
        int evals = 1;
        for (int k = 0; k < maxIter; k++) {
            double rel = LinearSolver.norm(r) / bn;
            res.add(rel);
            if (rel < tol) {
                return new Solution(x, evals, res, true);
            }
            double rhoNew = LinearSolver.dot(rHat, r);
            if (rhoNew == 0) {
                break; // breakdown
            }
            double beta = (rhoNew / rho) * (alpha / omega);
            p = r.add(p.sub(v.mul(omega)).mul(beta));
            v = a.apply(p);
            alpha = rhoNew / LinearSolver.dot(rHat, v);
            Tensor s = r.sub(v.mul(alpha));
            Tensor t = a.apply(s);
            evals += 2;
            double tt = LinearSolver.dot(t, t);
            omega = tt == 0 ? 0 : LinearSolver.dot(t, s) / tt;
            x = x.add(p.mul(alpha)).add(s.mul(omega));
            r = s.sub(t.mul(omega));
            rho = rhoNew;
            if (omega == 0) {
                break;
            }
        }
        double rel = LinearSolver.norm(b.sub(a.apply(x))) / bn;
        res.add(rel);
        return new Solution(x, evals + 1, res, rel < tol);
    }
}
