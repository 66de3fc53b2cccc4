package org.implicitlayers.implicit.linear;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.implicitlayers.core.Tensor;
import org.implicitlayers.implicit.convergence.Solution;

/**
 * The Neumann series x = sum_k M^k b with M = I - A: converges when the spectral radius of M is
 * below 1 (for A = I - J^T, a contractive layer). The residual of the partial sum x_k is b - A x_k
 * = M^(k+1) b, the next term, so it costs nothing extra: the series stops when that term's norm
 * falls below tol ||b||, or after {@code terms} terms.
 *
 * @param terms terms at most (at least 1); default 50
 * @param tol on the linear residual ||b - A x|| / ||b||; default 1e-6
 */
public record Neumann(int terms, double tol) implements LinearSolver {
    public Neumann {
        if (terms < 1 || !(tol >= 0)) {
            throw new IllegalArgumentException(
                    "Neumann: terms >= 1 and tol >= 0 required, got " + terms + ", " + tol);
        }
    }

    /** 50 terms, tol 1e-6. */
    public static Neumann defaults() {
        return new Neumann(50, 1e-6);
    }

    public Neumann withTerms(int n) {
        return new Neumann(n, tol);
    }

    public Neumann withTol(double t) {
        return new Neumann(terms, t);
    }

    /** x0 is not used: the series starts from b. */
    @Override
    public Solution solve(UnaryOperator<Tensor> a, Tensor b, Tensor x0) {
        double bn = Math.max(LinearSolver.norm(b), 1e-300);
        Tensor term = b, x = b;
        List<Double> res = new ArrayList<>();
        for (int k = 1; k <= terms; k++) {
            term = term.sub(a.apply(term)); // M^k b: the residual of x = sum_{j < k} M^j b
            double rel = LinearSolver.norm(term) / bn;
            res.add(rel);
            if (rel < tol || k == terms) {
                return new Solution(x, k, res, rel < tol);
            }
            x = x.add(term);
        }
        throw new AssertionError("unreachable: terms >= 1");
    }
}
